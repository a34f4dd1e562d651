"""/api/v1/ (the public API, its schema and docs), /data/ (the catalogue and the downloads) and
/data/reports/ (the leadership report, for HR)."""

from django.urls import include, path, re_path

from opendata import api, views
from opendata.datasets import all_datasets

app_name = "opendata"

# Each dataset's list, plus a detail view for those whose rows have an id of their own.
DETAILS = {
    "periods": ("period", api.DatasetDetail),
    "formations": ("formation", api.DatasetDetail),
    "announcements": ("announcement", api.AnnouncementDetail),
    "forum-topics": ("topic", api.DatasetDetail),
}

api_patterns = [
    path("", api.ApiRoot.as_view(), name="api-root"),
    path("schema/", views.Schema.as_view(), name="api-schema"),
    path("docs/", views.Docs.as_view(), name="api-docs"),
    path(
        "announcements/<int:announcement>/results/",
        api.list_view(
            "announcement-results",
            fixed_from_url={"announcement": "announcement"},
            path_parameter="announcement",
        ),
        name="api-announcement-rows",
    ),
]
for _dataset in all_datasets():
    api_patterns.append(
        path(f"{_dataset.slug}/", api.list_view(_dataset.slug), name=f"api-{_dataset.slug}")
    )
    if _dataset.slug in DETAILS:
        _lookup, _base = DETAILS[_dataset.slug]
        api_patterns.append(
            path(
                f"{_dataset.slug}/<int:pk>/",
                api.detail_view(_dataset.slug, _lookup, _base),
                name=f"api-{_dataset.slug}-detail",
            )
        )
api_patterns.append(re_path(r"^(?P<rest>.+)$", api.not_found, name="api-not-found"))

urlpatterns = [
    path("api/v1/", include(api_patterns)),
    path("data/", views.catalogue, name="catalogue"),
    path("data/catalog.jsonld", views.catalogue_jsonld, name="catalogue-jsonld"),
    path("data/reports/", include("opendata.report_urls")),
    re_path(
        r"^data/(?P<slug>[a-z-]+)\.(?P<extension>csv|json)$",
        views.Download.as_view(),
        name="download",
    ),
]
