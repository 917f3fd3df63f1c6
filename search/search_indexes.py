"""What the search index holds for each article (derived from the database, rebuildable)."""

from haystack import indexes

from archive.models import Article
from search.models import Mention


class ArabicTextField(indexes.CharField):
    """Full text through the Arabic analyzer; `exact=True` keeps normalised, unstemmed forms."""

    def __init__(self, *, exact: bool = False, **kwargs):
        self.exact = exact
        super().__init__(**kwargs)


class FacetField(indexes.MultiValueField):
    """Whole values kept verbatim (never tokenised or stemmed), for filters and exact counts."""


class DayField(indexes.IntegerField):
    """A date as the integer YYYYMMDD (0 when unknown): sortable and cheap to range-filter."""


def day_number(value) -> int:
    return value.year * 10000 + value.month * 100 + value.day if value else 0


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = ArabicTextField(document=True)
    exact = ArabicTextField(exact=True)
    title = ArabicTextField(model_attr="title")
    source = FacetField()
    section = FacetField()
    language = FacetField()
    year = FacetField()
    tag = FacetField()
    place = FacetField()
    person = FacetField()
    org = FacetField()
    pubday = DayField()

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return self.get_model().objects.for_display().prefetch_related("mentions__entity")

    def objects_to_index(self, ids) -> list[Article]:
        """The articles with these ids, with all that full_prepare reads (the index queue).

        The same as index_queryset(), but each article's entities come from one flat query
        instead of a model instance per mention and per entity (most of the cost of loading).
        """
        articles = list(self.get_model().objects.for_display().filter(pk__in=ids))
        entities: dict[int, list[tuple[str, str]]] = {article.pk: [] for article in articles}
        mentions = Mention.objects.filter(article_id__in=list(entities)).order_by("pk")
        for article_id, kind, key in mentions.values_list(
            "article_id", "entity__kind", "entity__key"
        ):
            entities[article_id].append((kind, key))
        for article in articles:
            article.indexed_entities = entities[article.pk]
        return articles

    def prepare_text(self, article: Article) -> str:
        captions = [caption.get("text", "") for caption in article.captions]
        return "\n".join([article.title, article.standfirst, *captions, article.body])

    def prepare_exact(self, article: Article) -> str:
        return self.prepare_text(article)

    def prepare_source(self, article: Article) -> list[str]:
        return [article.source.slug] if article.source_id else []

    def prepare_section(self, article: Article) -> list[str]:
        return [article.section] if article.section else []

    def prepare_language(self, article: Article) -> list[str]:
        return [article.language]

    def prepare_year(self, article: Article) -> list[str]:
        return [str(article.published.year)] if article.published else []

    def prepare_tag(self, article: Article) -> list[str]:
        return [tag.name for tag in article.tags.all()]

    def _entity_keys(self, article: Article, kind: str) -> list[str]:
        loaded = getattr(article, "indexed_entities", None)  # see objects_to_index
        if loaded is not None:
            return [key for of_kind, key in loaded if of_kind == kind]
        return [m.entity.key for m in article.mentions.all() if m.entity.kind == kind]

    def prepare_place(self, article: Article) -> list[str]:
        return self._entity_keys(article, "place")

    def prepare_person(self, article: Article) -> list[str]:
        return self._entity_keys(article, "person")

    def prepare_org(self, article: Article) -> list[str]:
        return self._entity_keys(article, "org")

    def prepare_pubday(self, article: Article) -> int:
        return day_number(article.published)
