from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from search.web.sitemaps import SITEMAPS

# Says which upload limit a refused request broke (arshif/limits.py).
handler400 = "arshif.limits.bad_request"

# The admin says whose it is, in the editor's language, and links back to the public site.
admin.site.site_header = _("Arshif administration")
admin.site.site_title = _("Arshif administration")
admin.site.index_title = _("The archive's content and imports")
admin.site.site_url = reverse_lazy("search:home")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("", include("search.web.urls")),
    path("", include("search.web.article_urls")),
]
