import pytest
from django.urls import reverse

from forums.selectors.topics import topic_list
from tests.forums.factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_it_finds_by_a_plain_contains_match_or_full_text(client):
    TopicFactory(title="Ambulans untuk puskesmas", body="Pasien gawat darurat.")
    TopicFactory(title="Guru SMP", body="Kekurangan guru matematika.")
    page = client.get(reverse("forums:topic_list"), {"q": "ambulans"}).context["page"]
    assert [t.title for t in page] == ["Ambulans untuk puskesmas"]


@pytest.mark.postgres
def test_it_ranks_with_the_indonesian_configuration(resident):
    title_hit = TopicFactory(title="Pelayanan dokter gigi", body="Tidak ada.")
    body_hit = TopicFactory(title="Puskesmas", body="Kami butuh pelayanan dokter gigi di sini.")
    TopicFactory(title="Jalan rusak", body="Jembatan ke Petuk Bukit.")
    found = list(topic_list(resident, search="layanan gigi"))  # stem: pelayanan -> layan
    assert [t.pk for t in found] == [title_hit.pk, body_hit.pk]


@pytest.mark.postgres
def test_it_has_the_gin_search_index():
    """Issue 23: the index is on the stored document, a column PostgreSQL generates from the
    title and text in the `indonesian` configuration (it was on the expression before)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'forums_topic_search_idx'"
        )
        (definition,) = cursor.fetchone()
        cursor.execute(
            "SELECT generation_expression FROM information_schema.columns"
            " WHERE table_name = 'forums_topic' AND column_name = 'search_vector'"
        )
        (generated,) = cursor.fetchone()
    assert "gin" in definition.lower() and "search_vector" in definition
    assert "indonesian" in generated and "'A'" in generated and "'B'" in generated
