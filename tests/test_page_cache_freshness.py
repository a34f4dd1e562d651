"""Every kept page is the page a fresh render would make, after every write of the journeys.

On the demo data, with the page cache on, a sample of the pages the cache keeps (the public
pages anonymous visitors read, the signed-in parts HR reads, an application's status page) is
read before and after each write the journeys make (an upload, a finalisation, a screening, a
publication, a forum post, a reply, a support, a moderation, an enrolment decision, a change to
the workforce register); after each write, every page served through the cache must equal the
same page rendered with the cache off. A write the page cache does not see fails here."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfWriter

from tests.conftest import two_factor_login

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class Pages:
    """The sample: (who reads, the page's address)."""

    def __init__(self, clients, pages):
        self.clients = clients
        self.pages = pages
        self.checked = 0

    def read_all(self):
        for who, url in self.pages:
            response = self.clients[who].get(url)
            assert response.status_code == 200, (who, url, response.status_code)

    def after(self, write_name):
        # A write's redirect leaves a message for the next page its author reads: read it now,
        # so that the message does not tell the two renders apart.
        for client in self.clients.values():
            client.get(reverse("privacy:notice"))
        for who, url in self.pages:
            client = self.clients[who]
            kept = client.get(url)
            with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, COMPUTED_CACHE_SECONDS=0):
                fresh = client.get(url)
            assert kept.status_code == fresh.status_code == 200, (write_name, who, url)
            assert TOKEN.sub(r"\1\2", kept.text) == TOKEN.sub(r"\1\2", fresh.text), (
                f"after {write_name}: {who} read a stale {url}"
            )
            self.checked += 1


def test_every_kept_page_equals_a_fresh_render_after_every_write(demo, settings):
    from forums.models import Topic
    from forums.services.moderation import topic_moderate
    from forums.services.topics import comment_create, topic_create, topic_support
    from recruitment.models import AdminResult, Application
    from recruitment.services.documents import document_upload
    from recruitment.services.screening import CheckInput, screening_save
    from training.models import Enrolment
    from training.services.enrolments import enrolment_decide
    from workforce.models import Employee

    assert settings.PUBLIC_PAGE_CACHE_SECONDS and settings.COMPUTED_CACHE_SECONDS
    users = demo["users"]  # a copy of the demo seeded once per test process (tests/conftest.py)
    draft = Application.objects.get(applicant=users["applicant2"], status=Application.Status.DRAFT)
    formation = draft.formation
    submitted = Application.objects.filter(
        period=draft.period, status=Application.Status.SUBMITTED
    ).first()
    topic = Topic.objects.filter(visibility="public").order_by("pk").first()
    clients = {"anonymous": Client()}
    for key in ("hr", "applicant2", "resident"):
        clients[key] = two_factor_login(Client(), users[key])
    pages = Pages(
        clients,
        [
            ("anonymous", reverse("home")),
            ("anonymous", reverse("recruitment:vacancy_list")),
            ("anonymous", reverse("recruitment:vacancy_detail", args=[formation.pk])),
            ("anonymous", reverse("recruitment:statistics")),
            ("anonymous", reverse("workforce:public_summary")),
            ("anonymous", reverse("forums:topic_list")),
            ("anonymous", reverse("forums:topic_detail", args=[topic.pk])),
            ("hr", reverse("recruitment:hr_application_list", args=[formation.pk])),
            ("hr", reverse("workforce:needs_map")),
            ("hr", reverse("training:hr_dashboard")),
            ("hr", reverse("performance:dashboard")),
            ("hr", draft.get_absolute_url()),
            ("applicant2", draft.get_absolute_url()),
        ],
    )
    pages.read_all()

    # The applicant uploads the missing documents and finalises.
    for requirement in draft.formation.required_documents.exclude(
        pk__in=draft.documents.values("requirement_id")
    ):
        document_upload(
            application=draft,
            requirement=requirement,
            uploaded_file=SimpleUploadedFile(f"{requirement.slug}.pdf", _pdf(), "application/pdf"),
            user=users["applicant2"],
        )
        pages.after(f"upload {requirement.slug}")
    response = clients["applicant2"].post(
        reverse("recruitment:application_finalise", args=[draft.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    pages.after("finalisation")

    # HR screens an application and unpublishes, then publishes, the formation's sibling.
    screening_save(
        application=submitted,
        actor=users["hr"],
        checks=[
            CheckInput(requirement_id=requirement.pk, result=AdminResult.MS)
            for requirement in submitted.formation.required_documents.all()
        ],
    )
    pages.after("screening")
    other = formation.period.formations.exclude(pk=formation.pk).filter(applications=None).first()
    if other is not None:
        url = reverse("recruitment:hr_formation_publish", args=[other.pk])
        clients["hr"].post(url, {"published": ""})
        pages.after("unpublishing a formation")
        clients["hr"].post(url, {"published": "on"})
        pages.after("publishing a formation")

    # Residents post, reply and support; a moderator hides a post.
    new_topic = topic_create(
        author=users["resident"],
        title="Jadwal puskesmas keliling",
        body="Mohon jadwal speedboat puskesmas keliling diumumkan sebulan sebelumnya.",
        sector=topic.sector,
        kelurahan=topic.kelurahan,
        address="127.0.0.1",
        consent_given=True,
    )
    pages.after("a new topic")
    comment_create(
        topic=topic, author=users["resident"], body="Setuju, ini penting.", address="127.0.0.1"
    )
    pages.after("a reply")
    topic_support(topic=topic, user=users["resident2"], address="127.0.0.2", consent_given=True)
    pages.after("a support")
    topic_moderate(
        topic=new_topic, moderator=users["moderator"], kind="hide", reason="Uji moderasi."
    )
    pages.after("a moderation")

    # Training and the workforce register.
    enrolment = Enrolment.objects.filter(status=Enrolment.Status.REQUESTED).first()
    if enrolment is not None:
        enrolment_decide(enrolment=enrolment, user=users["hr"], approve=True)
        pages.after("an enrolment decision")
    Employee.objects.filter(pk=Employee.objects.order_by("pk").first().pk).update(
        status=Employee.Status.ON_LEAVE
    )
    pages.after("a bulk change of the register")
    assert pages.checked >= 13 * 10
