from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from search.entities.retag import retag_for_entity
from search.models import Entity, IndexTask


@admin.register(IndexTask)
class IndexTaskAdmin(admin.ModelAdmin):
    """Read-only view of what the index writer has still to apply."""

    list_display = ["article_id", "created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    """Gazetteer entries. Saving one re-tags the articles that may name it."""

    list_display = ["name_en", "name_ar", "kind", "key", "article_count"]
    list_filter = ["kind"]
    search_fields = ["key", "name_ar", "name_en", "aliases"]
    readonly_fields = ["updated"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_article_counts()

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, entity):
        return entity.article_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = retag_for_entity(obj)
        self.message_user(
            request,
            ngettext(
                "Re-tagged: %(n)d article changed.", "Re-tagged: %(n)d articles changed.", changed
            )
            % {"n": changed},
            messages.SUCCESS,
        )
