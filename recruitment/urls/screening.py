"""Recruitment II URLs: screening (included by recruitment/urls.py in the app namespace)."""

from django.urls import path

from recruitment.views import screening

urlpatterns = [
    path("screening/", screening.screening_period_list, name="screening_period_list"),
    path("screening/periods/<int:pk>/", screening.screening_period, name="screening_period"),
    path(
        "screening/periods/<int:pk>/assignments/",
        screening.screening_assignments,
        name="screening_assignments",
    ),
    path(
        "screening/assignments/<int:pk>/remove/",
        screening.screening_assignment_remove,
        name="screening_assignment_remove",
    ),
    path("screening/formations/<int:pk>/", screening.screening_queue, name="screening_queue"),
    path(
        "screening/applications/<int:pk>/",
        screening.screening_application,
        name="screening_application",
    ),
    path(
        "screening/applications/<int:pk>/confirm/",
        screening.screening_confirm,
        name="screening_confirm",
    ),
    path(
        "screening/applications/<int:pk>/return/",
        screening.screening_return,
        name="screening_return",
    ),
    path(
        "screening/applications/<int:pk>/recheck/",
        screening.screening_recheck,
        name="screening_recheck",
    ),
    path(
        "screening/applications/<int:pk>/priority-group/",
        screening.screening_priority_group,
        name="screening_priority_group",
    ),
    path(
        "screening/applications/<int:pk>/correction/",
        screening.screening_correction,
        name="screening_correction",
    ),
]
