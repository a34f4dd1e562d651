from django.urls import include, path
from django.views.generic import RedirectView

from recruitment.views import (
    applicant,
    calendar,
    cards,
    documents,
    help,
    hr,
    messages,
    public,
    stats,
)

app_name = "recruitment"
urlpatterns = [
    # public: vacancies, statistics (recruitment/views/public.py); /recruitment/ itself is the
    # vacancy list (people type or share the section's address)
    path("", RedirectView.as_view(pattern_name="recruitment:vacancy_list"), name="index"),
    path("vacancies/", public.vacancy_list, name="vacancy_list"),
    path("vacancies/<int:pk>/", public.vacancy_detail, name="vacancy_detail"),
    # applicant: profile, apply, application, finalise, withdraw (recruitment/views/applicant.py)
    path("profile/", applicant.profile, name="profile"),
    path("vacancies/<int:pk>/apply/", applicant.apply, name="apply"),
    path("applications/", applicant.application_list, name="application_list"),
    path("applications/<int:pk>/", applicant.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/finalise/",
        applicant.application_finalise,
        name="application_finalise",
    ),
    path(
        "applications/<int:pk>/skd-reuse/",
        applicant.application_skd_reuse,
        name="application_skd_reuse",
    ),
    path(
        "applications/<int:pk>/priority-group/",
        applicant.application_priority_group,
        name="application_priority_group",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applicant.application_withdraw,
        name="application_withdraw",
    ),
    # the applicant's deadlines and exam session as a calendar file (recruitment/views/calendar.py)
    path(
        "applications/<int:pk>/calendar.ics",
        calendar.application_calendar,
        name="application_calendar",
    ),
    # public help per selection period, with the committee's contact (recruitment/views/help.py)
    path("help/", help.help_index, name="help_index"),
    path("periods/<int:pk>/help/", help.period_help, name="period_help"),
    # documents: upload and download (recruitment/views/documents.py)
    path(
        "applications/<int:pk>/documents/<slug:slug>/",
        documents.document_upload,
        name="document_upload",
    ),
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
    # registration card and public verification (recruitment/views/cards.py)
    path("applications/<int:pk>/card.pdf", cards.application_card, name="application_card"),
    path("verify/", cards.verify, name="verify"),
    path("verify/<str:code>/", cards.verify_code, name="verify_code"),
    # HR: periods, formations, applications (recruitment/views/hr.py)
    path("hr/periods/", hr.hr_period_list, name="hr_period_list"),
    path("hr/periods/new/", hr.hr_period_create, name="hr_period_create"),
    path("hr/periods/<int:pk>/", hr.hr_period_detail, name="hr_period_detail"),
    path("hr/periods/<int:pk>/edit/", hr.hr_period_edit, name="hr_period_edit"),
    path("hr/periods/<int:pk>/publish/", hr.hr_period_publish, name="hr_period_publish"),
    path(
        "hr/periods/<int:pk>/formations/new/",
        hr.hr_formation_create,
        name="hr_formation_create",
    ),
    path(
        "hr/periods/<int:pk>/from-proposal/",
        hr.hr_formations_from_proposal,
        name="hr_formations_from_proposal",
    ),
    path("hr/formations/<int:pk>/edit/", hr.hr_formation_edit, name="hr_formation_edit"),
    path("hr/formations/<int:pk>/publish/", hr.hr_formation_publish, name="hr_formation_publish"),
    path("hr/formations/<int:pk>/skb/", hr.hr_formation_skb, name="hr_formation_skb"),
    path(
        "hr/formations/<int:pk>/applications/",
        hr.hr_application_list,
        name="hr_application_list",
    ),
    path(
        "hr/formations/<int:pk>/applications.xlsx",
        hr.hr_application_export,
        name="hr_application_export",
    ),
    # HR's bulk message to the formation's applicants (recruitment/views/messages.py)
    path(
        "hr/formations/<int:pk>/message/",
        messages.hr_formation_message,
        name="hr_formation_message",
    ),
    # public statistics: quota and finalised applicants per formation (recruitment/views/stats.py)
    path("statistics/", stats.public_statistics, name="statistics"),
    # Recruitment II, one module per stage (no app_name: the names live in this namespace)
    path("", include("recruitment.urls.screening")),  # screening, second check, corrections
    path("", include("recruitment.urls.announcements")),  # announcements, appeals, exam cards
    path("", include("recruitment.urls.scores")),  # scores, ranking, merit list, optimisation
]
