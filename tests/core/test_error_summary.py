"""Errors that cannot be missed: a failed form shows the shared error summary (GOV.UK pattern)
at the top of the form, before the fields, with a heading, role="alert", tabindex="-1", each
error linking to the id of a field that is on the page, and what was typed is kept."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.roles import Role
from tests.factories import PlanningYearFactory, PositionFactory, UserFactory, abk_with_minutes
from tests.forums.conftest import form_data as topic_data
from tests.recruitment.test_hr import period_data
from tests.workforce.test_proposals import _form_data as proposal_data
from workforce.models import AsnType

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ID = {"HTTP_ACCEPT_LANGUAGE": "id"}
SUMMARY = re.compile(
    r'<div class="alert alert-danger error-summary"[^>]*data-error-summary>(.*?)</div>', re.S
)


def summary_of(page: str, form_marker: str) -> str:
    """The one error summary of the page; it comes before `form_marker` (the form's first field)."""
    found = SUMMARY.findall(page)
    assert len(found) == 1, found
    start = page.index("data-error-summary")
    assert start < page.index(form_marker)
    opening = page[page.rindex("<div", 0, start) : start]
    assert 'role="alert"' in opening and 'tabindex="-1"' in opening
    return found[0]


def links_of(summary: str, page: str) -> list[str]:
    """The summary's link targets, each an element id on the page."""
    targets = re.findall(r'href="#([^"]+)"', summary)
    for target in targets:
        assert f'id="{target}"' in page, target
    return targets


def test_sign_up_lists_each_error_and_keeps_the_input(client):
    data = {
        "email": "bukan-email",
        "full_name": "Warga Teliti",
        "role": "resident",
        "phone": "",
        "password1": "Sungai-Rungan-2026",
        "password2": "Lain-Sekali-2026",
    }
    response = client.post(reverse("account_signup"), data, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, 'name="email"')
    assert "There is a problem" in summary
    targets = links_of(summary, page)
    assert "id_email" in targets
    assert "id_privacy_consent" in targets
    assert 'value="Warga Teliti"' in page
    assert 'value="bukan-email"' in page


def test_the_summary_speaks_the_visitors_language(client):
    from django.utils import translation

    response = client.post(reverse("account_signup"), {"email": "x"}, **ID)
    page = response.content.decode()
    summary = summary_of(page, 'name="email"')
    with translation.override("id"):
        assert translation.gettext("There is a problem") in summary
        label = str(response.context["form"]["password2"].label)
    assert f'href="#id_password2" class="alert-link" data-error-link>{label}:' in summary


def test_hr_period_form(client_as, hr):
    data = period_data(name="", registration_closes_at="2026-08-01T08:00")
    response = client_as(hr).post(reverse("recruitment:hr_period_create"), data, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, 'name="name"')
    targets = links_of(summary, page)
    assert "id_name" in targets
    errors = response.context["form"].errors
    assert len(re.findall(r"<li>", summary)) == sum(len(e) for e in errors.values())
    assert 'value="2026-09-01T08:00"' in page


def test_workforce_proposal_links_to_the_failing_row(client_as, hr):
    year = PlanningYearFactory(year=2026)
    positions = []
    for name in ("Perawat Terampil", "Dokter Gigi"):
        position = PositionFactory(name=name, asn_type=AsnType.PNS)
        abk_with_minutes(position, year, [150_000])
        positions.append(position)
    data = proposal_data(
        [
            (positions[0], AsnType.PNS, 2, "Dua perawat untuk pustu baru"),
            (positions[1], AsnType.PNS, 3, ""),
        ],
        title="Usulan dengan satu baris salah",
    )
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, 'name="title"')
    assert "The proposal was not saved" in summary
    rows = response.context["form"].items
    failing = next(i for i, row in enumerate(rows) if row.errors)
    assert links_of(summary, page) == [f"id_items-{failing}-justification"]
    assert 'value="Usulan dengan satu baris salah"' in page
    assert "Dua perawat untuk pustu baru" in page
    # The crispy forms below do not repeat the summary.
    assert page.count("data-error-summary") == 1


def test_forum_topic(client_as):
    resident = UserFactory(roles=[Role.RESIDENT])
    response = client_as(resident).post(
        reverse("forums:topic_create"), topic_data(title="", body="Kami butuh ambulans."), **EN
    )
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, 'name="title"')
    assert "id_title" in links_of(summary, page)
    assert "Kami butuh ambulans." in page


def test_no_summary_without_errors(client_as, hr):
    page = client_as(hr).get(reverse("recruitment:hr_period_create"), **EN).content.decode()
    assert "data-error-summary" not in page


def test_formset_non_form_and_non_field_errors_are_listed_without_links():
    from django import forms

    class Row(forms.Form):
        name = forms.CharField()
        count = forms.IntegerField()
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

        def clean(self):
            raise forms.ValidationError("Row is wrong")

    class Rows(forms.BaseFormSet):
        def clean(self):
            raise forms.ValidationError("Rows are wrong")

    formset = forms.formset_factory(Row, formset=Rows)(
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-name": "Perawat",
            "form-0-count": "tiga",
        }
    )
    html = Template("{% load error_summary %}{% error_summary formset %}").render(
        Context({"formset": formset})
    )
    assert "Rows are wrong" in html
    assert "1. Row is wrong" in html
    assert 'href="#id_form-0-count"' in html
    assert 'href="#id_form-0-name"' not in html
    assert 'href="#id_form-0-kind_0"' in html


def test_performance_review_form(client_as, supervisor):
    from tests.performance.factories import agreed_skp, checkpoint, cycle, ratings, team

    the_cycle = cycle(2026)
    _boss, (member,) = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    url = reverse("performance:review_edit", args=[skp.pk, checkpoint(the_cycle, 2).pk])
    data = ratings(skp, "above", "meets")
    post = {
        "hasil_kerja": "superb",
        "perilaku": "meets",
        "feedback": "Catatan yang diketik supervisor",
        "development_plan": "",
        "finalise": "1",
    }
    post |= {f"i{pk}": r for pk, (r, _e) in data.indicators.items()}
    post |= {f"v{pk}": r for pk, (r, _n) in data.behaviours.items()}
    response = client_as(supervisor).post(url, post, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, 'name="hasil_kerja"')
    targets = links_of(summary, page)
    assert targets and all(t.startswith("id_hasil_kerja") for t in targets)
    assert "Catatan yang diketik supervisor" in page
