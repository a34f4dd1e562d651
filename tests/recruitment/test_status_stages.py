"""One truth for an application's status (recruitment.selectors.status): one application walked
through every stage with the real services, from the draft to the appointment. At each step "My
applications", the application page's outcome card and the badge say the stage as announced, in
English and in Bahasa Indonesia, and nothing the committee has not published shows through."""

import re
import secrets
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from recruitment.models import (
    AdminResult,
    Announcement,
    Appeal,
    Application,
    Document,
    DocumentRequirement,
    Presence,
    RejectionReason,
    SelectionPeriod,
)
from recruitment.rules import appeal_window
from recruitment.selectors.status import Stage, application_status, applications_overview
from recruitment.services.announcements import announcement_publish
from recruitment.services.appeals import appeal_answer, appeal_submit
from recruitment.services.applications import (
    application_finalise,
    application_start,
    application_withdraw,
)
from recruitment.services.appointments import Appoint, appointment_decline, appointments_confirm
from recruitment.services.exams import exam_session_create, exam_sessions_assign
from recruitment.services.periods import (
    period_add_default_passing_grades,
    rejection_reasons_ensure,
)
from recruitment.services.ranking import rank_period
from recruitment.services.scores import exam_result_update
from recruitment.services.screening import CheckInput, screening_save
from tests.factories import ApplicantProfileFactory, FormationFactory, SelectionPeriodFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

Kind = Announcement.Kind
BADGE = re.compile(r'<span class="badge[^"]*" data-status="([^"]+)">([^<]*)</span>')
HEADER = re.compile(r"data-status-header>(.*?)</p>", re.S)


def _badges(html: str) -> list[tuple[str, str]]:
    return [(code, text.strip()) for code, text in BADGE.findall(html)]


class Walk:
    """The applicant's two pages, read as the applicant in both languages."""

    def __init__(self, client, application):
        self.client = client
        self.application = application

    def page(self, url: str, language: str) -> str:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    def check(self, code: str, *, en: str, id: str | None = None, absent=()) -> dict:
        """The list's badge, the application page's header badge: `en` in English and `id` in
        Bahasa Indonesia (the catalogue's translation of the same words when None). Returns the
        two pages in English."""
        pages = {}
        for language, expected in (("en", en), ("id", id)):
            if expected is None:
                with translation.override(language):
                    expected = application_status(self.application_fresh()).badge_text
            listing = self.page(reverse("recruitment:application_list"), language)
            detail = self.page(self.application.get_absolute_url(), language)
            assert _badges(listing) == [(code, expected)], (language, _badges(listing))
            header = HEADER.search(detail).group(1)
            assert _badges(header) == [(code, expected)], (language, header)
            for text in absent:
                assert text not in listing and text not in detail, (language, text)
            pages[language] = (listing, detail)
        return pages["en"]

    def application_fresh(self) -> Application:
        return Application.objects.get(pk=self.application.pk)


def _upload_all(application: Application) -> None:
    """The required documents, stored as the upload service stores them (the upload rules have
    their own tests)."""
    for requirement in application.formation.required_documents.all():
        token = secrets.token_hex(16)
        Document.objects.create(
            application=application,
            requirement=requirement,
            version=1,
            token=token,
            extension=requirement.file_format,
            file=f"applications/{application.pk}/{token}.{requirement.file_format}",
            original_name=f"{requirement.slug}.{requirement.file_format}",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
        )


@pytest.fixture
def selection(client, hr):
    """A CPNS period open now with one formation (one place), and one applicant's draft."""
    rejection_reasons_ensure()
    period = SelectionPeriodFactory()
    period_add_default_passing_grades(period=period)
    formation = FormationFactory(period=period, quota=1)
    profile = ApplicantProfileFactory()
    user = profile.user
    application = application_start(user=user, formation=formation, consent_given=True)
    client.force_login(user)
    return period, formation, application


def _close_registration(period: SelectionPeriod) -> None:
    now = timezone.now()
    SelectionPeriod.objects.filter(pk=period.pk).update(
        registration_opens_at=now - timedelta(days=20),
        registration_closes_at=now - timedelta(days=3),
        registration_closed=True,
    )
    period.refresh_from_db()


def _screen(application, hr, *, tms: str = "") -> RejectionReason:
    reason = RejectionReason.objects.order_by("order").first()
    checks = [
        CheckInput(
            requirement.pk,
            AdminResult.TMS if requirement.slug == tms else AdminResult.MS,
            reason if requirement.slug == tms else None,
            "Nama pada ijazah berbeda." if requirement.slug == tms else "",
        )
        for requirement in application.formation.required_documents.all()
    ]
    screening_save(application=application, actor=hr, checks=checks)
    return reason


def test_it_walks_one_application_through_every_stage_as_announced(client, hr, selection):
    period, _formation, application = selection
    walk = Walk(client, application)

    # A draft: what is missing, the deadline and the time left.
    listing, detail = walk.check(Stage.DRAFT, en="Draft: not sent yet", id="Draf: belum dikirim")
    assert "Still missing:" in listing and "closes in" in listing
    assert 'data-next-step="finalise"' in detail

    _upload_all(application)
    application_finalise(application=application, user=application.applicant)
    listing, detail = walk.check(
        Stage.SUBMITTED,
        en="Registration complete: waiting for screening",
        id="Pendaftaran selesai: menunggu verifikasi administrasi",
    )
    assert reverse("recruitment:application_card", args=[application.pk]) in detail

    # Screened TMS: nothing shows before the announcement.
    _close_registration(period)
    application.refresh_from_db()
    reason = _screen(application, hr, tms="ijazah")
    walk.check(
        Stage.SUBMITTED,
        en="Registration complete: waiting for screening",
        absent=("Does not meet", "Nama pada ijazah berbeda."),
    )

    # Announced yesterday: TMS with its reason, and the sanggah open now, with its deadline.
    announcement_publish(
        period=period, kind=Kind.ADMIN, actor=hr, now=timezone.now() - timedelta(days=1),
        notify=False,
    )  # fmt: skip
    listing, detail = walk.check(
        Stage.TMS,
        en="Does not meet the requirements (TMS)",
        id="Tidak memenuhi syarat (TMS)",
    )
    appeal_url = reverse("recruitment:appeal_create", args=[application.pk])
    with translation.override("en"):
        reason_text = str(reason.label)
    for html in (listing, detail):
        assert reason_text in html and "Nama pada ijazah berbeda." in html
        assert appeal_url in html
    assert "closes in" in listing
    # The outcome card comes before the documents, which are folded away, and says once that
    # they can no longer change.
    assert detail.index("data-outcome") < detail.index("data-documents")
    assert detail.count("Documents can no longer be changed") == 1
    assert "2 documents sent" in detail

    ijazah = DocumentRequirement.objects.get(period=period, slug="ijazah")
    appeal_submit(
        application=application,
        user=application.applicant,
        requirement_ids=[ijazah.pk],
        reason="Nama pada ijazah sama dengan KTP.",
        confirmed=True,
    )
    _listing, detail = walk.check(
        Stage.APPEAL_FILED, en="Appeal (sanggah) sent (TMS)", id="Sanggah dikirim (TMS)"
    )
    assert appeal_url not in detail

    # Accepted: the committee's new MS waits for the post-appeal announcement.
    appeal_answer(
        appeal=Appeal.objects.get(application=application),
        actor=hr,
        accept=True,
        answer="Diperiksa ulang.",
        notify=False,
    )
    walk.check(Stage.APPEAL_ACCEPTED, en="Appeal accepted", absent=("Meets the requirements",))

    window = appeal_window(period)
    announcement_publish(
        period=period, kind=Kind.POST_APPEAL, actor=hr, now=window.closes + timedelta(minutes=1),
        notify=False,
    )  # fmt: skip
    walk.check(
        Stage.POST_APPEAL_MS,
        en="Meets the requirements (MS)",
        id="Memenuhi syarat (MS)",
    )

    exam_session_create(
        period=period,
        name="Sesi 1",
        location="Aula Kantor Kecamatan Rakumpit",
        address="Jl. Tjilik Riwut Km 30",
        date=timezone.localdate() + timedelta(days=30),
        starts_at=time(8, 0),
        ends_at=time(9, 40),
        capacity=10,
    )
    exam_sessions_assign(period=period, actor=hr, notify=False)
    _listing, detail = walk.check(Stage.EXAM_SCHEDULED, en="Exam scheduled")
    assert "Aula Kantor Kecamatan Rakumpit" in detail
    assert reverse("recruitment:exam_card", args=[application.pk]) in detail

    # Scored and ranked: P/L and L exist, neither is announced yet.
    application.refresh_from_db()
    exam_result_update(
        application=application,
        actor=hr,
        skd_presence=Presence.PRESENT,
        twk=100,
        tiu=120,
        tkp=180,
        skb_presence=Presence.PRESENT,
        skb=400,
    )
    rank_period(period=period, actor=hr)
    walk.check(Stage.EXAM_SCHEDULED, en="Exam scheduled", absent=("(P/L)", "Passed (L)"))

    announcement_publish(
        period=period, kind=Kind.SKD, actor=hr, now=window.closes + timedelta(days=1),
        notify=False,
    )  # fmt: skip
    walk.check(
        Stage.SKD_RESULT,
        en="Passed the passing grade and ranked in for the SKB (P/L)",
        id="Memenuhi nilai ambang batas dan masuk peringkat peserta SKB (P/L)",
        absent=("Passed (L)",),
    )

    final_at = window.closes + timedelta(days=2)
    announcement_publish(period=period, kind=Kind.FINAL, actor=hr, now=final_at, notify=False)
    walk.check(Stage.FINAL_RESULT, en="Passed (L)", id="Lulus (L)")

    tmt = timezone.localdate(final_at) + timedelta(days=30)
    appointments_confirm(period=period, rows=[Appoint(application.pk, tmt)], actor=hr)
    walk.check(Stage.APPOINTED, en="Appointed", id="Diangkat")


def test_it_walks_a_rejected_appeal_to_the_final_tms(client, hr, selection):
    period, _formation, application = selection
    walk = Walk(client, application)
    _upload_all(application)
    application_finalise(application=application, user=application.applicant)
    _close_registration(period)
    application.refresh_from_db()
    _screen(application, hr, tms="pas-foto")
    announcement_publish(
        period=period, kind=Kind.ADMIN, actor=hr, now=timezone.now() - timedelta(days=1),
        notify=False,
    )  # fmt: skip
    photo = DocumentRequirement.objects.get(period=period, slug="pas-foto")
    appeal_submit(
        application=application,
        user=application.applicant,
        requirement_ids=[photo.pk],
        reason="Foto saya jelas.",
        confirmed=True,
    )
    appeal_answer(
        appeal=Appeal.objects.get(application=application),
        actor=hr,
        accept=False,
        answer="Foto tidak berlatar merah.",
        notify=False,
    )
    listing, _detail = walk.check(
        Stage.APPEAL_REJECTED, en="Appeal rejected: the result stays TMS (TMS)"
    )
    assert "Foto tidak berlatar merah." in listing

    window = appeal_window(period)
    announcement_publish(
        period=period, kind=Kind.POST_APPEAL, actor=hr, now=window.closes + timedelta(minutes=1),
        notify=False,
    )  # fmt: skip
    _listing, detail = walk.check(
        Stage.POST_APPEAL_TMS,
        en="Does not meet the requirements (TMS)",
        id="Tidak memenuhi syarat (TMS)",
    )
    assert "This result after appeals is final." in detail
    assert reverse("recruitment:appeal_create", args=[application.pk]) not in detail

    # Nobody to score: the ranking gives TMS, announced with the final result.
    rank_period(period=period, actor=hr)
    announcement_publish(
        period=period, kind=Kind.SKD, actor=hr, now=window.closes + timedelta(days=1),
        notify=False,
    )  # fmt: skip
    announcement_publish(
        period=period, kind=Kind.FINAL, actor=hr, now=window.closes + timedelta(days=2),
        notify=False,
    )  # fmt: skip
    walk.check(
        Stage.FINAL_RESULT,
        en="Did not meet the administrative requirements (TMS)",
        id=None,
    )


def test_it_says_when_a_draft_missed_the_deadline_or_was_withdrawn(client, selection):
    period, formation, application = selection
    walk = Walk(client, application)
    application_withdraw(application=application, user=application.applicant, reason="")
    # A draft is discarded, not withdrawn: start again and finalise, then withdraw.
    application = application_start(
        user=application.applicant, formation=formation, consent_given=True
    )
    _upload_all(application)
    application_finalise(application=application, user=application.applicant)
    application_withdraw(application=application, user=application.applicant, reason="Pindah.")
    walk.application = application
    walk.check(Stage.WITHDRAWN, en="Withdrawn by you (APS)", id="Anda mengundurkan diri (APS)")

    other = ApplicantProfileFactory().user
    draft = application_start(user=other, formation=formation, consent_given=True)
    _close_registration(period)
    client.force_login(other)
    walk = Walk(client, draft)
    listing, _detail = walk.check(Stage.DRAFT_CLOSED, en="Not sent: registration has closed")
    assert "closes in" not in listing


def test_it_tells_a_place_declined(client, hr, selection):
    period, _formation, application = selection
    _upload_all(application)
    application_finalise(application=application, user=application.applicant)
    _close_registration(period)
    application.refresh_from_db()
    _screen(application, hr)
    announcement_publish(
        period=period, kind=Kind.ADMIN, actor=hr, now=timezone.now() - timedelta(days=5),
        notify=False,
    )  # fmt: skip
    window = appeal_window(period)
    announcement_publish(
        period=period, kind=Kind.POST_APPEAL, actor=hr, now=window.closes, notify=False
    )
    application.refresh_from_db()
    exam_result_update(
        application=application, actor=hr, skd_presence=Presence.PRESENT, twk=100, tiu=120,
        tkp=180, skb_presence=Presence.PRESENT, skb=400,
    )  # fmt: skip
    rank_period(period=period, actor=hr)
    announcement_publish(period=period, kind=Kind.SKD, actor=hr, now=window.closes, notify=False)
    announcement_publish(period=period, kind=Kind.FINAL, actor=hr, now=window.closes, notify=False)
    appointment_decline(application=application, actor=hr, note="Memilih pekerjaan lain.")
    Walk(client, application).check(
        Stage.PLACE_DECLINED, en="Declined the place", id="Menolak formasi"
    )


def test_it_reads_my_applications_in_the_same_queries_whatever_their_number(
    page_cache_off, client, hr, selection, django_assert_max_num_queries
):
    """The list's queries do not grow with the applications, at every stage they can be in."""
    _period, _formation, application = selection
    user = application.applicant
    _upload_all(application)
    application_finalise(application=application, user=user)

    def count() -> int:
        with django_assert_max_num_queries(20) as captured:
            response = client.get(reverse("recruitment:application_list"))
        assert response.status_code == 200
        return len(captured.captured_queries)

    def add(year: int, stage: str) -> None:
        other_period = SelectionPeriodFactory(year=year)
        other = FormationFactory(period=other_period, quota=1)
        app = application_start(user=user, formation=other, consent_given=True)
        if stage == "draft":
            return
        _upload_all(app)
        application_finalise(application=app, user=user)
        _close_registration(other_period)
        app.refresh_from_db()
        _screen(app, hr, tms="ijazah" if stage in ("tms", "appeal") else "")
        announcement_publish(
            period=other_period, kind=Kind.ADMIN, actor=hr,
            now=timezone.now() - timedelta(days=1), notify=False,
        )  # fmt: skip
        if stage == "appeal":
            appeal_submit(
                application=app, user=user,
                requirement_ids=[app.formation.required_documents.get(slug="ijazah").pk],
                reason="Salah baca.", confirmed=True,
            )  # fmt: skip
        if stage == "final":
            window = appeal_window(other_period)
            for kind, days in ((Kind.POST_APPEAL, 0), (Kind.SKD, 1), (Kind.FINAL, 2)):
                if kind == Kind.SKD:
                    app.refresh_from_db()
                    exam_result_update(application=app, actor=hr, skd_presence=Presence.ABSENT)
                    rank_period(period=other_period, actor=hr)
                announcement_publish(
                    period=other_period, kind=kind, actor=hr,
                    now=window.closes + timedelta(days=days), notify=False,
                )  # fmt: skip

    stages = ("draft", "tms", "appeal", "final")
    for year, stage in zip(range(2020, 2024), stages, strict=True):
        add(year, stage)
    small = count()
    rows = applications_overview(user)
    # The selection still open comes first (the draft and its deadline, then this year's
    # application), then the closed ones, the latest first.
    assert [row.status.code for row in rows] == [
        Stage.DRAFT,
        Stage.SUBMITTED,
        Stage.FINAL_RESULT,
        Stage.APPEAL_FILED,
        Stage.TMS,
    ]
    assert rows[2].status.official_code == "TH"
    for year, stage in zip(range(2016, 2020), stages, strict=True):
        add(year, stage)
    assert count() == small
    assert len(applications_overview(user)) == 9


def test_it_shows_no_one_else_the_status_page(client, selection, applicant):
    _period, _formation, application = selection
    client.force_login(applicant)
    assert client.get(application.get_absolute_url()).status_code == 404
    listing = client.get(reverse("recruitment:application_list")).content.decode()
    assert application.get_absolute_url() not in listing
    assert "You have no application yet." in listing


def test_it_counts_the_time_left_to_the_deadline(selection):
    _period, _formation, application = selection
    application.period.registration_closes_at = timezone.now() + timedelta(days=2, hours=3)
    status = application_status(application, missing=[])
    assert status.next_step.deadline == application.period.registration_closes_at
    assert status.next_step.kind == "finalise"
    # One second after the deadline the draft can no longer be sent.
    later = application.period.registration_closes_at + timedelta(seconds=1)
    assert application_status(application, missing=[], now=later).code == Stage.DRAFT_CLOSED
    at_deadline = application.period.registration_closes_at
    assert application_status(application, missing=[], now=at_deadline).code == (Stage.DRAFT_CLOSED)
    just_before = at_deadline - timedelta(microseconds=1)
    assert application_status(application, missing=[], now=just_before).code == Stage.DRAFT


def test_it_reads_the_appeal_window_at_its_edges(hr, selection):
    period, _formation, application = selection
    _upload_all(application)
    application_finalise(application=application, user=application.applicant)
    _close_registration(period)
    application.refresh_from_db()
    _screen(application, hr, tms="ijazah")
    announcement_publish(period=period, kind=Kind.ADMIN, actor=hr, notify=False)
    application.refresh_from_db()
    window = appeal_window(period)
    before = application_status(application, now=window.opens - timedelta(microseconds=1))
    assert before.code == Stage.TMS and before.next_step.kind == "appeal-soon"
    assert before.next_step.url == ""
    opening = application_status(application, now=window.opens)
    assert opening.next_step.kind == "appeal"
    # Said as the last minute of the last day: 23:59 WIB.
    assert opening.next_step.deadline == window.closes - timedelta(minutes=1)
    assert timezone.localtime(opening.next_step.deadline).strftime("%H:%M") == "23:59"
    last = application_status(application, now=window.closes - timedelta(microseconds=1))
    assert last.next_step.kind == "appeal"
    closed = application_status(application, now=window.closes)
    assert closed.code == Stage.TMS and closed.next_step is None
