"""The permission matrix (issue 9, after pretix): every URL of the project, walked from the URL
resolver with real ids from the demo data, as anonymous, as each role and as another owner.

House rule: anonymous -> login redirect, wrong role -> 403, someone else's object -> 404.
A new URL without an entry in EXPECT (and, when it takes arguments, in KWARGS) fails the build.
Also here: POSTs without a CSRF token are refused, the security headers are on every page, and
the Django admin lets in only the back-office roles, each to its own apps.

The demo seed takes a few seconds, so it runs once for the module inside an outer transaction
that is rolled back at the end (the same trick as Django's TestCase.setUpTestData); each test
runs in a savepoint inside it. Uploaded files go to a temporary folder.
"""

import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import HttpResponseForbidden
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from tests.conftest import demo_for_module, two_factor_login

# The open data's personal-data crawl (tests/opendata/personal_data_crawl.py) runs in this
# module, on its demo: one seed of the demo for both instead of two.
from tests.opendata.personal_data_crawl import (
    open_client,  # noqa: F401 (a fixture)
    test_it_serves_no_personal_value_anywhere,  # noqa: F401
    test_the_same_search_finds_a_planted_name,  # noqa: F401
)

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "applicant",  # owner: a finalised application
    "applicant2",  # another owner: a draft application of her own
    "resident",
    "employee",
    "supervisor",
    "hr",
    "verifier",  # a screening verifier assigned to the demo's appeal-window and past periods
    "moderator",
    "admin",
)

# Outcomes of a GET. 200 is an HTML page; the others that reach the view are named by what
# they serve. "login" is a redirect to the login page with ?next=.
CONTENT_TYPES = {
    200: "text/html",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "json": "application/json",
    "metrics": "text/plain",  # Prometheus' text format
    "ics": "text/calendar",
    "file": None,  # a download: an attachment, whatever its type
    "openapi": "application/vnd.oai.openapi",
    "jsonld": "application/ld+json",
}
SERVED = set(CONTENT_TYPES)
# Outcomes that mean the view (not the access check) answered: the URL takes a POST there.
REACHED = SERVED | {405, 302}


def everyone(outcome):
    return dict.fromkeys(PERSONAS, outcome)


def signed_in(outcome):
    """login_required: anonymous to the login page, every signed-in user gets `outcome`."""
    return {**everyone(outcome), "anonymous": "login"}


def hr_only(outcome=200):
    """role_required(Role.HR): administrators hold every role's rights."""
    return {**signed_in(403), "hr": outcome, "admin": outcome}


def owner_or_hr(outcome):
    """recruitment.access.application_for_user: the applicant or HR, anyone else 404."""
    return {**signed_in(404), "applicant": outcome, "hr": outcome, "admin": outcome}


def owner_only(outcome):
    """recruitment.access.own_application: only the applicant, HR and admin 404 too."""
    return {**signed_in(404), "applicant": outcome}


def roles(outcome, *personas):
    """role_required(...) with these personas holding the role; the admin holds every role."""
    return {**signed_in(403), **dict.fromkeys((*personas, "admin"), outcome)}


def moderators(outcome=200):
    """role_required(Role.MODERATOR)."""
    return roles(outcome, "moderator")


def performance_record(outcome=200):
    """performance.access.*_for_user: the employee, their supervisor (and the supervisor's), HR;
    the roles without access to performance 403."""
    return roles(outcome, "employee", "supervisor", "hr")


TRAINING = ("employee", "supervisor", "hr")  # training.access.TRAINING_ROLES


def screeners(outcome=200):
    """recruitment.access.screening_*_for_user: HR, or a verifier assigned to the period."""
    return roles(outcome, "hr", "verifier")


EXPECT = {
    # rakumpit_asn/urls.py
    "home": everyone(200),
    "healthz": everyone("json"),
    # The test client comes from 127.0.0.1, where a local Prometheus may scrape; from any other
    # address only staff may (tests/core/test_metrics_endpoint.py).
    "metrics": everyone("metrics"),
    "set_language": everyone(302),  # a GET link sets the cookie and goes back; no login needed
    "accessibility": everyone(200),
    # accounts/urls.py
    "accounts:profile": signed_in(200),
    # Today: staff, supervisors and employees; applicants and residents go to their own page.
    "accounts:today": {
        **signed_in(200),
        **dict.fromkeys(("applicant", "applicant2", "resident"), 302),
    },
    # workforce/urls.py
    "workforce:needs_map": hr_only(),
    "workforce:needs_export": hr_only("xlsx"),
    "workforce:needs_chart": hr_only("svg"),
    "workforce:unit_detail": hr_only(),
    "workforce:unit_message": hr_only(),
    "workforce:abk_edit": hr_only(),
    "workforce:public_summary": everyone(200),
    "workforce:proposal_list": hr_only(),
    "workforce:proposal_create": hr_only(),
    "workforce:proposal_detail": hr_only(),
    "workforce:proposal_edit": hr_only(),
    "workforce:proposal_submit": hr_only(405),
    "workforce:proposal_decide": {**signed_in(403), "admin": 405},  # the head of office only
    "workforce:employee_list": hr_only(),
    "workforce:employee_export": hr_only("xlsx"),
    # recruitment/urls.py
    "recruitment:vacancy_list": everyone(200),
    "recruitment:vacancy_detail": everyone(200),
    "recruitment:profile": signed_in(200),
    "recruitment:apply": signed_in(405),
    "recruitment:application_list": signed_in(200),
    "recruitment:application_detail": owner_or_hr(200),
    "recruitment:application_finalise": signed_in(405),
    "recruitment:application_withdraw": signed_in(405),
    "recruitment:document_upload": owner_only(200),
    "recruitment:document_download": owner_or_hr("file"),
    "recruitment:application_card": owner_or_hr("pdf"),
    "recruitment:verify": everyone(200),
    "recruitment:verify_code": everyone(200),
    "recruitment:hr_period_list": hr_only(),
    "recruitment:hr_period_create": hr_only(),
    "recruitment:hr_period_detail": hr_only(),
    "recruitment:hr_period_edit": hr_only(),
    "recruitment:hr_period_publish": hr_only(405),
    "recruitment:hr_formation_create": hr_only(),
    "recruitment:hr_formations_from_proposal": hr_only(405),
    "recruitment:hr_formation_edit": hr_only(),
    "recruitment:hr_formation_publish": hr_only(405),
    "recruitment:hr_application_list": hr_only(),
    "recruitment:hr_application_export": hr_only("xlsx"),
    "recruitment:hr_formation_message": hr_only(),
    "recruitment:index": everyone(302),  # /recruitment/ goes to the vacancy list
    "recruitment:statistics": everyone(200),
    "recruitment:help_index": everyone(200),
    "recruitment:period_help": everyone(200),
    "recruitment:application_calendar": owner_only("ics"),  # the applicant's own dates only
    # privacy/urls.py: my data for everyone signed in; requests to HR
    "notifications:inbox": signed_in(200),
    # The owner is sent on to the notification's subject; anyone else's id is a 404.
    "notifications:open": {**signed_in(404), "applicant": 302},
    "notifications:read_all": signed_in(405),
    "notifications:preferences": signed_in(200),
    "notifications:phone_send": signed_in(405),
    "notifications:phone_verify": signed_in(405),
    "notifications:phone_remove": signed_in(405),
    # The gateways' signed delivery receipts: POST only, no session, checked by signature.
    "notifications:receipt": everyone(405),
    "privacy:notice": everyone(200),
    "privacy:my_data": signed_in(200),
    "privacy:export": signed_in("file"),
    "privacy:request_create": signed_in(200),
    "privacy:request_detail": owner_only(200),  # HR answers on its own page
    "privacy:request_list": hr_only(),
    "privacy:request_answer": hr_only(),
    # recruitment/urls/screening.py (the demo verifier is assigned to the appeal-window period)
    "recruitment:screening_period_list": screeners(),
    "recruitment:screening_period": screeners(),
    "recruitment:screening_queue": screeners(),
    "recruitment:screening_application": screeners(),
    "recruitment:screening_assignments": hr_only(),
    "recruitment:screening_assignment_remove": hr_only(405),
    "recruitment:screening_confirm": screeners(405),
    "recruitment:screening_return": screeners(405),
    "recruitment:screening_recheck": screeners(405),
    "recruitment:screening_correction": hr_only(405),
    # recruitment/urls/announcements.py
    "recruitment:announcement_index": everyone(200),
    "recruitment:announcement_list": everyone(200),
    "recruitment:announcement_detail": everyone(200),
    "recruitment:announcement_pdf": everyone("pdf"),
    "recruitment:hr_announcements": hr_only(),
    "recruitment:hr_announcement_publish": hr_only(405),
    "recruitment:appeal_create": owner_only(200),
    "recruitment:hr_appeal_list": hr_only(),
    "recruitment:hr_appeal_answer": hr_only(),
    "recruitment:hr_exam_session_list": hr_only(),
    "recruitment:hr_exam_session_create": hr_only(),
    "recruitment:hr_exam_session_edit": hr_only(),
    "recruitment:hr_exam_session_delete": hr_only(405),
    "recruitment:hr_exam_sessions_assign": hr_only(405),
    # last year's application of the demo applicant: MS, with an exam session. The verifier
    # screened that period but exam cards are the applicant's and HR's only.
    "recruitment:exam_card": owner_or_hr("pdf"),
    # recruitment/urls/scores.py
    "recruitment:scores_home": hr_only(),
    "recruitment:scores_import": hr_only(405),
    "recruitment:ranking_compute": hr_only(405),
    "recruitment:merit_list": hr_only(),
    "recruitment:merit_export": hr_only("xlsx"),
    "recruitment:optimisation": hr_only(),
    "recruitment:optimisation_propose": hr_only(405),
    "recruitment:scores_import_detail": hr_only(),
    "recruitment:scores_import_apply": hr_only(405),
    "recruitment:scores_edit": hr_only(),
    "recruitment:optimisation_decide": hr_only(405),
    "recruitment:skd_reuse_apply": hr_only(405),
    "recruitment:hr_formation_skb": hr_only(),
    "recruitment:application_skd_reuse": signed_in(405),
    "recruitment:appointments": hr_only(),
    "recruitment:appointment_decline": hr_only(405),
    "recruitment:appointment_cancel": hr_only(405),
    "recruitment:application_priority_group": owner_only(200),
    "recruitment:screening_priority_group": screeners(405),
    # forums/urls.py
    "forums:topic_list": everyone(200),
    "forums:topic_create": roles(200, "resident"),
    "forums:unit_options": everyone(200),  # the topic form's unit list: public reference data
    "forums:my_topics": signed_in(200),  # always the signed-in person's own: no id to guess
    "forums:topic_detail": everyone(200),
    # a public reply: everyone is sent to the page of the topic that holds it
    "forums:comment_link": everyone(302),
    "forums:topic_edit": {**signed_in(404), "resident": 200},  # the author only, admin too 404
    # The demo topic has no photo: 404 for everyone. Served photos and the visibility rule
    # (a hidden topic's photo is 404 like its page) are tested in tests/forums/test_photos.py.
    "forums:topic_photo": everyone(404),
    "forums:comment_create": signed_in(405),
    "forums:answer_create": hr_only(405),
    "forums:status_change": hr_only(405),
    "forums:topic_support": signed_in(405),
    "forums:topic_follow": signed_in(405),
    "forums:topic_report": signed_in(200),
    "forums:comment_report": signed_in(200),
    "forums:accountability": everyone(200),
    "forums:moderation_queue": moderators(),
    "forums:moderation_log": moderators(),
    "forums:topic_moderate": moderators(405),
    "forums:topic_retag": moderators(405),
    "forums:comment_moderate": moderators(405),
    "forums:user_suspend": moderators(),
    "forums:session_list": everyone(200),
    "forums:session_detail": everyone(200),
    "forums:session_register": roles(405, "resident"),
    "forums:my_sessions_calendar": roles("ics", "resident"),  # always the resident's own
    "forums:ikm_results": everyone(200),
    "forums:ikm_chart": everyone("svg"),
    "forums:ikm_survey": roles(200, "resident"),
    # performance/urls.py (the demo employee's records; their supervisor is the demo supervisor)
    "performance:mine": roles(200, "employee", "supervisor"),
    "performance:skp_detail": performance_record(),
    "performance:skp_agree": roles(405, "employee", "supervisor"),  # supervisors are employees
    "performance:review_detail": performance_record(),
    "performance:review_acknowledge": roles(405, "employee", "supervisor"),
    # the employee's own act (access.own_review): the supervisor and the admin 404, HR 403
    "performance:objection_file": {**roles(404, "employee", "supervisor"), "employee": 200},
    # a teammate's plan: the demo employee is another owner
    "performance:coaching_detail": {**performance_record(), "employee": 404},
    "performance:team": roles(200, "supervisor"),
    # the supervisor's own team member only: the admin is nobody's supervisor
    "performance:skp_edit": {**roles(404, "supervisor"), "supervisor": 200},
    "performance:review_edit": {**roles(404, "supervisor"), "supervisor": 200},
    # the review is already final: its evaluator is sent to it, anyone else 404
    "performance:review_confirm": {**roles(404, "supervisor"), "supervisor": 302},
    "performance:followup_record": roles(405, "supervisor", "hr"),
    "performance:objection_list": roles(200, "supervisor", "hr"),
    # HR or the evaluator's own supervisor; the demo supervisor evaluated it himself
    "performance:objection_resolve": {**roles(200, "supervisor", "hr"), "supervisor": 404},
    "performance:review_correct": hr_only(),
    "performance:dashboard": hr_only(),
    "performance:dashboard_chart": hr_only("svg"),
    "performance:dashboard_export": hr_only("xlsx"),
    "performance:ekinerja_export": hr_only("xlsx"),
    # training/urls.py (the demo employee's records; their supervisor is the demo supervisor)
    "training:programme_list": roles(200, *TRAINING),
    "training:programme_detail": roles(200, *TRAINING),
    "training:material_download": roles("file", *TRAINING),
    "training:session_detail": roles(200, *TRAINING),
    "training:session_request": roles(405, "employee", "supervisor"),
    "training:session_enrol": roles(405, "supervisor", "hr"),
    "training:enrolment_decide": roles(405, "supervisor", "hr"),
    "training:enrolment_cancel": roles(405, *TRAINING),
    "training:team_requests": roles(200, "supervisor"),
    "training:meeting_attendance": hr_only(),
    "training:session_results": hr_only(),
    "training:my_training": roles(200, "employee", "supervisor"),
    "training:my_calendar": roles("ics", "employee", "supervisor"),  # always the employee's own
    "training:employee_training": roles(200, *TRAINING),
    "training:enrolment_detail": roles(200, *TRAINING),
    "training:certificate_pdf": roles("pdf", *TRAINING),
    # the participant's own (access.own_enrolment): the supervisor and the admin 404, HR 403
    "training:enrolment_feedback": {**roles(404, "employee", "supervisor"), "employee": 200},
    "training:hr_dashboard": hr_only(),
    "training:hr_chart": hr_only("svg"),
    "training:feedback_summary": hr_only(),
    "training:onboarding": hr_only(),
    "training:programme_manage_list": hr_only(),
    "training:programme_create": hr_only(),
    "training:programme_edit": hr_only(),
    "training:session_create": hr_only(),
    "training:session_edit": hr_only(),
    "training:my_invitations": roles(200, "resident"),
    "training:verify": everyone(200),
    "training:verify_code": everyone(200),
    # Open data: public, read-only, the same for everyone (tests/opendata/)
    "opendata:catalogue": everyone(200),
    "opendata:catalogue-jsonld": everyone("jsonld"),
    "opendata:download": everyone("file"),
    "opendata:api-schema": everyone("openapi"),
    "opendata:api-docs": everyone(200),
    "opendata:api-not-found": everyone(404),
    "opendata:api-root": everyone("json"),
    "opendata:report_list": hr_only(),
    "opendata:report_generate": hr_only(405),
    "opendata:report_download": hr_only("pdf"),
    "opendata:api-announcement-rows": everyone("json"),
    # without the announcement it needs: a 400 saying so
    "opendata:api-announcement-results": everyone(400),
    **{
        f"opendata:api-{slug}": everyone("json")
        for slug in (
            "periods",
            "formations",
            "recruitment-statistics",
            "announcements",
            "staffing",
            "training-compliance",
            "ikm",
            "forum-accountability",
            "forum-topics",
        )
    },
    **{
        f"opendata:api-{slug}-detail": everyone("json")
        for slug in ("periods", "formations", "announcements", "forum-topics")
    },
}

# Real arguments from the demo data (see the `demo` fixture) for every URL that takes any.
KWARGS = {
    "workforce:needs_chart": lambda d: {"dimension": "sector"},
    "workforce:unit_detail": lambda d: {"pk": d.unit.pk},
    "workforce:unit_message": lambda d: {"pk": d.unit.pk},
    "workforce:abk_edit": lambda d: {"position_pk": d.position.pk, "year": d.year},
    "workforce:proposal_detail": lambda d: {"pk": d.proposal.pk},
    "workforce:proposal_edit": lambda d: {"pk": d.proposal.pk},
    "workforce:proposal_submit": lambda d: {"pk": d.proposal.pk},
    "workforce:proposal_decide": lambda d: {"pk": d.proposal.pk},
    "recruitment:vacancy_detail": lambda d: {"pk": d.formation.pk},
    "recruitment:apply": lambda d: {"pk": d.formation.pk},
    "recruitment:application_detail": lambda d: {"pk": d.application.pk},
    "recruitment:application_finalise": lambda d: {"pk": d.application.pk},
    "recruitment:application_withdraw": lambda d: {"pk": d.application.pk},
    "recruitment:document_upload": lambda d: {
        "pk": d.application.pk,
        "slug": d.document.requirement.slug,
    },
    "recruitment:document_download": lambda d: {"pk": d.document.pk},
    "recruitment:application_card": lambda d: {"pk": d.application.pk},
    "recruitment:application_calendar": lambda d: {"pk": d.application.pk},
    "recruitment:period_help": lambda d: {"pk": d.period.pk},
    "recruitment:verify_code": lambda d: {"code": d.application.verification_code},
    "recruitment:hr_period_detail": lambda d: {"pk": d.period.pk},
    "recruitment:hr_period_edit": lambda d: {"pk": d.period.pk},
    "recruitment:hr_period_publish": lambda d: {"pk": d.period.pk},
    "recruitment:hr_formation_create": lambda d: {"pk": d.period.pk},
    "recruitment:hr_formations_from_proposal": lambda d: {"pk": d.period.pk},
    "recruitment:hr_formation_edit": lambda d: {"pk": d.formation.pk},
    "privacy:request_detail": lambda d: {"pk": d.data_request.pk},
    "privacy:request_answer": lambda d: {"pk": d.data_request.pk},
    "notifications:open": lambda d: {"pk": d.notification.pk},
    "notifications:receipt": lambda d: {"channel": "sms"},
    # Recruitment II: the appeal-window period and last year's completed one
    "recruitment:screening_period": lambda d: {"pk": d.appeal_period.pk},
    "recruitment:screening_queue": lambda d: {"pk": d.appeal_application.formation_id},
    "recruitment:screening_application": lambda d: {"pk": d.appeal_application.pk},
    "recruitment:screening_assignments": lambda d: {"pk": d.appeal_period.pk},
    "recruitment:screening_assignment_remove": lambda d: {"pk": d.assignment.pk},
    "recruitment:screening_confirm": lambda d: {"pk": d.appeal_application.pk},
    "recruitment:screening_return": lambda d: {"pk": d.appeal_application.pk},
    "recruitment:screening_recheck": lambda d: {"pk": d.appeal_application.pk},
    "recruitment:screening_correction": lambda d: {"pk": d.appeal_application.pk},
    "recruitment:announcement_list": lambda d: {"pk": d.done_period.pk},
    "recruitment:announcement_detail": lambda d: {"pk": d.final_announcement.pk},
    "recruitment:announcement_pdf": lambda d: {"pk": d.final_announcement.pk},
    "recruitment:hr_announcements": lambda d: {"pk": d.appeal_period.pk},
    "recruitment:hr_announcement_publish": lambda d: {"pk": d.appeal_period.pk, "kind": "admin"},
    "recruitment:appeal_create": lambda d: {"pk": d.application.pk},
    "recruitment:hr_appeal_list": lambda d: {"pk": d.appeal_period.pk},
    "recruitment:hr_appeal_answer": lambda d: {"pk": d.pending_appeal.pk},
    "recruitment:hr_exam_session_list": lambda d: {"pk": d.done_period.pk},
    "recruitment:hr_exam_session_create": lambda d: {"pk": d.done_period.pk},
    "recruitment:hr_exam_session_edit": lambda d: {"pk": d.exam_session.pk},
    "recruitment:hr_exam_session_delete": lambda d: {"pk": d.exam_session.pk},
    "recruitment:hr_exam_sessions_assign": lambda d: {"pk": d.done_period.pk},
    "recruitment:exam_card": lambda d: {"pk": d.past_application.pk},
    "recruitment:scores_home": lambda d: {"pk": d.done_period.pk},
    "recruitment:scores_import": lambda d: {"pk": d.done_period.pk},
    "recruitment:ranking_compute": lambda d: {"pk": d.done_period.pk},
    "recruitment:merit_list": lambda d: {"pk": d.done_period.pk},
    "recruitment:merit_export": lambda d: {"pk": d.done_period.pk},
    "recruitment:optimisation": lambda d: {"pk": d.done_period.pk},
    "recruitment:optimisation_propose": lambda d: {"pk": d.done_period.pk},
    "recruitment:scores_import_detail": lambda d: {"pk": d.score_import.pk},
    "recruitment:scores_import_apply": lambda d: {"pk": d.score_import.pk},
    "recruitment:scores_edit": lambda d: {"pk": d.past_application.pk},
    "recruitment:optimisation_decide": lambda d: {"pk": d.offer.pk},
    "recruitment:skd_reuse_apply": lambda d: {"pk": d.done_period.pk},
    "recruitment:hr_formation_skb": lambda d: {"pk": d.formation.pk},
    "recruitment:application_skd_reuse": lambda d: {"pk": d.application.pk},
    "recruitment:appointments": lambda d: {"pk": d.done_period.pk},
    "recruitment:appointment_decline": lambda d: {"pk": d.past_application.pk},
    "recruitment:appointment_cancel": lambda d: {"pk": d.appointment.pk},
    "recruitment:application_priority_group": lambda d: {"pk": d.application.pk},
    "recruitment:screening_priority_group": lambda d: {"pk": d.appeal_application.pk},
    "recruitment:hr_formation_publish": lambda d: {"pk": d.formation.pk},
    "recruitment:hr_application_list": lambda d: {"pk": d.formation.pk},
    "recruitment:hr_application_export": lambda d: {"pk": d.formation.pk},
    "recruitment:hr_formation_message": lambda d: {"pk": d.formation.pk},
    # forums
    "forums:topic_detail": lambda d: {"pk": d.topic.pk},
    "forums:comment_link": lambda d: {"pk": d.comment.pk},
    "forums:topic_edit": lambda d: {"pk": d.topic.pk},
    "forums:topic_photo": lambda d: {"pk": d.topic.pk},
    "forums:comment_create": lambda d: {"pk": d.topic.pk},
    "forums:answer_create": lambda d: {"pk": d.topic.pk},
    "forums:status_change": lambda d: {"pk": d.topic.pk},
    "forums:topic_support": lambda d: {"pk": d.topic.pk},
    "forums:topic_follow": lambda d: {"pk": d.topic.pk},
    "forums:topic_report": lambda d: {"pk": d.topic.pk},
    "forums:comment_report": lambda d: {"pk": d.topic.pk, "comment_pk": d.comment.pk},
    "forums:topic_moderate": lambda d: {"pk": d.topic.pk},
    "forums:topic_retag": lambda d: {"pk": d.topic.pk},
    "forums:comment_moderate": lambda d: {"pk": d.comment.pk},
    "forums:user_suspend": lambda d: {"user_pk": d.users["resident"].pk},
    "forums:session_detail": lambda d: {"pk": d.discussion.pk},
    "forums:session_register": lambda d: {"pk": d.discussion.pk},
    # performance
    "performance:skp_detail": lambda d: {"pk": d.skp.pk},
    "performance:skp_agree": lambda d: {"pk": d.skp.pk},
    "performance:review_detail": lambda d: {"pk": d.review.pk},
    "performance:review_acknowledge": lambda d: {"pk": d.review.pk},
    "performance:objection_file": lambda d: {"pk": d.review.pk},
    "performance:coaching_detail": lambda d: {"pk": d.coaching.pk},
    "performance:skp_edit": lambda d: {"employee_pk": d.employee.pk, "year": d.skp.cycle.year},
    "performance:review_edit": lambda d: {"skp_pk": d.skp.pk, "checkpoint_pk": d.checkpoint.pk},
    "performance:review_confirm": lambda d: {
        "skp_pk": d.skp.pk,
        "checkpoint_pk": d.review.checkpoint_id,
    },
    "performance:followup_record": lambda d: {"pk": d.follow_up.pk},
    "performance:objection_resolve": lambda d: {"pk": d.objected.pk},
    "performance:review_correct": lambda d: {"pk": d.review.pk},
    "performance:dashboard_chart": lambda d: {"dimension": "unit"},
    # training
    "training:programme_detail": lambda d: {"pk": d.training_session.programme_id},
    "training:material_download": lambda d: {"pk": d.material.pk},
    "training:session_detail": lambda d: {"pk": d.training_session.pk},
    "training:session_request": lambda d: {"pk": d.training_session.pk},
    "training:session_enrol": lambda d: {"pk": d.training_session.pk},
    "training:enrolment_decide": lambda d: {"pk": d.requested.pk},
    "training:enrolment_cancel": lambda d: {"pk": d.requested.pk},
    "training:meeting_attendance": lambda d: {"pk": d.meeting.pk},
    "training:session_results": lambda d: {"pk": d.training_session.pk},
    "training:employee_training": lambda d: {"pk": d.employee.pk},
    "training:enrolment_detail": lambda d: {"pk": d.enrolment.pk},
    "training:certificate_pdf": lambda d: {"pk": d.enrolment.pk},
    "training:enrolment_feedback": lambda d: {"pk": d.enrolment.pk},
    "training:hr_chart": lambda d: {"dimension": "unit"},
    "training:programme_edit": lambda d: {"pk": d.training_session.programme_id},
    "training:session_create": lambda d: {"programme_pk": d.training_session.programme_id},
    "training:session_edit": lambda d: {"pk": d.training_session.pk},
    "training:verify_code": lambda d: {"code": d.enrolment.certificate.verification_code},
    "opendata:download": lambda d: {"slug": "staffing", "extension": "csv"},
    "opendata:api-not-found": lambda d: {"rest": "nothing-here/"},
    "opendata:report_download": lambda d: {"pk": _leadership_report().pk, "extension": "pdf"},
    "opendata:api-announcement-rows": lambda d: {"announcement": d.final_announcement.pk},
    "opendata:api-periods-detail": lambda d: {"pk": d.period.pk},
    "opendata:api-formations-detail": lambda d: {"pk": d.formation.pk},
    "opendata:api-announcements-detail": lambda d: {"pk": d.final_announcement.pk},
    "opendata:api-forum-topics-detail": lambda d: {"pk": d.topic.pk},
}


def _leadership_report():
    from opendata.models import LeadershipReport

    return LeadershipReport.objects.order_by("pk").first()  # the demo's (opendata/demo.py)


# Known bugs: (url name, persona) -> what is wrong. The expectation in EXPECT stays the correct
# one; the case is an xfail(strict=True), so fixing the bug makes the test fail until the entry
# is removed here.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# --- the URL patterns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None  # full namespaced name
    route: str  # the pattern text, for messages
    takes_arguments: bool


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            regex = pattern.pattern.regex
            yield Route(name, prefix + str(pattern.pattern), bool(regex.groups))


def _is_third_party(route: Route) -> bool:
    """Django's admin and allauth's views are not ours; they are checked on their own below."""
    name = route.name or ""
    return (
        name.startswith("admin:")
        or route.route.startswith("admin/")
        or name.startswith(("account_", "socialaccount_", "mfa_"))
    )


def project_routes() -> list[Route]:
    return [route for route in _walk(get_resolver()) if not _is_third_party(route)]


def _matrix_params():
    params = []
    for route in project_routes():
        if route.name not in EXPECT:
            # One failing case per unknown URL, so the message is seen once, not per persona.
            params.append(pytest.param(route.name, None, id=f"{route.name}-MISSING"))
            continue
        for persona in PERSONAS:
            marks = []
            if (route.name, persona) in KNOWN_BUGS:
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[route.name, persona])]
            params.append(
                pytest.param(route.name, persona, marks=marks, id=f"{route.name}-{persona}")
            )
    return params


# --- the demo data, once for the module ---------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_template):
    """The demo (a copy of the one seeded once per test process: tests/conftest.py) plus one
    draft formation proposal and the rest below, committed to nothing: the module runs in one
    outer transaction, rolled back at the end, and every test in a savepoint inside it; then
    the test database is put back as it was migrated. Files go to the test process's own
    temporary media folder (tests/conftest.py), never to var/."""
    with django_db_blocker.unblock(), demo_for_module(demo_template) as users:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            assert "rakumpit-test-media-" in str(default_storage.location)
            if users is None:  # SQLite: seeded here, undone with the outer transaction
                from rakumpit_asn.management import demo as demo_data

                users = demo_data.seed()["users"]
            data = _seed(users)
            # Run PostgreSQL's deferred foreign-key checks now, at the top level: left pending,
            # they would run again at every test's teardown (TestCase checks constraints in the
            # test's savepoint, and rolling that back re-queues them).
            connection.check_constraints()
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _seed(users) -> SimpleNamespace:
    from recruitment.models import Application, PeriodAssignment
    from workforce.models import PlanningYear
    from workforce.services.proposals import proposal_create

    application = Application.objects.select_related("period", "formation__position__unit").get(
        applicant=users["applicant"], period__registration_closed=False
    )
    assert application.status == Application.Status.SUBMITTED
    # The demo verifier screens the open period too (their Today page); here it is the period
    # they are not assigned to, for the checks that another period's records stay hidden.
    PeriodAssignment.objects.filter(period=application.period, user=users["verifier"]).delete()
    assert (
        Application.objects.get(applicant=users["applicant2"], period=application.period).status
        == "draft"
    )
    formation = application.formation
    proposal = proposal_create(
        planning_year=PlanningYear.objects.get(year=application.period.year),
        title="Usulan formasi uji matriks",
        items=[(formation.position, "PNS", 1, "Kekurangan tenaga di puskesmas.")],
        user=users["hr"],
    )
    personal_data = {
        key: [
            users[key].email,
            users[key].full_name,
            users[key].applicant_profile.nik,
            users[key].applicant_profile.kk_number,
            users[key].applicant_profile.phone,
        ]
        for key in ("applicant", "applicant2")
    }
    sessions = {}
    for key, user in users.items():
        # Staff sessions count as signed in with the authenticator app, as after a real sign-in.
        login = two_factor_login(Client(), user)
        sessions[key] = login.cookies[django_settings.SESSION_COOKIE_NAME].value
    from privacy.services import data_request_submit

    data_request = data_request_submit(
        user=users["applicant"], kind="restriction", details="Jangan pakai data saya untuk survei."
    )
    return SimpleNamespace(
        users=users,
        sessions=sessions,
        data_request=data_request,
        personal_data=personal_data,
        application=application,
        document=application.documents.select_related("requirement")
        .filter(is_current=True)
        .order_by("pk")
        .first(),
        formation=formation,
        period=application.period,
        position=formation.position,
        unit=formation.position.unit,
        year=application.period.year,
        proposal=proposal,
        notification=users["applicant"].notifications.order_by("pk").first(),
        **_selection_data(users),
        **_forums_data(users),
        **_performance_data(users),
        **_training_data(users),
    )


def _selection_data(users) -> dict:
    from recruitment.models import (
        Announcement,
        Appeal,
        Application,
        Appointment,
        ExamSession,
        OptimisationOffer,
        PeriodAssignment,
        ScoreImport,
    )

    appeal_application = Application.objects.get(applicant=users["applicant3"])
    appeal_period = appeal_application.period
    past = Application.objects.get(applicant=users["applicant"], period__registration_closed=True)
    done_period = past.period
    assert past.exam_session_id and past.announced_result == "MS"
    return {
        "appeal_period": appeal_period,
        "appeal_application": appeal_application,
        "assignment": PeriodAssignment.objects.filter(period=appeal_period).first(),
        "pending_appeal": Appeal.objects.filter(
            application__period=appeal_period, status=Appeal.Status.PENDING
        ).first(),
        "done_period": done_period,
        "past_application": past,
        "final_announcement": Announcement.objects.get(period=done_period, kind="final"),
        "exam_session": ExamSession.objects.filter(period=done_period).first(),
        "score_import": ScoreImport.objects.filter(period=done_period).first(),
        "offer": OptimisationOffer.objects.filter(formation__period=done_period).first(),
        "appointment": Appointment.objects.filter(
            formation__period=done_period, status=Appointment.Status.APPOINTED
        ).first(),
    }


def _forums_data(users) -> dict:
    from django.utils import timezone

    from forums.models import Comment, DiscussionSession, Topic, Visibility

    topic = Topic.objects.get(author=users["resident"], title=FORUM_TOPIC)
    hidden_topic = Topic.objects.create(
        title="Topik tersembunyi uji matriks",
        body=f"Isi tersembunyi. {HIDDEN_SECRET}",
        author=users["resident2"],
        sector=topic.sector,
        kelurahan=topic.kelurahan,
        visibility=Visibility.HIDDEN,
    )
    hidden_comment = Comment.objects.create(
        topic=topic,
        author=users["resident2"],
        body=f"Balasan tersembunyi. {HIDDEN_SECRET}",
        visibility=Visibility.HIDDEN,
    )
    return {
        "topic": topic,
        "hidden_topic": hidden_topic,
        "hidden_comment": hidden_comment,
        "hidden_secret": HIDDEN_SECRET,
        "comment": topic.comments.order_by("pk").first(),
        "discussion": DiscussionSession.objects.filter(starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first(),
    }


def _performance_data(users) -> dict:
    from django.utils import timezone

    from performance.models import Checkpoint, CoachingFollowUp, Objection, Review, Skp
    from workforce.models import Employee

    employee = Employee.objects.get(user=users["employee"])
    assert employee.supervisor.user == users["supervisor"]
    skp = Skp.objects.get(employee=employee, cycle__year=timezone.localdate().year)
    review = skp.reviews.exclude(status=Review.Status.DRAFT).order_by("checkpoint__due_date")
    # a teammate's coaching plan and open objection, both from the demo supervisor's reviews
    team = Review.objects.filter(skp__employee__supervisor=employee.supervisor).exclude(
        skp__employee=employee
    )
    coached = team.filter(coaching_plan__isnull=False).order_by("pk").first()
    objected = team.filter(objection__outcome=Objection.Outcome.OPEN).order_by("pk").first()
    teammate_skp = (
        Skp.objects.filter(cycle=skp.cycle, employee__supervisor=employee.supervisor)
        .exclude(employee=employee)
        .filter(reviews__isnull=False)
        .order_by("pk")
        .first()
    )
    outsider_review = (
        Review.objects.filter(skp__cycle=skp.cycle, skp__employee__supervisor__isnull=True)
        .exclude(skp__employee=employee.supervisor)
        .filter(coaching_plan__isnull=False)
        .select_related("skp__employee", "coaching_plan")
        .order_by("pk")
        .first()
    )
    return {
        "teammate_skp": teammate_skp,
        "teammate_review": teammate_skp.reviews.order_by("pk").first(),
        "outsider": outsider_review.skp.employee,
        "outsider_skp": outsider_review.skp,
        "outsider_review": outsider_review,
        "outsider_coaching": outsider_review.coaching_plan,
        "employee": employee,
        "skp": skp,
        "review": review.last(),  # awaiting the employee's acknowledgement
        "checkpoint": Checkpoint.objects.filter(cycle=skp.cycle)
        .exclude(reviews__skp=skp)
        .order_by("due_date")
        .first(),  # not reviewed yet: the supervisor's form
        "coaching": coached.coaching_plan,
        "follow_up": CoachingFollowUp.objects.filter(plan=coached.coaching_plan)
        .order_by("pk")
        .first(),
        "objected": objected,
    }


def _training_data(users) -> dict:
    from django.core.files.base import ContentFile

    from training.models import Enrolment, Material

    employee = users["employee"]
    enrolment = Enrolment.objects.get(employee__user=employee, certificate__isnull=False)
    session = enrolment.session
    material = Material(programme=session.programme, title="Modul uji matriks")
    material.file.save("modul-uji.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    supervisor = users["supervisor"]
    outsider = (
        Enrolment.objects.filter(certificate__isnull=False, employee__supervisor__isnull=True)
        .exclude(employee__user=supervisor)
        .order_by("pk")
        .first()
    )
    return {
        "outsider_enrolment": outsider,
        "enrolment": enrolment,
        "requested": Enrolment.objects.get(
            employee__user=employee, status=Enrolment.Status.REQUESTED
        ),
        "training_session": session,
        "meeting": session.meetings.order_by("number").first(),
        "material": material,
    }


FORUM_TOPIC = "Puskesmas Rakumpit belum punya ambulans"  # forums/demo.py, by the demo resident
HIDDEN_SECRET = "RAHASIA-MATRIKS-7Q"  # in the hidden topic and reply the module adds


# A new Client builds the middleware chain again, and WhiteNoise's middleware scans every static
# file when it is built (a third of a second): the clients of this module share their handlers.
_HANDLERS = {}


def _client(demo, persona, *, enforce_csrf_checks=False) -> Client:
    """A client signed in as the persona, with the session made once for the module."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.handler = _HANDLERS.setdefault(enforce_csrf_checks, client.handler)
    if persona != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = demo.sessions[persona]
    return client


def _url(name, demo) -> str:
    if name in KWARGS:
        return reverse(name, kwargs=KWARGS[name](demo))
    try:
        return reverse(name)
    except NoReverseMatch:
        pytest.fail(f"add an entry for {name} to KWARGS and EXPECT")


def _describe(response) -> str:
    location = response.get("Location", "")
    kind = response.get("Content-Type", "")
    return f"{response.status_code} {location or kind}"


def assert_outcome(response, expected, url):
    got = _describe(response)
    if expected == "login":
        assert response.status_code == 302, f"{url}: expected a login redirect, got {got}"
        assert response["Location"].startswith(f"{reverse('account_login')}?next="), got
    elif expected in SERVED:
        assert response.status_code == 200, f"{url}: expected {expected}, got {got}"
        content_type = CONTENT_TYPES[expected]
        if content_type:
            assert response["Content-Type"].startswith(content_type), f"{url}: got {got}"
        else:
            assert response["Content-Disposition"].startswith("attachment"), f"{url}: {got}"
    else:
        assert response.status_code == expected, f"{url}: expected {expected}, got {got}"


# --- the tables stay complete -------------------------------------------------------------


def test_it_has_a_matrix_entry_for_every_url_of_ours():
    routes = project_routes()
    unnamed = [route.route for route in routes if not route.name]
    assert not unnamed, f"give these URL patterns a name (and a matrix entry): {unnamed}"
    names = {route.name for route in routes}
    missing = sorted(
        route.name
        for route in routes
        if route.name not in EXPECT or (route.takes_arguments and route.name not in KWARGS)
    )
    assert not missing, "".join(
        f"\nadd an entry for {name} to KWARGS and EXPECT" for name in missing
    )
    stale = sorted((set(EXPECT) | set(KWARGS)) - names)
    assert not stale, f"these entries name no URL any more, remove them: {stale}"
    incomplete = sorted(name for name, row in EXPECT.items() if set(row) != set(PERSONAS))
    assert not incomplete, f"these EXPECT rows do not list every persona: {incomplete}"


# --- the matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "persona"), _matrix_params())
def test_it_answers_each_persona_as_the_house_rules_say(demo, name, persona):
    route = next(route for route in project_routes() if route.name == name)
    if persona is None or (route.takes_arguments and name not in KWARGS):
        pytest.fail(f"add an entry for {name} ({route.route}) to KWARGS and EXPECT")
    url = _url(name, demo)
    response = _client(demo, persona).get(url)
    assert_outcome(response, EXPECT[name][persona], url)
    if EXPECT[name][persona] == 200 and persona not in ("hr", "admin"):
        body = response.content.decode()
        for owner, secrets in demo.personal_data.items():
            leaked = [secret for secret in secrets if owner != persona and secret in body]
            assert not leaked, f"{url} shows {persona} the personal data of {owner}: {leaked}"


# --- other owners, beyond the personas ----------------------------------------------------

# The matrix walks the demo employee's records and a public topic. These are the "someone
# else's object" cases it cannot reach: a teammate's and an outsider's records (the demo
# supervisor supervises neither the outsider nor anyone above him), and another resident's
# hidden topic and hidden reply. (url name, persona, kwargs, expected)
OTHER_OWNERS = [
    # performance: a teammate's SKP and review (the demo employee is not their owner) ...
    ("performance:skp_detail", "employee", lambda d: {"pk": d.teammate_skp.pk}, 404),
    ("performance:review_detail", "employee", lambda d: {"pk": d.teammate_review.pk}, 404),
    ("performance:objection_file", "employee", lambda d: {"pk": d.teammate_review.pk}, 404),
    ("performance:review_detail", "supervisor", lambda d: {"pk": d.teammate_review.pk}, 200),
    # ... and an outsider's, evaluated by HR: the demo supervisor is no one in their chain
    ("performance:skp_detail", "supervisor", lambda d: {"pk": d.outsider_skp.pk}, 404),
    ("performance:review_detail", "supervisor", lambda d: {"pk": d.outsider_review.pk}, 404),
    ("performance:coaching_detail", "supervisor", lambda d: {"pk": d.outsider_coaching.pk}, 404),
    ("performance:coaching_detail", "hr", lambda d: {"pk": d.outsider_coaching.pk}, 200),
    (
        "performance:skp_edit",
        "supervisor",
        lambda d: {"employee_pk": d.outsider.pk, "year": d.skp.cycle.year},
        404,
    ),
    (
        "performance:review_edit",
        "supervisor",
        lambda d: {"skp_pk": d.outsider_skp.pk, "checkpoint_pk": d.checkpoint.pk},
        404,
    ),
    # training: an outsider's records (no supervisor; the demo employee is not their owner)
    ("training:employee_training", "employee", lambda d: {"pk": d.outsider.pk}, 404),
    ("training:employee_training", "supervisor", lambda d: {"pk": d.outsider.pk}, 404),
    ("training:enrolment_detail", "employee", lambda d: {"pk": d.outsider_enrolment.pk}, 404),
    ("training:enrolment_detail", "supervisor", lambda d: {"pk": d.outsider_enrolment.pk}, 404),
    ("training:certificate_pdf", "employee", lambda d: {"pk": d.outsider_enrolment.pk}, 404),
    ("training:certificate_pdf", "supervisor", lambda d: {"pk": d.outsider_enrolment.pk}, 404),
    ("training:enrolment_detail", "hr", lambda d: {"pk": d.outsider_enrolment.pk}, 200),
    # recruitment: applicant3's application in the appeal window; a period the verifier is not
    # assigned to (the open one)
    ("recruitment:appeal_create", "applicant", lambda d: {"pk": d.appeal_application.pk}, 404),
    ("recruitment:appeal_create", "applicant3", lambda d: {"pk": d.appeal_application.pk}, 200),
    ("recruitment:exam_card", "applicant2", lambda d: {"pk": d.past_application.pk}, 404),
    (
        "recruitment:application_detail",
        "applicant",
        lambda d: {"pk": d.appeal_application.pk},
        404,
    ),
    ("recruitment:screening_period", "verifier", lambda d: {"pk": d.period.pk}, 404),
    ("recruitment:screening_application", "verifier", lambda d: {"pk": d.application.pk}, 404),
    ("recruitment:application_detail", "verifier", lambda d: {"pk": d.application.pk}, 404),
    ("recruitment:document_download", "verifier", lambda d: {"pk": d.document.pk}, 404),
    ("recruitment:scores_edit", "verifier", lambda d: {"pk": d.past_application.pk}, 403),
    # forums: another resident's hidden topic, and her hidden reply on a public topic
    ("forums:topic_detail", "anonymous", lambda d: {"pk": d.hidden_topic.pk}, 404),
    ("forums:topic_detail", "resident", lambda d: {"pk": d.hidden_topic.pk}, 404),
    ("forums:topic_photo", "anonymous", lambda d: {"pk": d.hidden_topic.pk}, 404),
    ("forums:topic_photo", "resident", lambda d: {"pk": d.hidden_topic.pk}, 404),
    ("forums:topic_detail", "resident2", lambda d: {"pk": d.hidden_topic.pk}, 200),
    ("forums:topic_detail", "moderator", lambda d: {"pk": d.hidden_topic.pk}, 200),
    ("forums:topic_edit", "resident", lambda d: {"pk": d.hidden_topic.pk}, 404),
    ("forums:topic_report", "resident", lambda d: {"pk": d.hidden_topic.pk}, 404),
    (
        "forums:comment_report",
        "resident",
        lambda d: {"pk": d.topic.pk, "comment_pk": d.hidden_comment.pk},
        404,
    ),
    (
        "forums:comment_report",
        "resident2",
        lambda d: {"pk": d.topic.pk, "comment_pk": d.hidden_comment.pk},
        200,
    ),
]


def _other_owner_id(value):
    return value if isinstance(value, str) else None  # the kwargs lambdas get pytest's default


@pytest.mark.parametrize(
    ("name", "persona", "kwargs", "expected"), OTHER_OWNERS, ids=_other_owner_id
)
def test_it_hides_another_owners_records(demo, name, persona, kwargs, expected):
    url = reverse(name, kwargs=kwargs(demo))
    response = _client(demo, persona).get(url)
    assert_outcome(response, expected, url)
    if expected == 404 and response.status_code == 404:
        assert demo.hidden_secret not in response.content.decode(), url


@pytest.mark.parametrize(
    "name", sorted(name for name, row in EXPECT.items() if row["anonymous"] == 200)
)
def test_it_shows_no_email_nip_or_birth_date_on_public_pages(demo, name):
    """Pages anyone may open (the forums, the certificate check, the statistics) name people at
    most: no demo account's e-mail address, and no NIP or birth date of the demo employee."""
    url = _url(name, demo)
    body = _client(demo, "anonymous").get(url).content.decode()
    employee = demo.employee
    secrets = [user.email for user in demo.users.values()]
    secrets += [
        employee.nip,
        employee.birth_date.strftime("%d-%m-%Y"),
        employee.birth_date.isoformat(),
    ]
    leaked = [secret for secret in secrets if secret in body]
    assert not leaked, f"{url} shows anyone {leaked}"


# --- CSRF ---------------------------------------------------------------------------------


def csrf_refused(request, reason=""):
    """Stands in for CSRF_FAILURE_VIEW, so a 403 is known to come from the CSRF check and not
    from a role check."""
    response = HttpResponseForbidden("csrf")
    response["X-Test-Csrf-Refused"] = reason or "yes"
    return response


POST_PREFERENCE = ("applicant", "hr", "admin", *PERSONAS)
# Server-to-server endpoints that carry no session and no cookie, authenticated by an HMAC
# signature of the body instead (tests/notifications/test_gateway.py refuses forged ones).
SIGNED_NOT_CSRF = {"notifications:receipt"}
# The open-data API and downloads (Django REST framework views with no authentication): they
# read no session and write nothing, and any method but GET is a 405 in problem+json
# (tests/opendata/test_api.py), so there is no form whose token could be missing.
READ_ONLY_API = {
    name for name in EXPECT if name.startswith("opendata:api-") or name == "opendata:download"
}


def _poster(row) -> str | None:
    """Someone the access checks let through, preferably the owner, else HR, else the admin."""
    return next((p for p in POST_PREFERENCE if row.get(p) in REACHED), None)


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, row in EXPECT.items()
        if _poster(row) is not None and name not in SIGNED_NOT_CSRF | READ_ONLY_API
    ),
)
def test_it_refuses_a_post_without_a_csrf_token(demo, settings, name):
    """Every URL the access checks let a persona through: the POST-only actions (405 on GET),
    the form pages and the read-only pages alike, including views that are csrf_exempt and
    check the token themselves (document_upload)."""
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_refused"
    persona = _poster(EXPECT[name])
    client = _client(demo, persona, enforce_csrf_checks=True)
    client.get(reverse("home"))  # a real browser has the CSRF cookie; only the token is missing
    assert django_settings.CSRF_COOKIE_NAME in client.cookies
    url = _url(name, demo)
    response = client.post(url, {"confirm": "on", "published": "1", "language": "en"})
    assert response.status_code == 403, f"POST {url} as {persona}: {_describe(response)}"
    assert response.get("X-Test-Csrf-Refused") == REASON_CSRF_TOKEN_MISSING, (
        f"POST {url}: the 403 is not the CSRF check's"
    )


# --- redirects after a form ---------------------------------------------------------------


def _profile_post(demo, persona, next_url):
    from recruitment.forms.applicant import ApplicantProfileForm

    form = ApplicantProfileForm(instance=demo.users[persona].applicant_profile)
    data = {}
    for field in form.fields:
        value = form[field].value()
        data[field] = value.isoformat() if hasattr(value, "isoformat") else value
    url = f"{reverse('recruitment:profile')}?{urlencode({'next': next_url})}"
    return _client(demo, persona).post(url, data)


def test_it_follows_a_local_next_after_saving_the_applicant_profile(demo):
    next_url = reverse("recruitment:vacancy_list")
    response = _profile_post(demo, "applicant2", next_url)  # her application is a draft
    assert response.status_code == 302, _describe(response)
    assert response["Location"] == next_url


def test_it_does_not_send_the_applicant_off_site_after_saving_the_profile(demo):
    response = _profile_post(demo, "applicant2", "https://evil.example/phish")
    assert response.status_code == 302, _describe(response)
    assert url_has_allowed_host_and_scheme(
        response["Location"], allowed_hosts={"testserver"}, require_https=False
    ), f"sent to {response['Location']}"


# --- security headers ---------------------------------------------------------------------


def _viewer(row) -> str | None:
    return next((p for p in POST_PREFERENCE if row.get(p) in SERVED), None)


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.mark.parametrize(
    "name", sorted(name for name, row in EXPECT.items() if _viewer(row) is not None)
)
def test_it_sends_the_security_headers(demo, name):
    persona = _viewer(EXPECT[name])
    url = _url(name, demo)
    response = _client(demo, persona).get(url)
    assert_outcome(response, EXPECT[name][persona], url)
    assert "Content-Security-Policy" in response, url
    directives = _csp_directives(response["Content-Security-Policy"])
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, f"{url}: the CSP does not limit scripts"
    assert "'unsafe-inline'" not in scripts, f"{url}: script-src allows inline scripts"
    assert directives.get("frame-ancestors") == ["'none'"], url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response.get("Referrer-Policy"), url


def test_it_sends_hsts_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False
    secure = client.get(reverse("home"), secure=True)
    assert secure.status_code == 200
    assert re.match(r"max-age=31536000\b", secure["Strict-Transport-Security"])
    assert "includeSubDomains" in secure["Strict-Transport-Security"]
    # Browsers ignore HSTS over plain HTTP, and Django does not send it there.
    assert "Strict-Transport-Security" not in client.get(reverse("home"))


# --- allauth's pages (not ours, but on our site) ------------------------------------------

ALLAUTH = {
    "account_login": {"anonymous": 200},
    "account_signup": {"anonymous": 200},
    "account_reset_password": {"anonymous": 200, "applicant": 200},
    "account_email": {"anonymous": "login", "applicant": 200},
    "account_change_password": {"anonymous": "login", "applicant": 200},
    "account_logout": {"anonymous": 302, "applicant": 200},
}


@pytest.mark.parametrize(
    ("name", "persona"),
    [(name, persona) for name, row in ALLAUTH.items() for persona in row],
)
def test_it_guards_the_account_pages(demo, name, persona):
    url = reverse(name)
    response = _client(demo, persona).get(url)
    assert_outcome(response, ALLAUTH[name][persona], url)
    if response.status_code == 200:
        assert response["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response


# --- Django admin -------------------------------------------------------------------------

HR_CHANGELISTS = (
    "admin:workforce_employee_changelist",
    "admin:workforce_unit_changelist",
    "admin:workforce_formationproposal_changelist",
    "admin:recruitment_selectionperiod_changelist",
    "admin:recruitment_application_changelist",
)


@pytest.mark.parametrize(
    "persona", ["anonymous", "applicant", "resident", "employee", "supervisor"]
)
def test_it_sends_non_staff_to_the_admin_login(demo, persona):
    response = _client(demo, persona).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('admin:login')}?next=")


@pytest.mark.parametrize("persona", ["hr", "moderator", "admin"])
def test_it_opens_the_admin_to_back_office_roles(demo, persona):
    assert _client(demo, persona).get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("changelist", HR_CHANGELISTS)
@pytest.mark.parametrize(("persona", "expected"), [("hr", 200), ("moderator", 403), ("admin", 200)])
def test_it_opens_the_workforce_and_recruitment_admin_to_hr_only(
    demo, changelist, persona, expected
):
    response = _client(demo, persona).get(reverse(changelist))
    assert response.status_code == expected, f"{changelist} as {persona}: {_describe(response)}"


# --- two-factor sign-in for staff ---------------------------------------------------------

# Pages with personal data or back-office work, and the Django admin.
TWO_FACTOR_SAMPLE = (
    "workforce:needs_map",
    "workforce:employee_list",
    "recruitment:hr_period_list",
    "recruitment:hr_period_detail",
    "recruitment:hr_application_list",
    "recruitment:screening_period_list",
    "privacy:request_list",
    "performance:dashboard",
    "training:hr_dashboard",
    "forums:moderation_queue",
    "accounts:profile",
    "accounts:today",
)


@pytest.mark.parametrize("persona", ["hr", "verifier", "moderator", "admin"])
def test_it_sends_staff_signed_in_with_a_password_only_to_confirm_a_code(demo, persona):
    """The demo staff have an authenticator app; a session that never used it (force_login, as
    one signed in before activating) reaches none of these pages, nor the admin."""
    client = Client()
    client.handler = _HANDLERS.setdefault(False, client.handler)
    client.force_login(demo.users[persona])
    for url in [_url(name, demo) for name in TWO_FACTOR_SAMPLE] + [reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, f"{url} as {persona}: {_describe(response)}"
        assert response["Location"].startswith(f"{reverse('mfa_reauthenticate')}?next="), (
            f"{url} as {persona}: {_describe(response)}"
        )
