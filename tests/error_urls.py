"""A URL configuration for tests only: the site's, plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from arshif.urls import handler400
from arshif.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "urlpatterns"]


def broken(request):
    raise RuntimeError("a view that fails, for the 500 page")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-only/broken/", broken),
    path("test-only/forbidden/", forbidden),
    *site_urlpatterns,
]
