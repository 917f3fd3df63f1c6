from django.urls import path

from search.web import entity_views, exports, views
from search.web.feeds import SearchFeed

app_name = "search"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="results"),
    path("search/export.csv", exports.export_csv, name="export-csv"),
    path("search/export.jsonl", exports.export_jsonl, name="export-jsonl"),
    path("search/feed.atom", SearchFeed(), name="feed"),
    path("api/search", views.search_api, name="api"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("entities/<str:kind>/<slug:key>/", entity_views.entity_page, name="entity"),
]
