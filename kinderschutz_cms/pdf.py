"""PDF documents (certificates, signing receipts) rendered from HTML templates.

WeasyPrint lays out HTML and CSS with Debian's Pango; editors adapt the HTML templates,
not a PDF API. A document may only load what is already on this machine: `data:` URIs
and files below MEDIA_ROOT or the static directories. Every other address (http, ftp, a
file elsewhere) is refused, so a template or an uploaded text can neither reach the
internet nor read arbitrary files of the server.

    from kinderschutz_cms.pdf import render_pdf, file_url
    pdf_bytes = render_pdf("events/certificate.html", {"logo": file_url(image.file.path)})
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def allowed_roots():
    """Directories a PDF may read files from: media, collected static files, app statics."""
    roots = [settings.MEDIA_ROOT, getattr(settings, "STATIC_ROOT", None)]
    roots += list(getattr(settings, "STATICFILES_DIRS", []))
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.append(getattr(storage, "location", None))
    return [Path(root).resolve() for root in roots if root]


def file_url(path):
    """The `file://` URL of a local file, for `<img src>` in a PDF template."""
    return Path(path).resolve().as_uri()


def static_file_url(name):
    """The `file://` URL of a static file (e.g. "members/img/logo.png"), or "" if unknown."""
    found = finders.find(name)
    return file_url(found) if found else ""


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves `data:` URIs and files below the allowed roots; refuses the rest."""

        def __init__(self):
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self._roots = allowed_roots()

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in self._roots):
                    raise ValueError(f"PDF may not read {path}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def html_to_pdf(html):
    """PDF bytes of an HTML document (A4 unless its CSS says otherwise), local files only."""
    from weasyprint import HTML  # imported late: Pango is loaded only when a PDF is made

    return HTML(string=html, base_url=None, url_fetcher=_fetcher_class()()).write_pdf()


def render_pdf(template_name, context=None, request=None):
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context or {}, request=request))
