"""What the recruitment app keeps in the page cache and what moves it on (registered in
RecruitmentConfig.ready())."""

from core.pagecache import Scope

# An application's status page is kept per application (at the registration deadline an upload or
# a finalisation happens every second: one applicant's write must not throw away every other
# applicant's page). These rows belong to one application and show on no other application's
# page; an exam result is not one of them: it counts in its formation's numbers on the others'.
APPLICATION_PAGES = Scope(
    app_label="recruitment",
    name="application",
    models={
        "Application": "pk",
        "ApplicationEvent": "application_id",
        "Document": "application_id",
        "DocumentCheck": "application_id",
        "Decision": "application_id",
        "StatusNotification": "application_id",
        "Appeal": "application_id",
    },
    # Written often at the deadline (a new applicant's profile), shown on no application page.
    not_shown=frozenset({"ApplicantProfile"}),
)
# Every application's status page: moved on by a recruitment change not scoped to one application.
APPLICATIONS = APPLICATION_PAGES.shared
application_label = APPLICATION_PAGES.label

# Rows no public page shows, written often near a registration deadline: their changes move only
# "recruitment:all" (HR's pages) on, not the public pages. An application counts on the public
# pages once finalised (or withdrawn), so a draft's saves are left out too.
PRIVATE_MODELS = (
    "ApplicantProfile",
    "Document",
    "ApplicationEvent",
    "StatusNotification",
    "DocumentCheck",
    "Decision",
    "ScoreImport",
)
# The committee's working result and who screened it: shown to HR and on the application's own
# page, on no public page until an announcement copies it.
PRIVATE_FIELDS = {
    "Application": (
        "admin_result",
        "announced_result",
        "screened_by",
        "screened_at",
        "confirmed_by",
        "confirmed_at",
        "exam_session",
    )
}


def is_draft(application) -> bool:
    return application.status == application.Status.DRAFT
