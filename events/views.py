"""Calendar files answered before Wagtail routes the request (see `events.feed_cache`)."""

from wagtail.views import serve

from .feeds import cached_response


def calendar_file(request, path):
    """A path ending in `ical/`: the cached answer if there is one, else Wagtail's page
    serving as for any other path (which stores the answer for the next time)."""
    if request.method in ("GET", "HEAD"):
        response = cached_response(request)
        if response is not None:
            return response
    return serve(request, path)
