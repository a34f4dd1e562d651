"""Findings of the forum walk: the unit list follows the chosen sector (server-side, with or
without JavaScript), a preview checks the other fields too, and nobody supports their own topic."""

import pytest
from django.urls import reverse
from django.utils import translation

from forums.models import Support, Topic
from forums.services import ForumError
from forums.services.topics import topic_support
from tests.factories import UnitFactory, UserFactory
from tests.forums.conftest import form_data
from tests.forums.factories import TopicFactory
from workforce.models import Sector

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def _unit_select(page: str) -> str:
    return page.split('name="unit"', 1)[1].split("</select>", 1)[0]


@pytest.fixture
def units(db):
    health = Sector.objects.get(slug="kesehatan")
    school = Sector.objects.get(slug="pendidikan")
    return {
        "pustu": UnitFactory(name="Pustu Uji", sector=health),
        "sd": UnitFactory(name="SD Uji", sector=school, kind="sd"),
    }


def test_the_unit_list_holds_only_the_chosen_sectors_units(client_as, resident, units):
    data = form_data(title="", preview="1")  # a refused or previewed form shows the sector's
    page = _main(client_as(resident).post(reverse("forums:topic_create"), data))
    select = _unit_select(page)
    assert "Pustu Uji" in select and "SD Uji" not in select


def test_before_a_sector_is_chosen_each_unit_says_its_sector(client_as, resident, units):
    page = _main(client_as(resident).get(reverse("forums:topic_create")))
    select = _unit_select(page)
    assert "Pustu Uji (" in select and "SD Uji (" in select
    assert 'hx-get="/forums/new/units/"' in page


def test_it_refuses_a_unit_of_another_sector(client_as, resident, units):
    data = form_data(unit=units["sd"].pk)  # sector: kesehatan
    response = client_as(resident).post(reverse("forums:topic_create"), data)
    assert response.status_code == 200
    with translation.override("en"):
        assert "This unit is not in the chosen sector." in _main(response)
    assert not Topic.objects.exists()
    ok = client_as(resident).post(reverse("forums:topic_create"), form_data(unit=units["pustu"].pk))
    assert ok.status_code == 302
    assert Topic.objects.get().unit == units["pustu"]


def test_the_unit_options_follow_the_sector(client, units):
    school = units["sd"].sector_id
    url = reverse("forums:unit_options")
    options = client.get(url, {"sector": school, "unit": units["sd"].pk}).content.decode()
    assert f'<option value="{units["sd"].pk}" selected>SD Uji</option>' in options
    assert "Pustu Uji" not in options
    everything = client.get(url, {"sector": ""}).content.decode()
    assert "Pustu Uji (" in everything and "SD Uji (" in everything
    # A unit of another sector is not kept chosen.
    health = client.get(url, {"sector": units["pustu"].sector_id, "unit": units["sd"].pk})
    assert "selected" not in health.content.decode()


def test_a_preview_shows_the_errors_of_the_other_fields(client_as, resident):
    data = form_data(title="", kelurahan="", body="Teks **tebal**", preview="1")
    page = _main(client_as(resident).post(reverse("forums:topic_create"), data))
    assert "<strong>tebal</strong>" in page.split('id="topic-preview"', 1)[1]
    with translation.override("en"):
        assert "Write a title." in page
        assert "Before you post, correct the fields marked below." in page
    assert page.count("is-invalid") >= 2  # title and kelurahan
    assert not Topic.objects.exists()


def test_a_valid_preview_shows_no_error(client_as, resident):
    page = _main(client_as(resident).post(reverse("forums:topic_create"), form_data(preview="1")))
    assert "is-invalid" not in page and "There is a problem" not in page


def test_a_preview_does_not_ask_for_the_consent_yet(without_forum_consent, client_as):
    resident = UserFactory(roles=["resident"])
    page = _main(client_as(resident).post(reverse("forums:topic_create"), form_data(preview="1")))
    assert 'name="privacy_consent"' in page and "is-invalid" not in page


def test_it_refuses_supporting_ones_own_topic(client_as, resident):
    topic = TopicFactory(author=resident)
    with pytest.raises(ForumError) as refused, translation.override("en"):
        topic_support(topic=topic, user=resident, address="1.2.3.4")
    assert "You cannot support your own topic" in str(refused.value)
    response = client_as(resident).post(
        reverse("forums:topic_support", args=[topic.pk]), follow=True
    )
    assert "You cannot support your own topic" in response.content.decode()
    topic.refresh_from_db()
    assert topic.support_count == 0 and not Support.objects.exists()


def test_the_author_sees_no_support_button_and_others_do(client_as, resident):
    topic = TopicFactory(author=resident)
    own = _main(client_as(resident).get(topic.get_absolute_url()))
    assert "I support this" not in own and "Your own topic: others can support it." in own
    other = _main(client_as(UserFactory(roles=["resident"])).get(topic.get_absolute_url()))
    assert "I support this" in other
