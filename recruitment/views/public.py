from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.pagecache import public_page
from core.paging import querystring_without
from recruitment.forms.applicant import ApplyForm, VacancyFilterForm
from recruitment.models import ApplicantProfile, Application
from recruitment.selectors import vacancies as selectors
from recruitment.selectors.eligibility import check_eligibility


@public_page("recruitment", "workforce")
def vacancy_list(request):
    form = VacancyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status", selectors.CURRENT)
    formations = selectors.vacancy_list(
        period=filters.get("period"),
        sector=filters.get("sector"),
        kelurahan=filters.get("kelurahan"),
        unit=filters.get("unit"),
        asn_type=filters.get("asn_type"),
        education_level=filters.get("education_level"),
        category=filters.get("category"),
        search=filters.get("q", ""),
        status=status,
    )
    tabs = _status_tabs(request)
    context = {
        "form": form,
        "page": Paginator(formations, 20).get_page(request.GET.get("page")),
        "querystring": querystring_without(request, "page"),
        "status": status,
        "tabs": tabs,
        "past_address": next(address for key, _l, address in tabs if key == selectors.CLOSED),
        "filtered": any(value for key, value in filters.items() if key != "status"),
    }
    return render(request, "recruitment/vacancy_list.html", context)


def _status_tabs(request) -> list[tuple[str, str, str]]:
    """(status, label, address) of the list's tabs: the other filters stay, the page does not."""
    rest = querystring_without(request, "page", "status")
    tabs = [
        (selectors.CURRENT, _("Open and upcoming")),
        (selectors.CLOSED, _("Past periods")),
        (selectors.ALL, _("All")),
    ]
    return [
        (status, label, "?" + "&".join(filter(None, [rest, f"status={status}"])))
        for status, label in tabs
    ]


@public_page("recruitment", "workforce", "forums")  # it lists the residents' related topics
def vacancy_detail(request, pk):
    formation = selectors.vacancy_get(pk)
    return render_vacancy(request, formation, ApplyForm(period=formation.period))


def render_vacancy(request, formation, apply_form):
    """The vacancy page with its apply form: blank here, bound and with its errors when the
    application is refused (recruitment/views/applicant.py: nothing typed is lost)."""
    eligibility = own = None
    if request.user.is_authenticated:
        profile = ApplicantProfile.objects.filter(user=request.user).first()
        eligibility = check_eligibility(profile, formation)
        own = Application.objects.filter(
            applicant=request.user, budget_year=formation.period.year
        ).first()
    context = {
        "formation": formation,
        "period": formation.period,
        "eligibility": eligibility,
        "own_application": own,
        "registration_open": formation.period.is_registration_open(),
        "apply_form": apply_form,
    }
    return render(request, "recruitment/vacancy_detail.html", context)
