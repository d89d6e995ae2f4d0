import re
from pathlib import Path

from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("kinderschutz_cms.site_urls")),
]

# Image renditions (the only uploads a public page shows as files) come from the
# application itself, so the documented deployment (a proxy passing everything to
# gunicorn, docs/deployment.md) shows them; a proxy may serve MEDIA_ROOT/images/ itself
# instead. Original uploads and documents stay out: documents go through Wagtail's view.
# Names of renditions change with the image or its filter, so they may be cached for a day.
if not settings.DEBUG:
    urlpatterns += [
        re_path(
            r"^" + re.escape(settings.MEDIA_URL.lstrip("/")) + r"images/(?P<path>.+)$",
            cache_control(public=True, max_age=86400)(serve),
            {"document_root": Path(settings.MEDIA_ROOT) / "images"},
        )
    ]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
