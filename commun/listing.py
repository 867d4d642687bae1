"""A filtered, paginated list of a parent's screen: an invalid filter shows nothing (and says why beside the
field), a page number out of range shows the last page, and the links keep the filter."""

from django.core.paginator import Page, Paginator


def filtered_page(filterset, params, *, per_page: int) -> tuple[Page, str, int]:
    """The page asked for in `params` (a QueryDict), the query string of the filter without the page, and the
    HTTP status: 400 when the filter is invalid."""
    invalid = filterset.is_bound and not filterset.is_valid()
    queryset = filterset.queryset.none() if invalid else filterset.qs
    page = Paginator(queryset, per_page).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return page, query.urlencode(), 400 if invalid else 200
