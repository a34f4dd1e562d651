"""The chain resident -> discussion -> recruitment criteria, navigable both ways: a discussion
session's outcome links to the formations it informed (through forums.integration, registered by
recruitment), and the formation's vacancy page links back to the outcome."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.integration import outcome_links
from forums.models import DiscussionSession, SessionOutcome
from tests.factories import FormationFactory, UserFactory
from tests.forums.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    return DiscussionSession.objects.create(
        title="Forum diskusi kesehatan",
        agenda="Dokter gigi",
        starts_at=timezone.now(),
        place="Aula",
        created_by=UserFactory(roles=["hr"]),
    )


def _outcome(session, text="Kriteria dokter gigi: tinggal di Rakumpit"):
    outcome = SessionOutcome.objects.create(session=session, description=text)
    outcome.topics.add(TopicFactory())
    return outcome


def test_the_session_page_links_an_outcome_to_the_formations_it_informed(client, session):
    outcome = _outcome(session)
    formation = FormationFactory()
    formation.informing_outcomes.add(outcome)
    hidden = FormationFactory(is_published=False)
    hidden.informing_outcomes.add(outcome)
    page = client.get(session.get_absolute_url()).content.decode()
    item = page.split(f'id="outcome-{outcome.pk}"', 1)[1].split("</li>\n", 1)[0]
    assert "Informed the criteria of" in item
    assert f'href="{formation.get_absolute_url()}"' in item
    assert hidden.get_absolute_url() not in page  # not published: not shown to the public


def test_an_outcome_that_informed_nothing_shows_no_link(client, session):
    _outcome(session)
    assert "Informed the criteria of" not in client.get(session.get_absolute_url()).text


def test_the_vacancy_page_links_back_to_the_outcome(client, session):
    outcome = _outcome(session)
    formation = FormationFactory()
    formation.informing_outcomes.add(outcome)
    page = client.get(formation.get_absolute_url()).content.decode()
    section = page.split('id="outcomes-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="{session.get_absolute_url()}#outcome-{outcome.pk}"' in section
    assert "Kriteria dokter gigi" in section and "Forum diskusi kesehatan" in section
    assert 'id="outcomes-heading"' not in client.get(FormationFactory().get_absolute_url()).text


def test_the_links_take_one_query_whatever_their_number(session):
    def links_for(n):
        outcomes = [_outcome(session, f"Hasil {i}") for i in range(n)]
        for outcome in outcomes:
            FormationFactory().informing_outcomes.add(outcome)
        ids = [o.pk for o in outcomes]
        with CaptureQueriesContext(connection) as queries:
            found = outcome_links(ids)
        assert len(found) == n
        return len(queries)

    assert links_for(1) == links_for(6) == 1


def test_the_session_page_runs_the_same_queries_with_more_outcomes(client, session):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(session.get_absolute_url()).status_code == 200
        return len(captured)

    FormationFactory().informing_outcomes.add(_outcome(session))
    few = queries()
    for i in range(5):
        FormationFactory().informing_outcomes.add(_outcome(session, f"Hasil {i}"))
    assert queries() == few
