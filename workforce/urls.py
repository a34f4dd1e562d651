from django.urls import path

from workforce.views import employees, messages, needs, proposals

app_name = "workforce"
urlpatterns = [
    # needs map, units, ABK, public summary
    path("needs/", needs.needs_map, name="needs_map"),
    path("needs/export.xlsx", needs.needs_export, name="needs_export"),
    path("needs/chart/<str:dimension>.svg", needs.needs_chart, name="needs_chart"),
    path("units/<int:pk>/", needs.unit_detail, name="unit_detail"),
    path("units/<int:pk>/message/", messages.unit_message, name="unit_message"),
    path("abk/<int:position_pk>/<int:year>/", needs.abk_edit, name="abk_edit"),
    path("summary/", needs.public_summary, name="public_summary"),
    # formation proposals (workforce/views/proposals.py)
    path("proposals/", proposals.proposal_list, name="proposal_list"),
    path("proposals/new/", proposals.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposals.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/decide/", proposals.proposal_decide, name="proposal_decide"),
    # employee register (workforce/views/employees.py)
    path("employees/", employees.employee_list, name="employee_list"),
    path("employees/export.xlsx", employees.employee_export, name="employee_export"),
]
