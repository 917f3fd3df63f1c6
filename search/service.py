"""Run a reader's search, whichever engine runs: SearchParams in, a ResultPage out.

Views validate input into SearchParams, call `run_search`, and render the ResultPage. Words are
matched, ranked and faceted by the engine (search.engine.contract); a browse without words lists
from the database, with the engine counting its facets and timeline.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive.models import Article, Source
from search.analysis.highlight import mark_all, snippet
from search.analysis.query import Clause, Note, ParsedQuery, parse_query
from search.engine import get_engine
from search.engine.contract import (
    ENTITY_FACETS,
    FACETS,
    MAX_PREFIX_TERMS,
    SORTS,
    IndexUnavailable,  # (also for search.web: an index that cannot be read)
    SearchRequest,
    day_number,
)
from search.entities.tagging import entity_labels, matcher
from search.models import Mention

FACET_LIMIT = 30
ONE_DAY = timedelta(days=1)


class PageOutOfRange(Exception):
    """A page before the first, after the last, or deeper than ARCHIVE_MAX_PAGE_DEPTH allows."""

    def __init__(self, page: int, last: int | None = None, deepest: int | None = None):
        super().__init__(page)
        self.page = page
        self.last = last  # the last page there is (None: not counted)
        self.deepest = deepest  # the last page the depth limit lets a reader open

    def __str__(self) -> str:
        if self.deepest is not None:
            return _(
                "page %(page)d is too deep: only the first %(depth)s results of a search can be"
                " paged through (pages 1 to %(deepest)d); narrow it with filters or dates"
            ) % {
                "page": self.page,
                "depth": f"{max_page_depth():,}",
                "deepest": self.deepest,
            }
        if self.last is not None:
            return _("page %(page)d is out of range: the last page is %(last)d") % {
                "page": self.page,
                "last": self.last,
            }
        return _("page %(page)d is out of range") % {"page": self.page}


def translated(note: str) -> str:
    """A note of the query parser in the reader's language (search.analysis has no gettext)."""
    if isinstance(note, Note):
        return _(note.template) % note.values
    return note


def max_page_depth() -> int:
    """How many results a reader may page through (ARCHIVE_MAX_PAGE_DEPTH): deeper pages are
    refused before anything is read, for a text search (the engine ranks every match to slice
    a page) and for a browse (the database would walk the whole offset)."""
    return settings.ARCHIVE_MAX_PAGE_DEPTH


def deepest_page(per_page: int) -> int:
    return max(1, math.ceil(max_page_depth() / per_page))


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = ""
    page: int = 1
    per_page: int = 20

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.q.strip()):
            return self.sort
        return "relevance" if self.q.strip() else "newest"


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Result:
    article: Article
    title_html: str
    snippet_html: str


@dataclass
class TimelineBar:
    label: str
    start: date
    end: date
    count: int


@dataclass
class Timeline:
    granularity: str  # "year" or "month"
    bars: list[TimelineBar]

    @property
    def highest(self) -> int:
        return max((bar.count for bar in self.bars), default=0)


@dataclass
class ResultPage:
    params: SearchParams
    count: int
    page: int
    pages: int
    results: list[Result]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    notes: list[str] = field(default_factory=list)
    timeline: Timeline | None = None


def run_search(params: SearchParams) -> ResultPage:
    parsed = parse_query(params.q)
    notes = [translated(note) for note in parsed.notes]
    if params.page < 1:
        raise PageOutOfRange(params.page)
    deepest = deepest_page(params.per_page)
    if params.page > deepest:
        raise PageOutOfRange(params.page, deepest=deepest)
    if parsed.is_empty:
        count, ids, facet_counts, suggestion, months = _browse(params)
    else:
        parsed, other_forms = with_entities(parsed)
        count, ids, facet_counts, suggestion, months, capped = _search_index(params, parsed)
        notes += [
            _("%(prefix)s* matches too many words: only the %(n)s most frequent were searched")
            % {"prefix": prefix, "n": f"{MAX_PREFIX_TERMS:,}"}
            for prefix in capped
        ]
        parsed = for_highlighting(parsed, other_forms)
    pages = max(1, math.ceil(count / params.per_page))
    if pages > deepest:
        pages = deepest
        notes.append(
            _(
                "Only the first %(depth)s results can be paged through: narrow the search with"
                " filters or dates to reach the others."
            )
            % {"depth": f"{max_page_depth():,}"}
        )
    if params.page > pages:
        raise PageOutOfRange(params.page, last=pages)
    articles = result_articles(ids)
    query = None if parsed.is_empty else parsed
    results = [
        Result(
            article=articles[pk],
            title_html=mark_all(articles[pk].title, query),
            snippet_html=snippet(articles[pk].lead_and_body, query),
        )
        for pk in ids
        if pk in articles  # deleted since the index last heard: the queue will catch up
    ]
    return ResultPage(
        params=params,
        count=count,
        page=params.page,
        pages=pages,
        results=results,
        facets=_label_facets(facet_counts, params.filters),
        suggestion=suggestion,
        notes=notes,
        timeline=build_timeline(months),
    )


# What a result row shows; the parsed structure and provenance columns stay in the database.
RESULT_FIELDS = (
    "title",
    "standfirst",
    "body",
    "section",
    "language",
    "published",
    "published_precision",
    "url",
    "created",
    "updated",
    "source__name",
    "source__slug",
)


def result_articles(ids) -> dict[int, Article]:
    return Article.objects.select_related("source").only(*RESULT_FIELDS).in_bulk(ids)


def with_entities(parsed: ParsedQuery) -> tuple[ParsedQuery, list[str]]:
    """Attach to each clause the entities it names, so any of their names matches too.

    Returns the expanded query and the other names of those entities (for highlighting).
    """
    names = matcher()
    other_forms: list[str] = []

    def expand(clause: Clause) -> Clause:
        if clause.kind == "prefix":
            return clause
        named = names.entities_named_by(" ".join(word.original for word in clause.words))
        if not named:
            return clause
        for entity in named:
            other_forms.extend(names.surface_forms(entity.key))
        refs = tuple(tuple(entity.key.split(":", 1)) for entity in named)
        return replace(clause, entities=refs)

    expanded = ParsedQuery(
        groups=[[expand(clause) for clause in group] for group in parsed.groups],
        excluded=[expand(clause) for clause in parsed.excluded],
        notes=parsed.notes,
    )
    return expanded, other_forms


def for_highlighting(parsed: ParsedQuery, other_forms: list[str]) -> ParsedQuery:
    """The query plus an entity's other names, so an alias match is marked in the snippet."""
    if not other_forms:
        return parsed
    extra = parse_query(" OR ".join(f'"{form}"' for form in dict.fromkeys(other_forms)))
    alternatives = [clause for group in extra.groups for clause in group]
    return ParsedQuery(groups=[*parsed.groups, alternatives], excluded=parsed.excluded)


def all_matching_ids(
    params: SearchParams, parsed: ParsedQuery | None = None, *, limit: int | None = None
) -> list[int]:
    """Every article matching a search, or its first `limit`, in its sort order (for exports,
    feeds and re-tagging)."""
    parsed = parsed if parsed is not None else parse_query(params.q)
    if parsed.is_empty:
        queryset = _filtered(params)
        ordered = queryset.oldest_first() if params.sort == "oldest" else queryset.newest_first()
        return list(ordered.values_list("pk", flat=True)[:limit])
    parsed, _other_forms = with_entities(parsed)
    return _search_index(params, parsed, everything=True, limit=limit)[1]


def _search_index(
    params: SearchParams, parsed: ParsedQuery, *, everything: bool = False, limit: int | None = None
):
    hits = get_engine().search(
        SearchRequest(
            query=parsed,
            filters={k: v for k, v in params.filters.items() if k in FACETS},
            day_from=day_number(params.date_from) if params.date_from else None,
            day_to=day_number(params.date_to) if params.date_to else None,
            sort=params.effective_sort,
            offset=0 if everything else (params.page - 1) * params.per_page,
            limit=limit if everything else params.per_page,
            facets=() if everything else FACETS,
        )
    )
    return hits.total, hits.ids, hits.facets, hits.suggestion, hits.months, hits.capped_prefixes


def keep_warm(
    interval: float = 5.0,
    stop: threading.Event | None = None,
    *,
    choose_database: Callable[[], object] | None = None,
) -> threading.Thread:
    """Start a background thread that reads new index segments before readers need them.

    A web process caches what it reads from each index segment; the first search after the
    index changed would otherwise read the new segments itself (about a second per 10k
    articles at start-up). Checking costs one small file read per `interval`.
    `choose_database`, called in the thread before each check, may send its reads where
    readers' searches read (a replica: arshif/wsgi.py), not to the primary.
    """

    stop = stop or threading.Event()

    def run():
        engine = get_engine()
        unavailable = None  # said once, not every `interval`, until it changes
        while not stop.is_set():
            try:
                if choose_database is not None:
                    choose_database()
                engine.warm_up(FACETS)
                unavailable = None
            except IndexUnavailable as error:  # damaged or missing: searches answer 503 meanwhile
                if str(error) != unavailable:
                    logging.getLogger(__name__).error("%s", error)
                unavailable = str(error)
            except Exception:  # never take the web process down; a search reads it anyway
                logging.getLogger(__name__).exception("warming the search index up failed")
            stop.wait(interval)

    thread = threading.Thread(target=run, name="arshif-search-warm-up", daemon=True)
    thread.start()
    return thread


# --- browsing from the database ---------------------------------------------------------------

# Single-valued columns filter directly; tags and entities, many per article, by subquery so
# that an article matching two of the values is not listed twice.
_DB_FILTERS = {
    "source": "source__slug__in",
    "section": "section__in",
    "language": "language__in",
}


def _matching(name: str, values: list[str]) -> Q:
    """The articles having any of these values of one facet."""
    if name in _DB_FILTERS:
        return Q(**{_DB_FILTERS[name]: values})
    if name == "year":
        # Date ranges use the index on published; extracting the year would scan every row.
        years = Q(pk__in=[])
        for year in {int(v) for v in values if v.isdigit() and 1 <= int(v) <= 9998}:
            years |= Q(published__gte=date(year, 1, 1), published__lt=date(year + 1, 1, 1))
        return years
    if name == "tag":
        return Q(pk__in=Article.objects.filter(tags__name__in=values).values("pk"))
    mentioned = Mention.objects.filter(entity__kind=name, entity__key__in=values)
    return Q(pk__in=mentioned.values("article_id"))


def _filtered(params: SearchParams):
    queryset = Article.objects.all()
    if params.date_from:
        queryset = queryset.filter(published__gte=params.date_from)
    if params.date_to:
        queryset = queryset.filter(published__lte=params.date_to)
    for name, values in params.filters.items():
        if values:
            queryset = queryset.filter(_matching(name, values))
    return queryset


def _browse(params: SearchParams):
    """Facets and timeline from the engine, and the listing from the database or, narrowed
    by a facet, from the engine too.

    Counting facets in SQL means a grouped scan per facet over the whole archive (~0.8 s at
    10k articles); the engine counts them over what it holds per document. Listing everything,
    or a date range, is an index range of the articles table; narrowed by tags, entities,
    sections or several filters at once it was a scan of the table and its joins (60–180 ms
    at 100k articles on SQLite), where the engine has the answer from the same counting. The
    index trails the database only by the queue, as for every search with words.
    """
    narrowed = any(params.filters.values()) and all(name in FACETS for name in params.filters)
    start = (params.page - 1) * params.per_page
    hits = get_engine().search(
        SearchRequest(
            query=ParsedQuery(),
            filters={k: v for k, v in params.filters.items() if k in FACETS},
            day_from=day_number(params.date_from) if params.date_from else None,
            day_to=day_number(params.date_to) if params.date_to else None,
            sort=params.effective_sort,
            offset=start,
            limit=params.per_page if narrowed else 0,
            facets=FACETS,
            match_all=True,
        )
    )
    if narrowed:
        return hits.total, hits.ids, hits.facets, None, hits.months
    queryset = _filtered(params)
    ordered = queryset.oldest_first() if params.sort == "oldest" else queryset.newest_first()
    ids = list(ordered.values_list("pk", flat=True)[start : start + params.per_page])
    return queryset.count(), ids, hits.facets, None, hits.months


# --- timeline -----------------------------------------------------------------------------------

# Up to this many months between the first and last dated result, the timeline shows months.
MONTHLY_SPAN = 36


def build_timeline(months: dict[int, int]) -> Timeline | None:
    """Bars per year (or per month over a short span), empty periods included, oldest first."""
    if not months:
        return None
    first, last = min(months), max(months)
    span = (last // 100 - first // 100) * 12 + (last % 100 - first % 100) + 1
    if span <= MONTHLY_SPAN:
        bars = []
        year, month = divmod(first, 100)
        for _ in range(span):
            start = date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            count = months.get(year * 100 + month, 0)
            bars.append(TimelineBar(start.strftime("%Y-%m"), start, following - ONE_DAY, count))
            year, month = following.year, following.month
        return Timeline("month", bars)
    per_year: dict[int, int] = {}
    for key, count in months.items():
        per_year[key // 100] = per_year.get(key // 100, 0) + count
    bars = [
        TimelineBar(str(year), date(year, 1, 1), date(year, 12, 31), per_year.get(year, 0))
        for year in range(first // 100, last // 100 + 1)
    ]
    return Timeline("year", bars)


# --- labels -------------------------------------------------------------------------------------


def _label_facets(counts: dict[str, list[tuple[str, int]]], filters) -> dict[str, list[FacetValue]]:
    source_names = {}
    if counts.get("source"):
        slugs = [value for value, _ in counts["source"]]
        source_names = dict(Source.objects.filter(slug__in=slugs).values_list("slug", "name"))
    languages = dict(Article.Language.choices)
    language = get_language() or "ar"
    entity_names = entity_labels(language)
    labelled = {}
    for name in FACETS:
        selected = set(filters.get(name, []))
        values = []
        for value, count in counts.get(name, [])[:FACET_LIMIT]:
            if name == "source":
                label = source_names.get(value, value)
            elif name == "language":
                label = str(languages.get(value, value))
            elif name in ENTITY_FACETS:
                label = entity_names.get((name, value), value)
            else:
                label = value
            values.append(FacetValue(value, label, count, value in selected))
        # A selected value stays visible (to be unticked) even when it has no results now.
        shown = {v.value for v in values}
        for value in sorted(selected - shown):
            label = entity_names.get((name, value)) or source_names.get(value) or value
            values.append(FacetValue(value, label, 0, True))
        labelled[name] = values
    return labelled


def facet_title(name: str) -> str:
    return {
        "source": _("Source"),
        "section": _("Section"),
        "language": _("Language"),
        "year": _("Year"),
        "place": _("Places"),
        "person": _("People"),
        "org": _("Organisations"),
        "tag": _("Tags"),
    }[name]
