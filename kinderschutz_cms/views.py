"""Non-page views of the site: the search."""

from django.template.response import TemplateResponse
from django.utils.http import urlencode
from wagtail.models import Site

from . import search as site_search


def search(request):
    """/suche/?q=…[&kind=news&page=2]: hits grouped by kind; one kind paginated.

    Any input gives a page: an empty, overlong or odd query just finds less.
    """
    query = site_search.clean_query(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")[:30]
    site = Site.find_for_request(request)
    groups = site_search.search_site(query, site, kind=kind, page_number=request.GET.get("page"))
    selected = next((group for group in groups if group.key == kind), None)
    context = {
        "search_query": query,
        "groups": groups,
        "promotions": site_search.promotions(query, site),
        "total": sum(group.count for group in groups),
        "selected_group": selected,
        "results_page": selected.results_page if selected else None,
        "pagination_query": urlencode({"q": query, "kind": kind}),
        "max_query_length": site_search.MAX_QUERY_LENGTH,
    }
    return TemplateResponse(request, "kinderschutz_cms/search/search.html", context)
