"""The public API (/api/v1/): read-only views over the datasets of opendata.catalogue, built on
Django REST framework (docs/opendata.md says why).

Every answer is fit for machines: the query is checked against the dataset's filters (anything
else is a 400 in RFC 9457 problem+json saying what is wrong), lists are paged, answers carry an
ETag and a Last-Modified time made from the page cache's generations of the apps they show (a
conditional GET costs no query), are kept in the cache until those apps change, and every
address may make OPEN_DATA_RATE_PER_MINUTE requests a minute (then 429 with Retry-After)."""

import hashlib
import re
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagecache import generations
from core.pagecache.store import remember
from opendata.datasets import Dataset, LazyRows
from opendata.datasets import get as get_dataset
from opendata.policies import BadQuery

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
COMMON_PARAMETERS = ("page", "page_size", "lang")
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
_INTEGER = re.compile(r"^[0-9]{1,9}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")


# --- rate limit and errors ----------------------------------------------------------------


class ApiRoot(APIView):
    """/api/v1/: where everything is, for a program that starts here."""

    @extend_schema(exclude=True)
    def get(self, request):
        from opendata.datasets import all_datasets

        def absolute(name, *args):
            return request.build_absolute_uri(reverse(name, args=args))

        return Response(
            {
                "title": str(settings.SPECTACULAR_SETTINGS["TITLE"]),
                "licence": "CC BY 4.0",
                "documentation": absolute("opendata:api-docs"),
                "schema": absolute("opendata:api-schema"),
                "catalogue": absolute("opendata:catalogue"),
                "datasets": {
                    dataset.slug: absolute(f"opendata:api-{dataset.slug}")
                    for dataset in all_datasets()
                },
            }
        )


def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: a 404 in problem+json."""
    return _NotFound.as_view()(request)


class _NotFound(APIView):
    throttle_classes = []

    @extend_schema(exclude=True)
    def get(self, request):
        raise exceptions.NotFound()


# --- the query ----------------------------------------------------------------------------


def parse_query(query, dataset: Dataset, *, fixed: dict | None = None, paged: bool = True):
    """(filters, page, page_size) from the query string, or BadQuery naming each parameter that
    is unknown, repeated, of the wrong type or out of range, and each required one missing."""
    fixed = fixed or {}
    filters_by_name = {f.name: f for f in dataset.filters if f.name not in fixed}
    allowed = set(filters_by_name) | {"lang"} | ({"page", "page_size"} if paged else set())
    errors: dict[str, str] = {}
    values: dict = dict(fixed)
    for name in query:
        if name not in allowed:
            errors[name] = _("Unknown parameter. Allowed: %(names)s.") % {
                "names": ", ".join(sorted(allowed))
            }
            continue
        given = query.getlist(name)
        if len(given) > 1:
            errors[name] = _("Give this parameter once.")
            continue
        raw = given[0].strip()
        if name == "lang":
            if raw not in LANGUAGES:
                errors[name] = _("One of: %(choices)s.") % {"choices": ", ".join(LANGUAGES)}
            continue
        if name in ("page", "page_size"):
            if not _INTEGER.match(raw) or int(raw) < 1:
                errors[name] = _("A whole number from 1.")
            elif name == "page_size" and int(raw) > MAX_PAGE_SIZE:
                errors[name] = _("At most %(max)d rows a page.") % {"max": MAX_PAGE_SIZE}
            continue
        definition = filters_by_name[name]
        if raw == "":
            continue
        if definition.type == "integer":
            if not _INTEGER.match(raw) or not 1 <= int(raw) <= definition.maximum:
                errors[name] = _("A whole number from 1 to %(max)d.") % {"max": definition.maximum}
            else:
                values[name] = int(raw)
        elif definition.type == "choice":
            if raw not in definition.choices:
                errors[name] = _("One of: %(choices)s.") % {
                    "choices": ", ".join(definition.choices)
                }
            else:
                values[name] = raw
        elif not _CODE.match(raw):
            errors[name] = _("Letters, digits and hyphens only (at most 60).")
        else:
            values[name] = raw
    for definition in filters_by_name.values():
        if definition.required and definition.name not in values and definition.name not in errors:
            errors[definition.name] = _("This parameter is required.")
    if errors:
        raise BadQuery(errors)
    page = int(query.get("page") or 1)
    page_size = int(query.get("page_size") or PAGE_SIZE)
    return values, page, page_size


# --- freshness ----------------------------------------------------------------------------


def validators(request, dataset: Dataset):
    """(ETag, Last-Modified, generations) of this answer: the generations of the dataset's apps
    (moved on by every committed change), the path, the query and the language. None when the
    cache cannot say (it is down): the answer is then neither validated nor kept."""
    found = generations.current(dataset.apps)
    if any(g is None for g in found):
        return None, None, None
    raw = "|".join(
        [request.path, request.META.get("QUERY_STRING", ""), translation.get_language() or ""]
        + [str(g) for g in found]
    )
    etag = '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
    last_modified = int(max(found) // 1_000_000_000)
    return etag, last_modified, tuple(found)


def last_modified_at(dataset: Dataset) -> datetime | None:
    """When the dataset's apps last changed, as far as the cache knows (the catalogue shows it)."""
    found = generations.current(dataset.apps)
    if any(g is None for g in found):
        return None
    return datetime.fromtimestamp(max(found) / 1e9, tz=UTC)


def conditional(request, dataset: Dataset, build, *, key: str):
    """The response `build(data)` makes from the answer `compute` gives, validated and kept:
    304 when the client's ETag (or date) is still current, else the answer from the cache or
    computed."""
    etag, modified, pinned = validators(request, dataset)
    if etag is not None:
        not_modified = get_conditional_response(request, etag=etag, last_modified=modified)
        if not_modified is not None:
            not_modified["ETag"] = etag
            patch_vary_headers(not_modified, ("Accept-Language", "Cookie"))
            return not_modified
    response = build(pinned)
    if etag is not None and response.status_code == 200:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def rows_page(rows, page: int, page_size: int):
    """(count, the page's rows) of a list or LazyRows; BadQuery for a page past the last."""
    count = rows.count() if isinstance(rows, LazyRows) else len(rows)
    last = max(1, -(-count // page_size))
    if page > last:
        raise BadQuery(
            {
                "page": _("There are %(last)d pages of %(size)d rows.")
                % {"last": last, "size": page_size}
            }
        )
    start = (page - 1) * page_size
    if isinstance(rows, LazyRows):
        return count, rows.slice(start, start + page_size)
    return count, rows[start : start + page_size]


def _page_url(request, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


# --- views --------------------------------------------------------------------------------


class DatasetList(APIView):
    """One dataset's rows, a page at a time."""

    dataset_slug = ""
    fixed_from_url: dict = {}  # URL keyword -> filter (the nested announcement results)

    def get(self, request, **kwargs):
        dataset = get_dataset(self.dataset_slug)
        fixed = {name: kwargs[url_kw] for url_kw, name in self.fixed_from_url.items()}
        filters, page, page_size = parse_query(request.query_params, dataset, fixed=fixed)
        with translation.override(request.query_params.get("lang") or translation.get_language()):

            def compute():
                count, results = rows_page(dataset.rows(filters), page, page_size)
                last = max(1, -(-count // page_size))
                return {
                    "count": count,
                    "page": page,
                    "pages": last,
                    "next": _page_url(request, page + 1) if page < last else None,
                    "previous": _page_url(request, page - 1) if page > 1 else None,
                    "results": results,
                }

            key = _key(request)

            def build(pinned):
                # The JSON itself is kept: a hit is one cache read, no rows rebuilt or encoded.
                body = remember(key, dataset.apps, lambda: _json(compute()), generations=pinned)
                return HttpResponse(body, content_type="application/json")

            return conditional(request, dataset, build, key=key)


def _key(request) -> str:
    """The cache key of an answer: its host (the links in it), path, query and language."""
    return f"opendata:{request.get_host()}{request.get_full_path()}:{translation.get_language()}"


def _json(data) -> bytes:
    return JSONRenderer().render(data)


class DatasetDetail(APIView):
    """One row of a dataset, by its id (the `lookup` filter): 404 when there is none."""

    dataset_slug = ""
    lookup = ""

    def get(self, request, pk: int):
        dataset = get_dataset(self.dataset_slug)
        filters, _page, _size = parse_query(
            request.query_params, dataset, fixed={self.lookup: pk}, paged=False
        )
        with translation.override(request.query_params.get("lang") or translation.get_language()):
            key = _key(request)

            def compute():
                rows = dataset.rows(filters)
                found = rows.slice(0, 1) if isinstance(rows, LazyRows) else rows[:1]
                return _json(self.decorate(request, found[0])) if found else None

            def build(pinned):
                body = remember(key, dataset.apps, compute, generations=pinned)
                if body is None:
                    raise exceptions.NotFound()
                return HttpResponse(body, content_type="application/json")

            return conditional(request, dataset, build, key=key)

    def decorate(self, request, row: dict) -> dict:
        return row


class AnnouncementDetail(DatasetDetail):
    def decorate(self, request, row):
        return {
            **row,
            "results": request.build_absolute_uri(
                reverse("opendata:api-announcement-rows", args=[row["id"]])
            ),
        }


# --- the schema ---------------------------------------------------------------------------

_FIELD_TYPES = {
    "integer": lambda **kw: serializers.IntegerField(**kw),
    "number": lambda **kw: serializers.DecimalField(max_digits=12, decimal_places=4, **kw),
    "string": lambda **kw: serializers.CharField(**kw),
    "boolean": lambda **kw: serializers.BooleanField(**kw),
    "date": lambda **kw: serializers.DateField(**kw),
    "date-time": lambda **kw: serializers.DateTimeField(**kw),
    "array": lambda **kw: serializers.ListField(child=serializers.DictField(), **kw),
}
_FILTER_TYPES = {"integer": OpenApiTypes.INT, "code": OpenApiTypes.STR, "choice": OpenApiTypes.STR}


_ROW_CLASSES: dict[str, type] = {}


def row_serializer(dataset: Dataset, **kwargs):
    """The schema of one row of the dataset: one serializer class per dataset, shared by its
    list and detail views (one component in the schema, not two of the same name)."""
    if dataset.slug not in _ROW_CLASSES:
        name = "".join(part.title() for part in re.split(r"[-_]", dataset.slug)) + "Row"
        fields = {
            f.name: _FIELD_TYPES[f.type](help_text=f.description, allow_null=f.nullable)
            for f in dataset.fields
        }
        _ROW_CLASSES[dataset.slug] = type(name, (serializers.Serializer,), fields)
    return _ROW_CLASSES[dataset.slug](**kwargs)


PROBLEM = inline_serializer(
    name="Problem",
    fields={
        "type": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.CharField(),
            required=False,
            help_text=gettext_lazy("For a bad query: each parameter and what is wrong with it."),
        ),
    },
)


def _parameters(dataset: Dataset, *, fixed=(), paged=True):
    parameters = [
        OpenApiParameter(
            f.name,
            _FILTER_TYPES[f.type],
            OpenApiParameter.QUERY,
            required=f.required,
            description=f.description,
            enum=list(f.choices) or None,
        )
        for f in dataset.filters
        if f.name not in fixed
    ]
    if paged:
        parameters += [
            OpenApiParameter(
                "page", OpenApiTypes.INT, description=gettext_lazy("Page number, from 1.")
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=gettext_lazy("Rows a page (default 100, at most 1000)."),
            ),
        ]
    parameters.append(
        OpenApiParameter(
            "lang",
            OpenApiTypes.STR,
            enum=list(LANGUAGES),
            description=gettext_lazy("Language of the names and labels (default: Indonesian)."),
        )
    )
    return parameters


ERRORS = {400: PROBLEM, 404: PROBLEM, 429: PROBLEM}


def list_view(slug: str, *, fixed_from_url: dict | None = None, path_parameter: str = ""):
    """The list view of one dataset, with its OpenAPI description."""
    dataset = get_dataset(slug)
    fixed = dict(fixed_from_url or {})
    page = inline_serializer(
        name="".join(part.title() for part in re.split(r"[-_]", slug))
        + ("Nested" if fixed else "")
        + "Page",
        fields={
            "count": serializers.IntegerField(help_text=gettext_lazy("Rows in all pages.")),
            "page": serializers.IntegerField(),
            "pages": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": row_serializer(dataset, many=True),
        },
    )
    parameters = _parameters(dataset, fixed=fixed.values())
    if path_parameter:
        parameters.insert(
            0, OpenApiParameter(path_parameter, OpenApiTypes.INT, OpenApiParameter.PATH)
        )
    schema = extend_schema(
        operation_id=slug.replace("-", "_") + ("_nested" if fixed else "") + "_list",
        summary=dataset.title,
        description=dataset.description,
        parameters=parameters,
        responses={200: page, **ERRORS},
        tags=[slug],
    )

    # A function of its own for each view: extend_schema marks the function it decorates.
    def get(self, request, **kwargs):
        return DatasetList.get(self, request, **kwargs)

    view = type(
        f"{slug}-list",
        (DatasetList,),
        {"dataset_slug": slug, "fixed_from_url": fixed, "get": schema(get)},
    )
    return view.as_view()


def detail_view(slug: str, lookup: str, base=DatasetDetail):
    dataset = get_dataset(slug)
    serializer = row_serializer(dataset)
    if base is AnnouncementDetail:
        serializer = inline_serializer(
            name="AnnouncementDetail",
            fields={
                **{
                    f.name: _FIELD_TYPES[f.type](help_text=f.description, allow_null=f.nullable)
                    for f in dataset.fields
                },
                "results": serializers.URLField(),
            },
        )
    schema = extend_schema(
        operation_id=slug.replace("-", "_") + "_retrieve",
        summary=dataset.title,
        parameters=[
            OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH),
            *_parameters(dataset, fixed=(lookup,), paged=False)[-1:],
        ],
        responses={200: serializer, **ERRORS},
        tags=[slug],
    )

    def get(self, request, pk: int):
        return base.get(self, request, pk)

    view = type(
        f"{slug}-detail",
        (base,),
        {"dataset_slug": slug, "lookup": lookup, "get": schema(get)},
    )
    return view.as_view()
