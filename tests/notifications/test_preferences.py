"""How I am notified: the defaults, channels per category, the phone channels only once the
phone is verified, the essential category never left without a channel, quiet hours, and what
was typed kept when the form is refused."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Category, Preferences

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

URL = reverse("notifications:preferences")
CHANNELS = {
    "sms": {"BACKEND": "core.channels.LocmemBackend"},
    "whatsapp": {"BACKEND": "core.channels.LocmemBackend"},
}


@pytest.fixture
def client():
    """The messages are asserted in English (the source language): this client asks for it."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def applicant(db):
    """An applicant who also works for the kecamatan: every kind of message concerns them."""
    from accounts.roles import Role
    from tests.factories import UserFactory

    return UserFactory(roles=[Role.APPLICANT, Role.EMPLOYEE])


@pytest.fixture(autouse=True)
def _phone_channels(settings):
    settings.NOTIFICATION_CHANNELS = CHANNELS


def _post(**overrides):
    data = {f"c_{category}": ["email"] for category in Category.values}
    data.update(quiet_start="21:00", quiet_end="06:00")
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _verified(user, phone="+6281234567890"):
    prefs, _created = Preferences.objects.get_or_create(user=user)
    prefs.phone = phone
    prefs.phone_verified_at = timezone.now()
    prefs.save()
    return prefs


def _offered(html: str, category: str, channel: str) -> bool:
    import re

    boxes = re.findall(rf'<input[^>]*name="c_{category}"[^>]*>', html)
    return any(f'value="{channel}"' in tag for tag in boxes)


def _checked(html: str, category: str, channel: str) -> bool:
    import re

    for tag in re.findall(rf'<input[^>]*name="c_{category}"[^>]*>', html):
        if f'value="{channel}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no {channel} box for {category}")


def test_without_a_preferences_row_every_category_goes_by_email(client_as, applicant):
    assert not Preferences.objects.filter(user=applicant).exists()
    response = client_as(applicant).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for category in Category.values:
        assert _checked(html, category, "email")
        # SMS and WhatsApp are offered once a number is verified.
        assert not _offered(html, category, "sms")
        assert not _offered(html, category, "whatsapp")
    assert response.context["form"]["quiet_start"].value() == time(21, 0)
    # Looking at the page writes nothing.
    assert not Preferences.objects.filter(user=applicant).exists()
    assert services.external_channels(applicant, None, Category.NEWS) == ["email"]


def test_it_saves_the_channels_of_each_category(client_as, applicant):
    _verified(applicant)
    response = client_as(applicant).post(
        URL,
        _post(
            c_training=["email", "sms"],
            c_forums=None,  # nothing ticked: the inbox only
            c_recruitment=["whatsapp"],
        ),
    )
    assert response.status_code == 302
    prefs = Preferences.objects.get(user=applicant)
    assert prefs.chosen(Category.TRAINING) == ["email", "sms"]
    assert prefs.chosen(Category.FORUMS) == []
    assert prefs.chosen(Category.RECRUITMENT) == ["whatsapp"]
    assert prefs.chosen(Category.NEWS) == ["email"]
    page = client_as(applicant).get(URL).content.decode()
    assert _checked(page, "training", "sms") and _checked(page, "training", "email")
    assert not _checked(page, "forums", "email")
    assert services.external_channels(applicant, prefs, Category.FORUMS) == []


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_phone_channels_are_refused_until_the_phone_is_verified(client_as, applicant, channel):
    prefs = Preferences.objects.create(user=applicant, phone="+6281234567890")  # not verified
    response = client_as(applicant).post(URL, _post(c_training=["email", channel]))
    assert response.status_code == 200
    assert "Verify your mobile number under “SMS and WhatsApp” before choosing" in (
        response.content.decode()
    )
    assert response.context["form"].errors["c_training"]
    prefs.refresh_from_db()
    assert prefs.channels == {}


def test_the_service_refuses_phone_channels_without_a_verified_phone(applicant):
    with pytest.raises(services.ValidationError):
        services.preferences_save(
            applicant,
            channels_by_category={"training": ["sms"], "recruitment": ["email"]},
            quiet_start=time(21),
            quiet_end=time(6),
        )
    assert Preferences.objects.get(user=applicant).channels == {}


def test_recruitment_needs_at_least_one_channel(client_as, applicant):
    response = client_as(applicant).post(URL, _post(c_recruitment=None))
    assert response.status_code == 200
    assert "Choose at least one channel for your applications" in response.content.decode()
    assert response.context["form"].errors["c_recruitment"]
    assert not Preferences.objects.filter(user=applicant, channels__recruitment=[]).exists()
    with pytest.raises(services.ValidationError):
        services.preferences_save(
            applicant,
            channels_by_category={"recruitment": []},
            quiet_start=time(21),
            quiet_end=time(6),
        )


def test_it_saves_the_quiet_hours(client_as, applicant):
    response = client_as(applicant).post(URL, _post(quiet_start="22:30", quiet_end="05:15"))
    assert response.status_code == 302
    prefs = Preferences.objects.get(user=applicant)
    assert (prefs.quiet_start, prefs.quiet_end) == (time(22, 30), time(5, 15))
    page = client_as(applicant).get(URL).content.decode()
    assert 'value="22:30"' in page and 'value="05:15"' in page


def test_a_refused_form_keeps_what_was_typed(client_as, applicant):
    response = client_as(applicant).post(
        URL,
        _post(
            c_training=["sms"],  # refused: no verified phone
            c_forums=None,
            c_news=["email"],
            quiet_start="23:15",
            quiet_end="04:45",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "before choosing SMS or WhatsApp" in html
    assert not _checked(html, "training", "email")
    assert not _checked(html, "forums", "email")
    assert 'value="23:15"' in html and 'value="04:45"' in html
    assert not Preferences.objects.filter(user=applicant, quiet_start=time(23, 15)).exists()


def test_a_malformed_quiet_hour_is_refused_and_kept(client_as, applicant):
    response = client_as(applicant).post(URL, _post(quiet_start="25:99"))
    assert response.status_code == 200
    assert response.context["form"].errors["quiet_start"]
    assert 'value="25:99"' in response.content.decode()


def test_the_preferences_need_a_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_each_person_sees_the_kinds_of_message_that_can_concern_them(client_as, db):
    from accounts.roles import Role
    from tests.factories import UserFactory

    employee = client_as(UserFactory(roles=[Role.EMPLOYEE])).get(URL)
    fields = set(employee.context["form"].fields)
    assert "c_training" in fields and "c_performance" in fields
    assert "c_recruitment" not in fields  # no application, no required choice about them
    resident = client_as(UserFactory(roles=[Role.RESIDENT])).get(URL)
    fields = set(resident.context["form"].fields)
    assert "c_forums" in fields and "c_privacy" in fields
    assert not {"c_recruitment", "c_training", "c_performance", "c_news"} & fields


def test_saving_keeps_the_kinds_of_message_not_shown(client_as, db):
    from accounts.roles import Role
    from tests.factories import UserFactory

    resident = UserFactory(roles=[Role.RESIDENT])
    Preferences.objects.create(user=resident, channels={"training": []})
    response = client_as(resident).post(URL, _post(c_forums=["email"]))
    assert response.status_code == 302
    prefs = Preferences.objects.get(user=resident)
    assert prefs.chosen(Category.TRAINING) == []
    assert prefs.chosen(Category.RECRUITMENT) == ["email"]
