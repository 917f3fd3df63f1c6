from django.urls import path

from search.web import articles as views

app_name = "archive"

urlpatterns = [
    path("articles/<int:pk>/", views.article_page, name="article"),
    path("articles/<int:pk>/<str:slug>/", views.article_page, name="article-slug"),
    path("api/articles/<int:pk>", views.article_api, name="article-api"),
]
