"""Score import (report, all-or-nothing apply), HR's entry and correction of scores, and the
access rules of the scores pages."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    ApplicationEvent,
    Decision,
    ExamResult,
    ScoreImport,
    SkdCode,
)
from recruitment.services.scores import (
    ScoreError,
    exam_result_update,
    score_import_apply,
    score_import_create,
)
from tests.conftest import two_factor_login
from tests.recruitment.factories_scores import (
    announce,
    application,
    formation,
    result_of,
    scored,
    scored_period,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SKD_HEADER = "registration_number,twk,tiu,tkp,presence\n"


@pytest.fixture
def period():
    return scored_period()


@pytest.fixture
def apps(period):
    f = formation(period, quota=2)
    return [application(f, number=f"R-{i}") for i in range(1, 4)]


def _import(period, text, *, kind="skd", user=None, name="scores.csv", encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return score_import_create(period=period, kind=kind, file_name=name, data=data, user=user)


def _errors(score_import):
    return {(e["row"], e["column"]): e["message"] for e in score_import.errors}


def test_it_checks_every_row_and_names_row_and_column(period, apps):
    other = application(formation(scored_period(), quota=1), number="OTHER-1")
    tms = application(apps[0].formation, number="R-TMS", announced_result=AdminResult.TMS)
    text = SKD_HEADER + (
        "R-1,100,100,200,present\n"  # 2 ok
        "NOPE,100,100,200,present\n"  # 3 unknown
        "R-1,100,100,200,present\n"  # 4 duplicate
        "R-2,151,100,200,present\n"  # 5 TWK above 150
        "R-3,100,-5,200,present\n"  # 6 negative
        f"{other.registration_number},100,100,abc,present\n"  # 7 other period + not a number
        f"{tms.registration_number},100,100,200,present\n"  # 8 TMS
    )
    score_import = _import(period, text)
    errors = _errors(score_import)
    assert len(score_import.rows) == 1
    assert errors[(3, "registration_number")].startswith("Unknown registration number")
    assert errors[(4, "registration_number")] == (
        "Registration number given twice (first on row 2)."
    )
    assert errors[(5, "twk")] == "151 is above the maximum of 150."
    assert errors[(6, "tiu")].startswith("-5 is negative")
    assert errors[(7, "registration_number")].startswith("Unknown registration number")
    assert errors[(7, "tkp")] == "“abc” is not a number."
    assert "not MS" in errors[(8, "registration_number")]


def test_it_names_missing_and_unknown_columns(period, apps):
    score_import = _import(period, "registration_number,twk,tkp,nilai\nR-1,1,2,3\n")
    (error,) = score_import.errors[:1]
    assert error["message"] == "Missing columns: tiu, presence."
    assert score_import.errors[1]["message"].startswith("Unknown columns: nilai")
    assert score_import.rows == []


def test_it_refuses_a_latin1_file_without_guessing(period, apps):
    score_import = _import(period, SKD_HEADER + "R-1,100,100,200,présent\n", encoding="latin-1")
    assert len(score_import.errors) == 1
    assert score_import.errors[0]["message"].startswith("The file is not UTF-8 encoded")


def test_it_reports_an_empty_file(period):
    assert _import(period, "").errors[0]["message"] == "The file is empty."
    assert _import(period, SKD_HEADER).errors[0]["message"] == "The file has no score rows."


def test_it_reads_semicolons_with_a_bom_and_absent_rows_without_scores(period, apps):
    text = "\ufeffregistration_number;twk;tiu;tkp;presence\nR-1;100;100;200;hadir\nR-2;;;;TH\n"
    score_import = _import(period, text)
    assert score_import.errors == []
    assert [row["presence"] for row in score_import.rows] == ["present", "absent"]


def test_it_reads_an_xlsx_file(period, apps):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["registration_number", "twk", "tiu", "tkp", "presence"])
    sheet.append(["R-1", 100, 100.0, 200, "present"])
    buffer = BytesIO()
    workbook.save(buffer)
    score_import = _import(period, buffer.getvalue(), name="skd.xlsx")
    assert score_import.errors == []
    assert score_import.rows[0]["tiu"] == 100


def test_it_applies_nothing_when_any_row_is_bad(period, apps, hr):
    score_import = _import(period, SKD_HEADER + "R-1,100,100,200,present\nR-2,151,1,1,present\n")
    with pytest.raises(ScoreError, match="has errors"):
        score_import_apply(score_import=score_import, user=hr)
    assert not ExamResult.objects.exists()
    assert ScoreImport.objects.get(pk=score_import.pk).applied_at is None


def test_it_applies_a_clean_file_once(period, apps, hr):
    ExamResult.objects.create(application=apps[1], skd_presence="present", twk=1, tiu=1, tkp=1)
    text = SKD_HEADER + "R-1,100,100,200,present\nR-2,65,80,166,present\nR-3,,,,absent\n"
    score_import = _import(period, text, user=hr)
    assert score_import_apply(score_import=score_import, user=hr) == 3
    assert (result_of(apps[0]).twk, result_of(apps[1]).tkp) == (100, 166)
    assert result_of(apps[2]).skd_presence == "absent"
    assert Decision.objects.filter(kind=Decision.Kind.SCORE).count() == 3
    with pytest.raises(ScoreError, match="already been applied"):
        score_import_apply(score_import=score_import, user=hr)


def test_it_imports_skb_only_for_those_ranked_in(period, apps, hr):
    ExamResult.objects.create(application=apps[0], skd_code=SkdCode.PL)
    ExamResult.objects.create(application=apps[1], skd_code=SkdCode.P)
    score_import = _import(
        period, 'registration_number,skb,presence\nR-1,"450,5"\nR-2,400,present\n', kind="skb"
    )
    # A decimal comma (quoted) and no attendance with a score: present, 450.50.
    assert list(_errors(score_import)) == [(3, "registration_number")]
    assert (score_import.rows[0]["skb"], score_import.rows[0]["presence"]) == ("450.50", "present")
    score_import = _import(
        period, "registration_number,skb,presence\nR-1,450.5,present\nR-2,400,present\n", kind="skb"
    )
    assert list(_errors(score_import)) == [(3, "registration_number")]
    skb_max = _import(period, "registration_number,skb,presence\nR-1,501,present\n", kind="skb")
    assert _errors(skb_max)[(2, "skb")] == "501 is above the maximum of 500."


def test_it_refuses_an_import_after_the_announcement(period, apps):
    announce(period, Announcement.Kind.SKD)
    with pytest.raises(ScoreError, match="results have been announced"):
        _import(period, SKD_HEADER + "R-1,100,100,200,present\n")


def test_it_logs_scores_entered_by_hand(period, apps, hr):
    exam_result_update(application=apps[0], actor=hr, skd_presence="present", twk=100, tiu=90,
                       tkp=200)  # fmt: skip
    decisions = Decision.objects.filter(application=apps[0], kind=Decision.Kind.SCORE)
    assert {d.subject: d.after for d in decisions} == {
        "skd_presence": "present",
        "twk": "100",
        "tiu": "90",
        "tkp": "200",
    }


def test_it_requires_a_reason_and_logs_a_correction_after_the_announcement(period, apps, hr):
    scored_app = scored(apps[0].formation, 100, 90, 200)
    announce(period, Announcement.Kind.SKD)
    values = {"skd_presence": "present", "twk": 100, "tiu": 95, "tkp": 200}
    with pytest.raises(ScoreError, match="give the reason"):
        exam_result_update(application=scored_app, actor=hr, **values)
    exam_result_update(application=scored_app, actor=hr, reason="Scanner error", **values)
    decision = Decision.objects.get(
        application=scored_app, kind=Decision.Kind.CORRECTION, subject="tiu"
    )
    assert (decision.subject, decision.before, decision.after) == ("tiu", "90", "95")
    assert decision.reason == "Scanner error"
    events = ApplicationEvent.objects.filter(application=scored_app, status="correction")
    assert all("Scanner error" in event.note for event in events)
    # The period was ranked again with the same reason: the new SKD code is a correction too.
    code = Decision.objects.get(application=scored_app, subject="skd_code")
    assert (code.kind, code.after, code.reason) == ("correction", "P/L", "Scanner error")


def test_it_refuses_scores_for_a_withdrawn_application(period, hr):
    app = application(formation(period), status=Application.Status.WITHDRAWN)
    with pytest.raises(ScoreError, match="withdrew"):
        exam_result_update(application=app, actor=hr, skd_presence="absent")


# --- views -------------------------------------------------------------------------------------


def test_it_uploads_previews_and_applies_through_the_pages(client_as, hr, period, apps):
    client = client_as(hr)
    upload = SimpleUploadedFile("skd.csv", (SKD_HEADER + "R-1,100,100,200,present\n").encode())
    response = client.post(
        reverse("recruitment:scores_import", args=[period.pk]), {"kind": "skd", "file": upload}
    )
    score_import = ScoreImport.objects.get()
    assert response.url == reverse("recruitment:scores_import_detail", args=[score_import.pk])
    page = client.get(response.url)
    assert b"Apply the scores" in page.content
    client.post(reverse("recruitment:scores_import_apply", args=[score_import.pk]))
    assert result_of(apps[0]).tkp == 200


def test_it_shows_the_error_table(client_as, hr, period, apps):
    score_import = _import(period, SKD_HEADER + "R-1,151,100,200,present\n")
    response = client_as(hr).get(
        reverse("recruitment:scores_import_detail", args=[score_import.pk])
    )
    content = response.content.decode()
    assert "151 is above the maximum of 150." in content
    assert "Apply the scores" not in content


def test_it_saves_the_score_form(client_as, hr, period, apps):
    url = reverse("recruitment:scores_edit", args=[apps[0].pk])
    client = client_as(hr)
    bad = client.post(url, {"skd_presence": "present", "twk": 151, "tiu": 1, "tkp": 1})
    assert bad.status_code == 200 and not ExamResult.objects.exists()
    client.post(url, {"skd_presence": "present", "twk": 100, "tiu": 90, "tkp": 200})
    assert result_of(apps[0]).tiu == 90


def _urls(period, app, score_import, offer):
    return [
        ("get", reverse("recruitment:scores_home", args=[period.pk])),
        ("get", reverse("recruitment:scores_import_detail", args=[score_import.pk])),
        ("get", reverse("recruitment:scores_edit", args=[app.pk])),
        ("get", reverse("recruitment:merit_list", args=[period.pk])),
        ("get", reverse("recruitment:merit_export", args=[period.pk])),
        ("get", reverse("recruitment:optimisation", args=[period.pk])),
        ("post", reverse("recruitment:scores_import", args=[period.pk])),
        ("post", reverse("recruitment:scores_import_apply", args=[score_import.pk])),
        ("post", reverse("recruitment:ranking_compute", args=[period.pk])),
        ("post", reverse("recruitment:optimisation_propose", args=[period.pk])),
        ("post", reverse("recruitment:optimisation_decide", args=[offer.pk])),
    ]


@pytest.mark.parametrize(
    "persona", ["applicant", "resident", "employee", "supervisor", "moderator"]
)
def test_it_refuses_other_roles_and_sends_anonymous_to_login(
    client, request, persona, period, apps
):
    from recruitment.models import OptimisationOffer

    score_import = _import(period, SKD_HEADER + "R-1,100,100,200,present\n")
    offer = OptimisationOffer.objects.create(
        formation=formation(period), application=apps[0], code="L-2"
    )
    urls = _urls(period, apps[0], score_import, offer)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.url, url
    two_factor_login(client, request.getfixturevalue(persona))
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
    assert ScoreImport.objects.get().applied_at is None
    assert OptimisationOffer.objects.get().status == "proposed"


@pytest.mark.parametrize("persona", ["hr", "admin_user"])
def test_it_opens_the_pages_to_hr_and_admin(client_as, request, persona, period, apps):
    score_import = _import(period, SKD_HEADER + "R-1,100,100,200,present\n")
    client = client_as(request.getfixturevalue(persona))
    for name, arg in [
        ("scores_home", period.pk),
        ("scores_import_detail", score_import.pk),
        ("scores_edit", apps[0].pk),
        ("merit_list", period.pk),
        ("merit_export", period.pk),
        ("optimisation", period.pk),
    ]:
        assert client.get(reverse(f"recruitment:{name}", args=[arg])).status_code == 200, name
    assert client.get(reverse("recruitment:ranking_compute", args=[period.pk])).status_code == 405


# --- resource limits (a hostile or mistaken file) -----------------------------------------------


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_parses_excel_xml_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_it_refuses_an_excel_file_that_unpacks_too_large(period, apps, settings):
    data = _xlsx([["registration_number", "twk", "tiu", "tkp", "presence"]])
    settings.IMPORT_MAX_UNPACKED_BYTES = len(data)  # smaller than unpacked
    score_import = _import(period, data, name="bomb.xlsx")
    assert score_import.errors[0]["message"].startswith("The Excel file unpacks to more than")


def test_it_refuses_an_excel_file_with_an_xml_entity(period, apps):
    import zipfile

    data = _xlsx([["registration_number", "twk", "tiu", "tkp", "presence"], ["R-1", 1, 2, 3]])
    source, target = BytesIO(data), BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
                )
            new.writestr(item, content)
    score_import = _import(period, target.getvalue(), name="entity.xlsx")
    assert score_import.errors[0]["message"] == (
        "The Excel file cannot be read. Save it again as .xlsx."
    )


def test_it_refuses_more_rows_than_the_period_has_applicants(period, apps):
    # 3 finalised applications + 100: 103 rows at most, the header included.
    rows = "".join(f"X-{i},1,1,1,present\n" for i in range(103))
    csv_import = _import(period, SKD_HEADER + rows)
    assert [e["message"][:45] for e in csv_import.errors] == [
        "The file has more than 103 rows, but this per"
    ]
    assert "only 3 finalised applications" in csv_import.errors[0]["message"]
    assert _import(period, SKD_HEADER + rows[: rows.rindex("X-")]).errors[0]["row"] != 0
    header = ["registration_number", "twk", "tiu", "tkp", "presence"]
    xlsx = _xlsx([header, *([f"X-{i}", 1, 1, 1] for i in range(103))])
    assert (
        _import(period, xlsx, name="s.xlsx")
        .errors[0]["message"]
        .startswith("The file has more than 103 rows")
    )


def test_it_counts_empty_rows_against_the_row_limit(period, apps):
    assert (
        _import(period, SKD_HEADER + "\n" * 120 + "R-1,1,1,1\n")
        .errors[0]["message"]
        .startswith("The file has more than 103 rows")
    )


def test_it_refuses_more_than_twenty_columns(period, apps):
    wide = SKD_HEADER.strip() + "," * 15 + ",extra\n"  # column 21 is filled
    assert _import(period, wide + "R-1,1,1,1,present\n").errors[0]["message"] == (
        "The file has more than 20 columns. Keep only the score columns and upload it again."
    )
    header = ["registration_number", "twk", "tiu", "tkp", "presence", *[""] * 15, "extra"]
    xlsx = _xlsx([header, ["R-1", 1, 1, 1, "present"]])
    assert (
        _import(period, xlsx, name="wide.xlsx")
        .errors[0]["message"]
        .startswith("The file has more than 20 columns")
    )
    # Trailing empty columns are no columns.
    assert _import(period, SKD_HEADER.strip() + ",,,\nR-1,5,5,1,present,,\n").errors == []


def test_it_keeps_the_first_500_errors_and_the_total(period):
    f = formation(period, quota=1)
    for i in range(600):
        application(f, number=f"N-{i}")
    rows = "".join(f"N-{i},151,5,1,present\n" for i in range(600))
    score_import = _import(period, SKD_HEADER + rows)
    assert len(score_import.errors) == 501
    assert score_import.errors[-1]["message"] == (
        "100 more errors are not listed (600 in all). Correct the file and upload it again."
    )


def test_it_names_the_line_of_an_unreadable_byte(period, apps):
    data = (SKD_HEADER + "R-1,1,1,1,present\n").encode() + "R-2,1,1,1,présent\n".encode("latin-1")
    assert "(unreadable byte on line 3)" in _import(period, data).errors[0]["message"]


def test_it_marks_imported_and_corrected_scores_as_not_ranked(period, apps, hr):
    from recruitment.services.ranking import rank_period

    score_import = _import(period, SKD_HEADER + "R-1,100,100,200,present\n", user=hr)
    score_import_apply(score_import=score_import, user=hr)
    rank_period(period=period)
    assert result_of(apps[0]).ranked_at is not None
    score_import = _import(period, SKD_HEADER + "R-1,100,100,201,present\n", user=hr)
    score_import_apply(score_import=score_import, user=hr)
    assert result_of(apps[0]).ranked_at is None
    rank_period(period=period)
    exam_result_update(application=apps[0], actor=hr, skd_presence="present", twk=100, tiu=100,
                       tkp=202)  # fmt: skip
    assert result_of(apps[0]).ranked_at is None
