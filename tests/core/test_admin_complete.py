"""Every model of the portal is manageable in Django admin: registered, with list filters and a
search, and its list (searched and filtered) answers an administrator without an error."""

from urllib.parse import parse_qsl

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.conftest import two_factor_login

PROJECT_APPS = ("accounts", "core", "workforce", "recruitment", "training", "performance",
                "forums", "privacy", "notifications", "opendata")  # fmt: skip

# The few models where a filter or a search would mean nothing, and why. Only that check is
# skipped: they are still registered and their list must still answer.
EXEMPT = {
    "forums.ForumSettings": {
        "list_filter": "one row (pk 1, made by a migration): nothing to filter",
        "search_fields": "one row of numbers: nothing to search",
    },
    "workforce.Sector": {"list_filter": "four rows, all on one page"},
    "workforce.PlanningYear": {"list_filter": "one row a year, all on one page"},
    "training.TrainingYearRule": {"list_filter": "one row a year, all on one page"},
    "performance.BehaviourValue": {"list_filter": "the seven BerAKHLAK values, on one page"},
    "performance.PredikatRule": {"search_fields": "nine cells of choices, no text to search"},
    "forums.IkmElement": {"list_filter": "the nine survey elements (PermenPANRB 14/2017)"},
    "forums.IkmGradeBand": {"list_filter": "the four grade bands (PermenPANRB 14/2017)"},
}


def _models():
    return [
        model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.auto_created
    ]


def test_the_exemptions_name_real_models_and_checks():
    labels = {model._meta.label for model in _models()}
    assert set(EXEMPT) <= labels
    for checks in EXEMPT.values():
        assert checks and set(checks) <= {"list_filter", "search_fields"}


@pytest.mark.parametrize("model", _models(), ids=lambda model: model._meta.label)
def test_every_model_is_registered_with_filters_and_search(model):
    label = model._meta.label
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{label} is not in Django admin"
    exempt = EXEMPT.get(label, {})
    for attribute in ("list_filter", "search_fields"):
        if attribute in exempt:
            # Kept honest: once the admin has one, the exemption goes.
            assert not getattr(model_admin, attribute), f"{label}: drop it from EXEMPT"
        else:
            assert getattr(model_admin, attribute), f"{label}: no {attribute}"


def _first_choice_of_each_filter(changelist) -> dict:
    """The query parameters of every filter's first choice other than the one shown selected
    ("All" on an unfiltered list): applied together, each filter's queryset runs once."""
    params = {}
    for spec in changelist.filter_specs:
        choice = next((c for c in spec.choices(changelist) if not c.get("selected")), None)
        if choice is not None:  # a related filter with no related rows offers "All" only
            params.update(parse_qsl(choice["query_string"].lstrip("?")))
    return params


@pytest.mark.django_db
@pytest.mark.parametrize("model", _models(), ids=lambda model: model._meta.label)
def test_every_changelist_answers_searched_and_filtered(client, admin_user, model):
    two_factor_login(client, admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert client.get(url, {"q": "rakumpit 1"}).status_code == 200
    filtered = _first_choice_of_each_filter(response.context["cl"])
    if filtered:
        # A broken lookup answers with a redirect to "?e=1" (or an error), not the list.
        assert client.get(url, filtered).status_code == 200
