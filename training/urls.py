from django.urls import path

from training.views import (
    catalogue,
    delivery,
    enrolments,
    guests,
    hr,
    manage,
    onboarding,
    public,
    records,
)

app_name = "training"
urlpatterns = [
    # catalogue (training/views/catalogue.py)
    path("", catalogue.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", catalogue.programme_detail, name="programme_detail"),
    path("materials/<int:pk>/", catalogue.material_download, name="material_download"),
    path("sessions/<int:pk>/", catalogue.session_detail, name="session_detail"),
    # enrolment (training/views/enrolments.py)
    path("sessions/<int:pk>/request/", enrolments.session_request, name="session_request"),
    path("sessions/<int:pk>/enrol/", enrolments.session_enrol, name="session_enrol"),
    path("enrolments/<int:pk>/decide/", enrolments.enrolment_decide, name="enrolment_decide"),
    path("enrolments/<int:pk>/cancel/", enrolments.enrolment_cancel, name="enrolment_cancel"),
    path("team/", enrolments.team_requests, name="team_requests"),
    # running a session (training/views/delivery.py)
    path("meetings/<int:pk>/attendance/", delivery.meeting_attendance, name="meeting_attendance"),
    path("sessions/<int:pk>/results/", delivery.session_results, name="session_results"),
    # records (training/views/records.py)
    path("me/", records.my_training, name="my_training"),
    path("me/calendar.ics", records.my_calendar, name="my_calendar"),
    path("employees/<int:pk>/", records.employee_training, name="employee_training"),
    path("enrolments/<int:pk>/", records.enrolment_detail, name="enrolment_detail"),
    path(
        "enrolments/<int:pk>/certificate.pdf",
        records.certificate_pdf_view,
        name="certificate_pdf",
    ),
    path("enrolments/<int:pk>/feedback/", records.enrolment_feedback, name="enrolment_feedback"),
    # HR (training/views/hr.py)
    path("hr/", hr.hr_dashboard, name="hr_dashboard"),
    path("hr/chart/<str:dimension>.svg", hr.hr_chart, name="hr_chart"),
    path("hr/feedback/", hr.feedback_summary, name="feedback_summary"),
    path("hr/onboarding/", onboarding.onboarding, name="onboarding"),
    # HR plans the catalogue (training/views/manage.py)
    path("hr/programmes/", manage.programme_manage_list, name="programme_manage_list"),
    path("hr/programmes/new/", manage.programme_form, name="programme_create"),
    path("hr/programmes/<int:pk>/edit/", manage.programme_form, name="programme_edit"),
    path(
        "hr/programmes/<int:programme_pk>/sessions/new/",
        manage.session_form,
        name="session_create",
    ),
    path("hr/sessions/<int:pk>/edit/", manage.session_form, name="session_edit"),
    # residents invited to a session (training/views/guests.py)
    path("invitations/", guests.my_invitations, name="my_invitations"),
    # public certificate check (training/views/public.py)
    path("verify/", public.verify, name="verify"),
    path("verify/<str:code>/", public.verify_code, name="verify_code"),
]
