"""Pages of a long list, for views that show more than one paginated list on a page."""

from django.core.paginator import Paginator


def querystring_without(request, *params: str) -> str:
    """The request's query string without `params`: the pager appends its own."""
    query = request.GET.copy()
    for param in params:
        query.pop(param, None)
    return query.urlencode()


def page_of(request, rows, per_page: int, param: str = "page"):
    """The page of `rows` that `param` of the query string asks for (the last one when it is
    past the end, the first when it is not a number)."""
    return Paginator(rows, per_page).get_page(request.GET.get(param))
