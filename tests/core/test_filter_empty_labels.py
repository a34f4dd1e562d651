"""Filters that say what their empty choice means: the first option of each list and dashboard
filter of workforce and recruitment reads "All sectors", "All units"..., never "---------" nor a
bare "All" that a screen reader announces without its field."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from recruitment.forms.applicant import VacancyFilterForm
from recruitment.forms.hr import ApplicationFilterForm
from recruitment.forms.scores import MeritFilterForm
from recruitment.forms.screening import QueueFilterForm
from recruitment.models import Formation
from workforce.forms.employees import EmployeeFilterForm
from workforce.forms.needs import NeedsFilterForm

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def first_option(html: str, name: str) -> tuple[str, str]:
    """(value, text) of the first <option> of the <select name=name> in the html."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    option = re.search(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.S)
    return option.group(1), option.group(2).strip()


EXPECTED = {
    "employees": {
        "sector": "All sectors",
        "unit": "All units",
        "kelurahan": "All kelurahan",
        "asn_type": "All ASN types",
        "status": "All statuses",
    },
    "needs": {"sector": "All sectors", "kelurahan": "All kelurahan", "asn_type": "All ASN types"},
    "vacancies": {
        "period": "All selection periods",
        "sector": "All sectors",
        "kelurahan": "All kelurahan",
        "unit": "All units",
        "asn_type": "All ASN types",
        "education_level": "All education levels",
        "category": "All categories",
    },
    "applications": {"status": "All statuses"},
    "merit": {
        "formation": "All formations",
        "skd_code": "All SKD codes",
        "final_code": "All final codes",
    },
    "queue": {"state": "All applications"},
}

FORMS = {
    "employees": lambda: EmployeeFilterForm(),
    "needs": lambda: NeedsFilterForm(years=[2026], default_year=2026),
    "vacancies": lambda: VacancyFilterForm(),
    "applications": lambda: ApplicationFilterForm(),
    "merit": lambda: MeritFilterForm(formations=Formation.objects.all()),
    "queue": lambda: QueueFilterForm(),
}


@pytest.mark.parametrize("form_name", sorted(EXPECTED))
def test_each_filters_first_option_names_what_it_lists(form_name):
    with translation.override("en"):
        form = FORMS[form_name]()
        for name, label in EXPECTED[form_name].items():
            assert first_option(str(form[name]), name) == ("", label)


def test_no_filter_offers_the_dashes():
    with translation.override("en"):
        for make in FORMS.values():
            assert "---------" not in str(make())


def test_the_needs_map_page_shows_the_labels(client_as, hr):
    html = client_as(hr).get(reverse("workforce:needs_map"), **EN).content.decode()
    assert first_option(html, "sector") == ("", "All sectors")
    assert first_option(html, "kelurahan") == ("", "All kelurahan")
    assert first_option(html, "asn_type") == ("", "All ASN types")


def test_the_employee_list_page_shows_the_labels(client_as, hr):
    html = client_as(hr).get(reverse("workforce:employee_list"), **EN).content.decode()
    assert first_option(html, "unit") == ("", "All units")
    assert first_option(html, "status") == ("", "All statuses")
