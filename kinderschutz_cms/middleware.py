"""Security headers and the language of the public site.

The public pages load nothing from third parties and run no inline script, so they get a
strict Content-Security-Policy. Wagtail's admin (and the userbar's preview) uses inline
script and style, so paths under the admin are left to Wagtail's own defaults.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import conf


class ContentSecurityPolicyMiddleware:
    """Adds `Content-Security-Policy` to every response outside the admin."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = conf.get("CONTENT_SECURITY_POLICY")
        self.exempt_prefixes = tuple(conf.get("CONTENT_SECURITY_POLICY_EXEMPT_PREFIXES"))

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and not request.path.startswith(self.exempt_prefixes):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class SiteLanguageMiddleware:
    """Activates German, or the language the visitor chose with the language switch.

    Replaces Django's LocaleMiddleware, which would follow the browser's Accept-Language
    and put an English frame around German content (WCAG 3.1.1). The choice is the cookie
    Django's `set_language` view sets (the switch in the header posts to it); the admin
    uses each user's own preference (Wagtail's account settings).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def language_for(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        return chosen if chosen in self.languages else settings.LANGUAGE_CODE

    def __call__(self, request):
        translation.activate(self.language_for(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class SiteFromCacheMiddleware:
    """Finds the request's Wagtail Site in the frame cache (kinderschutz_cms.frame), so
    that serving a page does not query the sites table every time. Place it after
    CommonMiddleware (which checks the host name against ALLOWED_HOSTS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .frame import site_for_request

        site_for_request(request)
        return self.get_response(request)
