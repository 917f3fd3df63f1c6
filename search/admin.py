from django.contrib import admin

from search.models import IndexTask


@admin.register(IndexTask)
class IndexTaskAdmin(admin.ModelAdmin):
    """Read-only view of what the index writer has still to apply."""

    list_display = ["article_id", "created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
