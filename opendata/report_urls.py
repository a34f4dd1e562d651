"""The leadership report's pages (HR), under /data/reports/ in the opendata namespace."""

from django.urls import path, re_path

from opendata import report_views

urlpatterns = [
    path("", report_views.report_list, name="report_list"),
    path("generate/", report_views.report_generate, name="report_generate"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<extension>pdf|xlsx)/$",
        report_views.report_download,
        name="report_download",
    ),
]
