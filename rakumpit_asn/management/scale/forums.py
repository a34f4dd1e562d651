"""Forum topics and comments."""

# ruff: noqa: S311 (seeded generators make repeatable test data; nothing here is a secret)
from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from forums.models import Comment, Topic
from rakumpit_asn.management.scale._base import Built, _bulk
from workforce.models import (
    Kelurahan,
    Sector,
)

FORUM_PREFIX = "Bench topik "
THEMES = (
    "ambulans puskesmas",
    "dokter gigi",
    "guru sekolah terpencil",
    "jadwal klinik sungai",
    "antrean pelayanan KTP",
    "bidan desa",
    "air bersih",
    "penerangan jalan",
)


def _forum_authors(count: int) -> list[User]:
    emails = [f"bench-forum-{i:03d}@example.org" for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        User(email=e, full_name=f"Warga {e[12:15]}", password=make_password(None))
        for e in emails
        if e not in existing
    )
    return list(User.objects.filter(email__in=emails).order_by("email"))


@transaction.atomic
def forums(
    *,
    topics: int = 20_000,
    comments: int = 200_000,
    big_topic_comments: int = 500,
    authors: int = 200,
    prefix: str = FORUM_PREFIX,
    quiet: bool = False,
) -> Built:
    """Topics spread over every sector and kelurahan; the first topic (`<prefix>00000`) carries
    `big_topic_comments` of the comments, the rest are spread at random."""
    existing = Topic.objects.filter(title__startswith=prefix)
    if existing.count() >= topics:
        return Built(
            "forums",
            False,
            {
                "topics": existing.count(),
                "comments": Comment.objects.filter(topic__in=existing).count(),
            },
        )
    existing.delete()  # a smaller or half-finished earlier seed: start over
    rng = random.Random(8)
    people = _forum_authors(authors)
    sectors = list(Sector.objects.all())
    kelurahan = list(Kelurahan.objects.all())
    now = timezone.now()
    big = min(big_topic_comments, comments)
    counts = [big] + [0] * (topics - 1)
    for _ in range(comments - big):
        counts[rng.randrange(1, topics) if topics > 1 else 0] += 1

    def topic(n):
        theme = THEMES[n % len(THEMES)]
        created = now - timedelta(minutes=n * 7)
        return Topic(
            title=f"{prefix}{n:05d}: {theme}",
            body=f"Warga berharap ada perbaikan layanan {theme} di kelurahan kami. "
            "Mohon ditindaklanjuti oleh dinas terkait.",
            author=people[n % len(people)],
            sector=sectors[n % len(sectors)],
            kelurahan=kelurahan[n % len(kelurahan)],
            support_count=rng.randint(0, 300),
            comment_count=counts[n],
            created_at=created,
            last_activity_at=created,
        )

    made = _bulk(Topic, (topic(n) for n in range(topics)), total=topics, desc="topics", quiet=quiet)
    rows = (
        Comment(
            topic=t,
            author=people[(t.pk + k) % len(people)],
            body=f"Setuju, ini penting. **Tanggapan {k}.**",
            created_at=t.created_at + timedelta(minutes=k + 1),
        )
        for t, count in zip(made, counts, strict=True)
        for k in range(count)
    )
    _bulk(Comment, rows, total=comments, desc="comments", quiet=quiet)
    return Built("forums", True, {"topics": topics, "comments": comments})
