from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from search.entities import jobs
from search.models import Entity, EntityRetag, IndexTask

# Fields whose change alters which articles name an entity.
NAME_FIELDS = {"name_ar", "name_en", "aliases"}


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
    """Gazetteer entries. Saving new names queues a re-tagging of the articles that may name
    the entity, run by the worker; its progress shows in the list and on the entity."""

    list_display = ["name_en", "name_ar", "kind", "key", "article_count", "retagging"]
    list_filter = ["kind"]
    search_fields = ["key", "name_ar", "name_en", "aliases"]
    readonly_fields = ["updated", "retagging"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_article_counts()

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, entity):
        return entity.article_count

    @admin.display(description=_("re-tagging"))
    def retagging(self, entity):
        if entity.pk is None:
            return ""
        job = EntityRetag.objects.filter(entity=entity).order_by("-id").first()
        return jobs.progress(job)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not NAME_FIELDS & set(form.changed_data):
            return
        jobs.schedule(obj)
        url = reverse("admin:search_entity_change", args=[obj.pk])
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("The articles that may name it are re-tagged in the background by the worker."),
                url,
                _("See the progress."),
            ),
            messages.INFO,
        )
