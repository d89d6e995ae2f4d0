"""Security headers for the public site.

The public pages load nothing from third parties and run no inline script, so they get a
strict Content-Security-Policy. Wagtail's admin (and the userbar's preview) uses inline
script and style, so paths under the admin are left to Wagtail's own defaults.
"""

from django.conf import settings

DEFAULT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Adds `Content-Security-Policy` to every response outside the admin."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)
        self.exempt_prefixes = tuple(
            getattr(settings, "CONTENT_SECURITY_POLICY_EXEMPT_PREFIXES", ("/admin/",))
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and not request.path.startswith(self.exempt_prefixes):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
