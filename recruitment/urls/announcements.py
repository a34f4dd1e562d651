"""Recruitment II URLs: announcements, appeals (sanggah), exam sessions and exam cards (included
by recruitment/urls.py in the app namespace)."""

from django.urls import path

from recruitment.views import announcements, appeals, exams

urlpatterns = [
    # public announcement pages
    path("announcements/", announcements.announcement_index, name="announcement_index"),
    path(
        "announcements/periods/<int:pk>/",
        announcements.announcement_list,
        name="announcement_list",
    ),
    path("announcements/<int:pk>/", announcements.announcement_detail, name="announcement_detail"),
    path(
        "announcements/<int:pk>/announcement.pdf",
        announcements.announcement_download,
        name="announcement_pdf",
    ),
    # HR: publish each stage
    path(
        "hr/periods/<int:pk>/announcements/",
        announcements.hr_announcements,
        name="hr_announcements",
    ),
    path(
        "hr/periods/<int:pk>/announcements/<slug:kind>/publish/",
        announcements.hr_announcement_publish,
        name="hr_announcement_publish",
    ),
    # appeals
    path("applications/<int:pk>/appeal/", appeals.appeal_create, name="appeal_create"),
    path("hr/periods/<int:pk>/appeals/", appeals.hr_appeal_list, name="hr_appeal_list"),
    path("hr/appeals/<int:pk>/", appeals.hr_appeal_answer, name="hr_appeal_answer"),
    # exam sessions and the exam card
    path(
        "hr/periods/<int:pk>/exam-sessions/",
        exams.hr_exam_session_list,
        name="hr_exam_session_list",
    ),
    path(
        "hr/periods/<int:pk>/exam-sessions/new/",
        exams.hr_exam_session_create,
        name="hr_exam_session_create",
    ),
    path(
        "hr/periods/<int:pk>/exam-sessions/assign/",
        exams.hr_exam_sessions_assign,
        name="hr_exam_sessions_assign",
    ),
    path(
        "hr/exam-sessions/<int:pk>/edit/", exams.hr_exam_session_edit, name="hr_exam_session_edit"
    ),
    path(
        "hr/exam-sessions/<int:pk>/delete/",
        exams.hr_exam_session_delete,
        name="hr_exam_session_delete",
    ),
    path("applications/<int:pk>/exam-card.pdf", exams.exam_card, name="exam_card"),
]
