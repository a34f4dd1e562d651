from django.urls import path

from performance.views import dashboard, employee, resolve, supervisor

app_name = "performance"
urlpatterns = [
    # the employee (performance/views/employee.py)
    path("", employee.mine, name="mine"),
    path("skp/<int:pk>/", employee.skp_detail, name="skp_detail"),
    path("skp/<int:pk>/agree/", employee.skp_agree_view, name="skp_agree"),
    path("reviews/<int:pk>/", employee.review_detail, name="review_detail"),
    path("reviews/<int:pk>/acknowledge/", employee.review_acknowledge, name="review_acknowledge"),
    path("reviews/<int:pk>/object/", employee.objection_file, name="objection_file"),
    path("coaching/<int:pk>/", employee.coaching_detail, name="coaching_detail"),
    # the supervisor (performance/views/supervisor.py)
    path("team/", supervisor.team, name="team"),
    path("team/<int:employee_pk>/skp/<int:year>/", supervisor.skp_edit, name="skp_edit"),
    path(
        "skp/<int:skp_pk>/review/<int:checkpoint_pk>/", supervisor.review_edit, name="review_edit"
    ),
    path(
        "skp/<int:skp_pk>/review/<int:checkpoint_pk>/confirm/",
        supervisor.review_confirm,
        name="review_confirm",
    ),
    path("coaching/follow-ups/<int:pk>/", supervisor.followup_record, name="followup_record"),
    # objections and corrections (performance/views/resolve.py)
    path("objections/", resolve.objection_list, name="objection_list"),
    path("reviews/<int:pk>/resolve/", resolve.objection_resolve, name="objection_resolve"),
    path("reviews/<int:pk>/correct/", resolve.review_correct, name="review_correct"),
    # HR's dashboard (performance/views/dashboard.py)
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/chart/<str:dimension>.svg", dashboard.dashboard_chart, name="dashboard_chart"),
    path("dashboard/export.xlsx", dashboard.dashboard_export, name="dashboard_export"),
    path("dashboard/e-kinerja.xlsx", dashboard.ekinerja_export, name="ekinerja_export"),
]
