"""An Atom feed for any search: a reader's saved-search alert, newest articles first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from archive.models import Article
from search.analysis.highlight import snippet
from search.analysis.query import ParsedQuery
from search.web import ui
from search.web.exports import SNIPPET_SCAN, highlight_query, iter_articles, matching_ids
from search.web.forms import SearchForm

FEED_SIZE = 50
# What XML 1.0 cannot carry (Django's feed writer refuses it): a filter value or a stored text
# holding one must not turn the whole feed into a server error.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str | None) -> str | None:
    return _NOT_XML.sub("", text) if text else text


@dataclass
class FeedItem:
    article: Article
    query: ParsedQuery | None


class SearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            raise Http404("invalid search parameters")
        params = form.to_params(FEED_SIZE)
        params.sort = "newest"
        params.page = 1
        return {
            "params": params,
            "query": highlight_query(params.q),
            "pairs": ui.search_pairs(request.GET, drop=("sort",)),
            "chips": ui.active_chips(request.GET, None),
        }

    def title(self, obj):
        if not obj["chips"]:
            return _("Arshif: newest articles")
        parts = [f"{chip.title}: {chip.label}" for chip in obj["chips"]]
        described = pgettext("list separator", ", ").join(parts)
        return xml_safe(_("Arshif: %(search)s") % {"search": described})

    def subtitle(self, obj):
        return _("The newest articles in Arshif matching this search.")

    def link(self, obj):
        return ui.results_url([*obj["pairs"], ("sort", "newest")])

    def feed_url(self, obj):
        from django.urls import reverse

        query = ui.encode(obj["pairs"])
        return reverse("search:feed") + (f"?{query}" if query else "")

    def items(self, obj):
        articles = iter_articles(matching_ids(obj["params"], limit=FEED_SIZE))
        return [FeedItem(article, obj["query"]) for article in articles]

    def item_title(self, item):
        return xml_safe(item.article.title)

    def item_description(self, item):
        article = item.article
        text = article.lead_and_body
        return xml_safe(snippet(text[:SNIPPET_SCAN], item.query))

    def item_link(self, item):
        return item.article.get_absolute_url()

    def item_pubdate(self, item):
        if item.article.published:
            noon = datetime.combine(item.article.published, time(12))
            return timezone.make_aware(noon, timezone.get_default_timezone())
        return item.article.created

    def item_updateddate(self, item):
        return item.article.updated

    def item_author_name(self, item):
        article = item.article
        return xml_safe(article.author or (article.source.name if article.source else None))

    def item_categories(self, item):
        article = item.article
        values = [article.section, *(tag.name for tag in article.tags.all())]
        return [xml_safe(value) for value in values if value]

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = get_language()
        return feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Content-Type"] = "application/atom+xml; charset=utf-8"
        return response
