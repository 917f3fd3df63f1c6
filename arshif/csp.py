"""Content-Security-Policy header on every response Django makes.

A few lines rather than django-csp: the policy is one fixed string (no nonces or hashes are
needed, since no page has inline script or style), so a package would add settings and
decorators without adding protection. A view that needs another policy sets the header itself
and this leaves it alone.
"""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
