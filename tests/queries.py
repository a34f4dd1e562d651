"""Query budgets at two sizes (HOUSE_STYLE: every list page): a page that lists rows must ask the
database as many times for a few rows as for many. A count that grows with the rows is an N+1."""

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url: str) -> tuple[list[str], bytes]:
    """The SQL of one GET of the page, and its body (a streamed answer is read to its end inside
    the count)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries], body


def assert_constant_queries(client, url: str, grow, *, sizes=(2, 12), body_grows=True) -> int:
    """Grow the data to each size in turn (`grow(n)` adds n rows to what the page lists) and
    read the page: the counts must be equal. Returns the count. The page is read once first,
    uncounted: the session, the roles and the per-process caches are not the list's cost.
    `body_grows`: the larger page must be longer, so that the rows added are really shown (a
    test whose rows the page filters out would prove nothing); off for pages of totals."""
    client.get(url)
    reads, done = [], 0
    for size in sizes:
        grow(size - done)
        done = size
        reads.append(page_queries(client, url))
    (small, small_body), (large, large_body) = reads
    extra = Counter(sql[:160] for sql in large) - Counter(sql[:160] for sql in small)
    assert len(small) == len(large), (
        f"{url}: {len(small)} queries with {sizes[0]} rows, {len(large)} with {sizes[1]}; "
        "the extra ones: " + "\n".join(extra.elements())
    )
    if body_grows:
        assert len(large_body) > len(small_body), f"{url}: the rows added are not shown"
    return len(small)
