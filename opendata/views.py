"""The data catalogue (/data/), the downloads of each dataset (CSV for spreadsheets, JSON) and the
catalogue's DCAT metadata for harvesters (a CKAN with ckanext-dcat reads /data/catalog.jsonld)."""

import csv
import json
from datetime import date

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from core.pagecache.store import remember
from opendata.api import conditional, last_modified_at, parse_query
from opendata.datasets import Dataset, LazyRows, all_datasets
from opendata.datasets import get as get_dataset

LICENCE = "CC BY 4.0"
PUBLISHER = "Kecamatan Rakumpit, Kota Palangka Raya"


def _iter_rows(rows):
    return rows.iterate() if isinstance(rows, LazyRows) else iter(rows)


def _cell(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, cls=JSONEncoder)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class _Echo:
    def write(self, value):
        return value


def csv_lines(dataset: Dataset, rows):
    """The CSV text, a line at a time: a byte-order mark first, so that Excel reads it as UTF-8
    (the names carry Indonesian letters and the answers any text)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(dataset.field_names())
    for row in _iter_rows(rows):
        yield writer.writerow([_cell(row.get(name)) for name in dataset.field_names()])


def _filename(dataset: Dataset, extension: str) -> str:
    return f"rakumpit-{dataset.slug}-{timezone.localdate():%Y%m%d}.{extension}"


class Download(APIView):
    """/data/<slug>.csv and .json: the whole dataset (with the same filters as the API), as a
    file. Lists are kept in the cache like the API's answers; the larger ones (formations,
    results, topics) are streamed from the database in chunks."""

    @extend_schema(exclude=True)
    def get(self, request, slug: str, extension: str):
        dataset = get_dataset(slug)
        if dataset is None:
            raise exceptions.NotFound()
        filters, _page, _size = parse_query(request.query_params, dataset, paged=False)
        language = request.query_params.get("lang") or translation.get_language()
        with translation.override(language):
            key = f"opendata-file:{request.get_full_path()}:{translation.get_language()}"

            def build(pinned):
                rows = dataset.rows(filters)
                if isinstance(rows, LazyRows):
                    content = (
                        csv_lines(dataset, rows)
                        if extension == "csv"
                        else _json_lines(dataset, rows)
                    )
                    response = StreamingHttpResponse(
                        _translated(content, language), content_type=_content_type(extension)
                    )
                else:

                    def text():
                        if extension == "csv":
                            return "".join(csv_lines(dataset, rows))
                        return "".join(_json_lines(dataset, rows))

                    response = HttpResponse(
                        remember(key, dataset.apps, text, generations=pinned),
                        content_type=_content_type(extension),
                    )
                response["Content-Disposition"] = (
                    f'attachment; filename="{_filename(dataset, extension)}"'
                )
                response["X-Content-Type-Options"] = "nosniff"
                return response

            return conditional(request, dataset, build, key=key)


def _translated(lines, language):
    """A streamed file's lines are made after the view returned: in the request's language."""
    with translation.override(language):
        yield from lines


def _content_type(extension: str) -> str:
    return "text/csv; charset=utf-8" if extension == "csv" else "application/json"


def _json_lines(dataset: Dataset, rows):
    """{"dataset": ..., "licence": ..., "rows": [...]}, a row at a time."""
    head = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "licence": LICENCE,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "publisher": PUBLISHER,
        "generated_at": timezone.now().isoformat(),
    }
    yield json.dumps(head, ensure_ascii=False, cls=JSONEncoder)[:-1] + ', "rows": ['
    first = True
    for row in _iter_rows(rows):
        yield ("" if first else ",") + json.dumps(row, ensure_ascii=False, cls=JSONEncoder)
        first = False
    yield "]}"


# --- the catalogue ------------------------------------------------------------------------


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _download(dataset: Dataset, extension: str) -> str:
    return reverse("opendata:download", args=[dataset.slug, extension])


def dcat_catalogue(request) -> dict:
    """The catalogue as DCAT in JSON-LD (W3C DCAT 2; the shape ckanext-dcat harvests)."""
    datasets = []
    for dataset in all_datasets():
        modified = last_modified_at(dataset)
        distributions = [
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{dataset.title} ({label})",
                "dcat:downloadURL": {
                    "@id": _absolute(
                        request, reverse("opendata:download", args=[dataset.slug, ext])
                    )
                },
                "dcat:mediaType": media,
                "dct:format": label,
                "dct:license": {"@id": settings.OPEN_DATA_LICENCE_URL},
            }
            for ext, label, media in (
                ("csv", "CSV", "text/csv"),
                ("json", "JSON", "application/json"),
            )
        ]
        distributions.append(
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{dataset.title} (API)",
                "dcat:accessURL": {
                    "@id": _absolute(request, reverse(f"opendata:api-{dataset.slug}"))
                },
                "dcat:mediaType": "application/json",
                "dct:format": "API",
                "dct:license": {"@id": settings.OPEN_DATA_LICENCE_URL},
            }
        )
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "@id": _absolute(request, reverse("opendata:catalogue") + f"#{dataset.slug}"),
                "dct:identifier": dataset.slug,
                "dct:title": str(dataset.title),
                "dct:description": str(dataset.description),
                "dcat:keyword": list(dataset.keywords),
                "dct:language": translation.get_language(),
                "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
                "dct:license": {"@id": settings.OPEN_DATA_LICENCE_URL},
                "dct:modified": modified.isoformat() if modified else None,
                "dct:spatial": "Kecamatan Rakumpit, Kota Palangka Raya, Kalimantan Tengah",
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Catalog",
        "@id": _absolute(request, reverse("opendata:catalogue")),
        "dct:title": _("Open data of the Rakumpit ASN Portal"),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
        "dct:license": {"@id": settings.OPEN_DATA_LICENCE_URL},
        "dcat:dataset": datasets,
    }


def catalogue_jsonld(request):
    body = json.dumps(dcat_catalogue(request), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/ld+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def catalogue(request):
    """The data catalogue: every dataset with what it holds, its fields, its filters, its
    licence, when it last changed, and its downloads and API address."""
    entries = [
        {
            "dataset": dataset,
            "modified": last_modified_at(dataset),
            "api": reverse(f"opendata:api-{dataset.slug}"),
            "csv": reverse("opendata:download", args=[dataset.slug, "csv"]),
            "json": reverse("opendata:download", args=[dataset.slug, "json"]),
            "page": reverse(dataset.page) if dataset.page else "",
            "needs_filter": any(f.required for f in dataset.filters),
        }
        for dataset in all_datasets()
    ]
    # In a <script> element: "<" written as \u003c, so no text can close the element.
    jsonld = json.dumps(dcat_catalogue(request), ensure_ascii=False).replace("<", "\\u003c")
    return render(
        request,
        "opendata/catalogue.html",
        {
            "entries": entries,
            "jsonld": jsonld,
            "licence_url": settings.OPEN_DATA_LICENCE_URL,
            "min_cell": settings.OPEN_DATA_MIN_CELL,
            "today": date.today(),
            "rate": settings.OPEN_DATA_RATE_PER_MINUTE,
        },
    )


# --- the API's documentation --------------------------------------------------------------


class Schema(SpectacularAPIView):
    """The OpenAPI 3 schema, in the language of ?lang= (default: the visitor's)."""

    throttle_classes = []

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if "lang" not in request.GET:
            with translation.override(translation.get_language()):
                return super().get(request, *args, **kwargs)
        return super().get(request, *args, **kwargs)


class Docs(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files (no CDN; the split view's script is a file,
    which the Content-Security-Policy allows), on the schema in the visitor's language."""

    throttle_classes = []
    url_name = "opendata:api-schema"
    template_name = "opendata/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if "lang" not in request.GET:
            query = request.GET.copy()
            query["lang"] = translation.get_language() or settings.LANGUAGE_CODE
            request._request.GET = query
        return super().get(request, *args, **kwargs)


__all__ = ["Docs", "Download", "Schema", "catalogue", "catalogue_jsonld"]
