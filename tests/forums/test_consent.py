"""Taking part in the forums rests on consent to the privacy notice: asked in the form itself (one
submit agrees and posts, nothing typed is lost), recorded with the notice's version, asked again
when the notice changes; reports and the IKM survey rest on the public task and need none."""

import pytest
from django.urls import reverse

from forums.models import Comment, Report, Support, Topic
from forums.services.moderation import report_create
from forums.services.topics import ForumConsentRequired, topic_create, topic_support
from privacy.models import Consent
from tests.forums.conftest import form_data
from tests.forums.factories import TopicFactory
from workforce.models import Kelurahan, Sector

pytestmark = pytest.mark.django_db


def forum_consents(user):
    return Consent.objects.filter(user=user, purpose="forum", withdrawn_at__isnull=True)


def test_the_service_refuses_without_consent_and_records_it_when_given(
    without_forum_consent, resident, settings
):
    sector, kelurahan = Sector.objects.first(), Kelurahan.objects.first()
    post = {"title": "Air bersih", "body": "Tolong.", "sector": sector, "kelurahan": kelurahan}
    with pytest.raises(ForumConsentRequired):
        topic_create(author=resident, address="1.2.3.4", **post)
    assert not Topic.objects.exists()
    topic_create(author=resident, address="1.2.3.4", consent_given=True, **post)
    assert Topic.objects.filter(author=resident).count() == 1
    assert forum_consents(resident).get().notice_version == settings.PRIVACY_NOTICE_VERSION


def test_the_topic_form_asks_once_and_keeps_what_was_typed(
    without_forum_consent, client_as, resident
):
    client = client_as(resident)
    page = client.get(reverse("forums:topic_create"))
    assert 'name="privacy_consent"' in page.text
    refused = client.post(reverse("forums:topic_create"), form_data())
    assert refused.status_code == 200
    assert "Tick the box to agree to the privacy notice" in refused.text
    assert "Ambulans untuk puskesmas" in refused.text
    assert not Topic.objects.exists()

    posted = client.post(reverse("forums:topic_create"), form_data(privacy_consent="on"))
    assert posted.status_code == 302
    assert Topic.objects.filter(author=resident).exists()
    assert forum_consents(resident).count() == 1
    # Agreed under this notice: not asked again.
    assert 'name="privacy_consent"' not in client.get(reverse("forums:topic_create")).text


def test_a_new_notice_version_asks_again(without_forum_consent, client_as, resident, settings):
    from privacy.services import consent_record

    consent_record(user=resident, purpose="forum")
    client = client_as(resident)
    assert 'name="privacy_consent"' not in client.get(reverse("forums:topic_create")).text
    settings.PRIVACY_NOTICE_VERSION = "2027-01"
    assert 'name="privacy_consent"' in client.get(reverse("forums:topic_create")).text


def test_a_refused_reply_keeps_its_text_on_the_topic_page(without_forum_consent, client_as):
    from tests.factories import UserFactory

    topic = TopicFactory()
    replier = UserFactory(roles=["resident"])
    client = client_as(replier)
    body = "Saya setuju, jam buka perlu diperpanjang."
    response = client.post(reverse("forums:comment_create", args=[topic.pk]), {"body": body})
    assert response.status_code == 200
    assert body in response.text
    assert "Tick the box to agree to the privacy notice" in response.text
    assert not Comment.objects.filter(topic=topic).exists()

    client.post(
        reverse("forums:comment_create", args=[topic.pk]),
        {"body": body, "privacy_consent": "on"},
    )
    assert Comment.objects.filter(topic=topic, author=replier).count() == 1


def test_supporting_asks_for_the_consent_beside_the_button(without_forum_consent, client_as):
    from tests.factories import UserFactory

    topic = TopicFactory()
    supporter = UserFactory(roles=["resident"])
    client = client_as(supporter)
    page = client.get(topic.get_absolute_url())
    assert 'id="support-consent"' in page.text
    refused = client.post(reverse("forums:topic_support", args=[topic.pk]), follow=True)
    assert "read the privacy notice and agree" in refused.text
    assert not Support.objects.filter(user=supporter).exists()
    client.post(reverse("forums:topic_support", args=[topic.pk]), {"privacy_consent": "1"})
    assert Support.objects.filter(user=supporter, topic=topic).exists()
    assert 'id="support-consent"' not in client.get(topic.get_absolute_url()).text


def test_a_report_needs_no_consent(without_forum_consent, resident):
    topic = TopicFactory()
    report_create(topic=topic, reporter=resident, reason="spam", address="1.2.3.4")
    assert Report.objects.filter(reporter=resident).exists()
    with pytest.raises(ForumConsentRequired):
        topic_support(topic=topic, user=resident, address="1.2.3.4")
