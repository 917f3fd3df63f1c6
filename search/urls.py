from django.urls import path

from search import entity_views, views

app_name = "search"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="results"),
    path("api/search", views.search_api, name="api"),
    path("entities/<str:kind>/<slug:key>/", entity_views.entity_page, name="entity"),
]
