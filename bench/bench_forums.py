"""The forums at 20,000 topics and 200,000 comments (issue 8: "topic list and topic page keep a
constant query count").

It times, as an anonymous visitor (and the list once as a signed-in resident, whose rows carry
"supported"/"following" flags): GET /forums/ in the default order and "most supported", a ranked
full-text search, and the page of one topic with many comments; in the same run the floor,
GET /healthz through the same middleware. Reports medians, queries per request and the ratio to
the floor. Seeding runs once (bulk_create in batches); a second run reuses the data.
"""

from django.test import Client

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_assign_roles
from bench.common import machine, measure, write
from forums.models import Comment, Topic
from rakumpit_asn.management import scale

TOPICS = 20_000
COMMENTS = 200_000
BIG_TOPIC_COMMENTS = 500  # of the 200,000: the topic page case
PREFIX = scale.FORUM_PREFIX


def _seed() -> None:
    scale.forums(topics=TOPICS, comments=COMMENTS, big_topic_comments=BIG_TOPIC_COMMENTS)


def run() -> None:
    print("Seeding the forum data (once)...")
    _seed()
    big = Topic.objects.filter(title__startswith=f"{PREFIX}00000").get()
    small = (
        Topic.objects.filter(title__startswith=PREFIX, comment_count__lte=10).order_by("pk").first()
    )
    resident, _ = User.objects.get_or_create(
        email="bench-resident@example.org",
        defaults={"full_name": "Warga Bench"},
    )
    user_assign_roles(user=resident, roles=[Role.RESIDENT])
    anonymous = Client(HTTP_HOST="127.0.0.1")
    signed_in = Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(resident)
    counts = {
        "topics": Topic.objects.count(),
        "comments": Comment.objects.count(),
        "comments on the timed topic page": big.comments.count(),
    }

    def get(client, url):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    def floor():
        assert anonymous.get("/healthz").status_code in (200, 503)

    results = {
        "floor (/healthz)": measure(floor, repeat=30),
        "topic list (newest)": measure(get(anonymous, "/forums/"), repeat=15),
        "topic list, page 50": measure(get(anonymous, "/forums/?page=50"), repeat=15),
        "topic list (most supported)": measure(
            get(anonymous, "/forums/?sort=supported"), repeat=15
        ),
        "topic list (newest), signed-in resident": measure(get(signed_in, "/forums/"), repeat=15),
        "search 'dokter gigi'": measure(get(anonymous, "/forums/?q=dokter+gigi"), repeat=15),
        f"topic page ({big.comments.count()} comments)": measure(
            get(anonymous, big.get_absolute_url()), repeat=10
        ),
        "topic page (few comments)": measure(get(anonymous, small.get_absolute_url()), repeat=15),
    }
    base = results["floor (/healthz)"]["median_ms"]
    lines = [
        "# Forums benchmark",
        "",
        f"Data: {counts}. Machine: {machine()}.",
        "",
        "| case | median ms | p90 ms | queries | ratio to floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = r["median_ms"] / base if base else 0
        lines.append(
            f"| {name} | {r['median_ms']} | {r['p90_ms']} | {r['queries_per_run']} | {ratio:.1f}× |"
        )
    payload = {"data": counts, "machine": machine(), "results": results}
    write("forums", payload, "\n".join(lines) + "\n")
