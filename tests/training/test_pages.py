"""The training pages: who may see what (anonymous -> login, wrong role -> 403, someone else's
record -> 404), the request-approve-attend-certificate flow through the views, the public
certificate check and the query budgets of the list pages at two sizes."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.conftest import two_factor_login
from tests.factories import EmployeeFactory, UserFactory
from tests.training.factories import (
    ProgrammeFactory,
    SessionFactory,
    employee_with_user,
    enrolment,
    past_session,
    today,
)
from training.models import Attendance, Enrolment, Feedback, Material
from training.services.delivery import attendance_record, session_results_record

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
Status = Enrolment.Status


@pytest.fixture
def world(me, boss, stranger, hr, supervisor):
    """`me` (the employee persona) passed a past session; `stranger` is in another team whose
    supervisor is `other_boss`; an upcoming session is open for enrolment."""
    other_boss = employee_with_user(UserFactory(roles=["employee", "supervisor"]))
    stranger.supervisor = other_boss
    stranger.save()
    held = past_session(days_ago=5, programme=ProgrammeFactory(jp=12))
    mine = enrolment(held, me, by=hr)
    for meeting in held.meetings.all():
        attendance_record(meeting=meeting, present=[mine.pk], user=hr)
    session_results_record(session=held, scores={}, user=hr)
    mine.refresh_from_db()
    return {
        "me": me,
        "boss": boss,
        "stranger": stranger,
        "other_boss": other_boss,
        "held": held,
        "mine": mine,
        "open": SessionFactory(),
        "meeting": held.meetings.first(),
    }


PERSONAS = ("anonymous", "resident", "employee", "stranger", "supervisor", "other_boss", "hr")


def _user(persona, world, request):
    if persona == "anonymous":
        return None
    if persona == "stranger":
        return world["stranger"].user
    if persona == "other_boss":
        return world["other_boss"].user
    return request.getfixturevalue(persona)


def row(**outcomes):
    """Defaults: anonymous to login, everyone else 403, unless named."""
    return {"anonymous": "login", **dict.fromkeys(PERSONAS[1:], 403), **outcomes}


TRAINING = {"employee": 200, "stranger": 200, "supervisor": 200, "other_boss": 200, "hr": 200}
RECORD = {"employee": 200, "stranger": 404, "supervisor": 200, "other_boss": 404, "hr": 200}
HR = {"hr": 200}
GUEST = {"resident": 403, **TRAINING}
PAGES = {
    "training:programme_list": (lambda w: [], row(**TRAINING)),
    "training:programme_detail": (lambda w: [w["held"].programme.pk], row(**TRAINING)),
    "training:session_detail": (lambda w: [w["open"].pk], row(**GUEST)),
    "training:programme_manage_list": (lambda w: [], row(**HR)),
    "training:programme_create": (lambda w: [], row(**HR)),
    "training:programme_edit": (lambda w: [w["held"].programme.pk], row(**HR)),
    "training:session_create": (lambda w: [w["held"].programme.pk], row(**HR)),
    "training:session_edit": (lambda w: [w["held"].pk], row(**HR)),
    "training:my_invitations": (lambda w: [], row(resident=200)),
    "training:my_training": (
        lambda w: [],
        row(employee=200, stranger=200, supervisor=200, other_boss=200),
    ),
    "training:employee_training": (lambda w: [w["me"].pk], row(**RECORD)),
    "training:enrolment_detail": (lambda w: [w["mine"].pk], row(**RECORD)),
    "training:certificate_pdf": (lambda w: [w["mine"].pk], row(**RECORD)),
    "training:enrolment_feedback": (
        lambda w: [w["mine"].pk],
        row(employee=200, stranger=404, supervisor=404, other_boss=404),
    ),
    "training:team_requests": (lambda w: [], row(supervisor=200, other_boss=200)),
    "training:meeting_attendance": (lambda w: [w["meeting"].pk], row(**HR)),
    "training:session_results": (lambda w: [w["held"].pk], row(**HR)),
    "training:hr_dashboard": (lambda w: [], row(**HR)),
    "training:hr_chart": (lambda w: ["unit"], row(**HR)),
    "training:feedback_summary": (lambda w: [], row(**HR)),
    "training:verify": (lambda w: [], dict.fromkeys(PERSONAS, 200)),
    "training:verify_code": (
        lambda w: [w["mine"].certificate.verification_code],
        dict.fromkeys(PERSONAS, 200),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_it_answers_each_persona_as_the_house_rules_say(client, world, request, name, persona):
    args, outcomes = PAGES[name]
    user = _user(persona, world, request)
    if user is not None:
        two_factor_login(client, user)
    url = reverse(name, args=args(world))
    response = client.get(url)
    expected = outcomes[persona]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{url} as {persona}"


POSTS = {
    # name: (args, data, personas allowed through the access checks, outcome for the others)
    "training:enrolment_decide": (
        lambda w: [enrolment(w["open"], w["me"], status=Status.REQUESTED).pk],
        {"decision": "approve"},
        {"stranger": 403, "employee": 403, "other_boss": 404, "resident": 403},
    ),
    "training:enrolment_cancel": (
        lambda w: [enrolment(w["open"], w["me"]).pk],
        {},
        {"stranger": 404, "other_boss": 404, "supervisor": 404, "resident": 403},
    ),
}


@pytest.mark.parametrize(
    ("name", "persona"),
    [(name, persona) for name, spec in POSTS.items() for persona in spec[2]],
)
def test_it_refuses_actions_on_someone_elses_enrolment(client, world, request, name, persona):
    args, data, refusals = POSTS[name]
    two_factor_login(client, _user(persona, world, request))
    response = client.post(reverse(name, args=args(world)), data)
    assert response.status_code == refusals[persona]
    assert (
        not Enrolment.objects.filter(status__in=[Status.ENROLLED, Status.CANCELLED])
        .exclude(pk=world["mine"].pk)
        .exclude(status=Status.ENROLLED, session=world["open"])
        .exists()
    )


def test_it_sends_anonymous_posts_to_login(client, world):
    for name, args in [
        ("training:session_request", [world["open"].pk]),
        ("training:session_enrol", [world["open"].pk]),
        ("training:enrolment_cancel", [world["mine"].pk]),
    ]:
        response = client.post(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_it_takes_a_request_through_approval_attendance_and_certificate(
    client_as, world, employee, supervisor, hr
):
    me = world["me"]
    session = past_session(programme=ProgrammeFactory(jp=8, name="Pelayanan Prima"))
    client = client_as(employee)
    response = client.post(reverse("training:session_request", args=[session.pk]), **EN)
    assert response.status_code == 302
    request = Enrolment.objects.get(session=session, employee=me)
    assert request.status == Status.REQUESTED

    client = client_as(supervisor)
    page = client.get(reverse("training:team_requests"), **EN)
    assert me.full_name in page.text
    client.post(reverse("training:enrolment_decide", args=[request.pk]), {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == Status.ENROLLED

    client = client_as(hr)
    for meeting in session.meetings.all():
        response = client.post(
            reverse("training:meeting_attendance", args=[meeting.pk]), {"present": [request.pk]}
        )
        assert response.status_code == 302
    assert Attendance.objects.filter(enrolment=request, present=True).count() == 2
    response = client.post(reverse("training:session_results", args=[session.pk]))
    assert response.status_code == 302

    client = client_as(employee)
    pdf = client.get(reverse("training:certificate_pdf", args=[request.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    page = client.get(reverse("training:my_training"), **EN)
    assert f'data-testid="jp-{today().year}">20<' in page.text


def test_it_refuses_attendance_for_someone_not_enrolled_with_a_reason(client_as, world, hr):
    outsider = enrolment(world["held"], EmployeeFactory(full_name="Budi Luar"), status="requested")
    response = client_as(hr).post(
        reverse("training:meeting_attendance", args=[world["meeting"].pk]),
        {"present": [outsider.pk]},
        **EN,
    )
    assert response.status_code == 200
    assert "not enrolled: Budi Luar" in response.text


def test_it_shows_the_reason_when_a_request_is_refused(client_as, world, employee):
    closed = SessionFactory(
        enrolment_opens_on=today() - timedelta(days=9),
        enrolment_closes_on=today() - timedelta(days=1),
    )
    response = client_as(employee).post(
        reverse("training:session_request", args=[closed.pk]), follow=True, **EN
    )
    assert f"Enrolment for {closed} closed on" in response.text
    assert not Enrolment.objects.filter(session=closed).exists()


def test_it_lets_a_supervisor_enrol_only_their_team(client_as, world, supervisor):
    client = client_as(supervisor)
    url = reverse("training:session_enrol", args=[world["open"].pk])
    response = client.post(url, {"employee": world["stranger"].pk})
    assert response.status_code == 400  # not a choice: the stranger is not in the team
    client.post(url, {"employee": world["me"].pk, "from": "employee"})
    assert Enrolment.objects.get(session=world["open"]).employee == world["me"]


def test_it_takes_feedback_through_the_form(client_as, world, employee):
    url = reverse("training:enrolment_feedback", args=[world["mine"].pk])
    response = client_as(employee).post(
        url, {"relevance": "5", "trainer": "4", "materials": "3", "comments": "Bagus"}
    )
    assert response.status_code == 302
    assert Feedback.objects.get().enrolment == world["mine"]


def test_it_shows_name_and_programme_only_on_the_public_check(client, world):
    certificate = world["mine"].certificate
    code = certificate.verification_code
    typed = f"{code[:4].lower()}-{code[4:]}"
    response = client.get(reverse("training:verify"), {"code": typed})
    assert response["Location"] == reverse("training:verify_code", args=[code])
    page = client.get(response["Location"], **EN)
    assert world["me"].full_name in page.text
    assert world["held"].programme.name in page.text
    assert world["me"].nip not in page.text
    assert world["me"].position.unit.name not in page.text
    assert client.get(reverse("training:verify_code", args=["ABCDEFGHJKLM"])).status_code == 404


def test_it_rate_limits_the_public_check(client, world, settings):
    from training.views import public

    url = reverse("training:verify_code", args=["ABCDEFGHJKLM"])
    for _i in range(public.VERIFY_LIMIT):
        assert client.get(url).status_code == 404
    assert client.get(url).status_code == 429


def test_it_serves_material_files_but_not_links(client_as, world, employee, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    programme = world["held"].programme
    link = Material.objects.create(programme=programme, title="Web", url="https://lan.go.id/")
    material = Material(programme=programme, title="Modul")
    material.file.save("modul.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client = client_as(employee)
    assert client.get(reverse("training:material_download", args=[link.pk])).status_code == 404
    response = client.get(reverse("training:material_download", args=[material.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


# --- query budgets, at two sizes ---------------------------------------------------------


def _grow(size, world, hr):
    """`size` more programmes, sessions, team requests, short employees and feedback."""
    for _i in range(size):
        programme = ProgrammeFactory()
        session = SessionFactory(programme=programme)
        enrolment(session, employee_with_user(supervisor=world["boss"]), status="requested")
        held = past_session(programme=programme)
        place = enrolment(held, EmployeeFactory(), by=hr)
        Attendance.objects.create(
            enrolment=place, meeting=held.meetings.first(), present=True, recorded_by=hr
        )
        Feedback.objects.create(enrolment=place, relevance=4, trainer=4, materials=4)
        enrolment(world["held"], EmployeeFactory(), by=hr)


LISTS = {
    "training:programme_list": ("hr", lambda w: []),
    "training:team_requests": ("supervisor", lambda w: []),
    "training:hr_dashboard": ("hr", lambda w: []),
    "training:feedback_summary": ("hr", lambda w: []),
    "training:my_training": ("employee", lambda w: []),
    "training:employee_training": ("supervisor", lambda w: [w["me"].pk]),
    "training:session_detail": ("hr", lambda w: [w["held"].pk]),
    "training:session_results": ("hr", lambda w: [w["held"].pk]),
    "training:meeting_attendance": ("hr", lambda w: [w["meeting"].pk]),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_it_keeps_list_pages_within_a_constant_query_budget(
    page_cache_off, client, world, request, hr, name, django_assert_max_num_queries
):
    persona, args = LISTS[name]
    two_factor_login(client, request.getfixturevalue(persona))
    url = reverse(name, args=args(world))
    client.get(url)  # warm the per-process caches (content types, roles) before counting
    counts = []
    for size in (1, 6):
        _grow(size, world, hr)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{url}: {counts[0]} queries, then {counts[1]}"


def test_hr_finds_an_employee_by_name_or_nip_and_enrols_them(client_as, world, hr):
    """HR's enrol box searches the register instead of listing all of it: by words of the name
    (any order, any case) or the start of the NIP, at most ten at a time."""
    session = world["open"]
    target = EmployeeFactory(full_name="Siti Rahmawati Nur", nip="198801012010012001")
    EmployeeFactory(full_name="Siti Aminah")
    for n in range(11):
        EmployeeFactory(full_name=f"Budi Santoso {n:02}")
    enrolment(session, world["me"])
    client = client_as(hr)
    url = session.get_absolute_url()

    page = client.get(url, **EN).text
    assert 'name="employee_q"' in page
    assert "<select" not in page.split('id="enrol-heading"')[1].split("</section>")[0]

    found = client.get(url, {"employee_q": "  rahmawati   siti "}, **EN).text
    assert "Siti Rahmawati Nur" in found and "Siti Aminah" not in found
    assert f'name="employee" value="{target.pk}"' in found
    assert "Siti Rahmawati Nur" in client.get(url, {"employee_q": "19880101"}, **EN).text

    many = client.get(url, {"employee_q": "budi"}, **EN).text
    assert many.count('name="employee" value=') == 10 and "Budi Santoso 10" not in many
    assert "More employees match" in many
    assert "No active employee has “zzz” in their name or NIP." in client.get(
        url, {"employee_q": "zzz"}, **EN
    ).text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    already = client.get(url, {"employee_q": world["me"].full_name}, **EN).text
    assert "Already enrolled" in already

    response = client.post(
        reverse("training:session_enrol", args=[session.pk]), {"employee": target.pk}
    )
    assert response.status_code == 302
    assert Enrolment.objects.filter(session=session, employee=target).exists()
    # A tampered or stale choice: refused with the reason, nothing enrolled.
    response = client.post(
        reverse("training:session_enrol", args=[session.pk]), {"employee": "999999"}, **EN
    )
    assert response.status_code == 400
    assert "Nobody was enrolled" in response.text
