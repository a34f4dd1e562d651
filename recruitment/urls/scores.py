"""Recruitment II URLs: scores, ranking, merit list, optimisation and appointments (included by
recruitment/urls.py in the app namespace; views in recruitment/views/scores.py)."""

from django.urls import path

from recruitment.views import appointments, scores

urlpatterns = [
    path("hr/periods/<int:pk>/scores/", scores.scores_home, name="scores_home"),
    path("hr/periods/<int:pk>/scores/import/", scores.scores_import, name="scores_import"),
    path("hr/periods/<int:pk>/scores/ranking/", scores.ranking_compute, name="ranking_compute"),
    path("hr/periods/<int:pk>/scores/skd-reuse/", scores.skd_reuse_apply, name="skd_reuse_apply"),
    path("hr/periods/<int:pk>/scores/merit/", scores.merit_list, name="merit_list"),
    path("hr/periods/<int:pk>/scores/merit.xlsx", scores.merit_export, name="merit_export"),
    path("hr/periods/<int:pk>/scores/optimisation/", scores.optimisation, name="optimisation"),
    path(
        "hr/periods/<int:pk>/scores/optimisation/propose/",
        scores.optimisation_propose,
        name="optimisation_propose",
    ),
    path("hr/periods/<int:pk>/appointments/", appointments.appointments, name="appointments"),
    path(
        "hr/applications/<int:pk>/appointment/decline/",
        appointments.appointment_decline,
        name="appointment_decline",
    ),
    path(
        "hr/appointments/<int:pk>/cancel/",
        appointments.appointment_cancel,
        name="appointment_cancel",
    ),
    path("hr/score-imports/<int:pk>/", scores.scores_import_detail, name="scores_import_detail"),
    path(
        "hr/score-imports/<int:pk>/apply/",
        scores.scores_import_apply,
        name="scores_import_apply",
    ),
    path("hr/applications/<int:pk>/scores/", scores.scores_edit, name="scores_edit"),
    path(
        "hr/optimisation-offers/<int:pk>/decide/",
        scores.optimisation_decide,
        name="optimisation_decide",
    ),
]
