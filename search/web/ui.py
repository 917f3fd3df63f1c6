"""What the search pages show beside the results: query strings, filter chips, pager, timeline.

Pure functions over the request's parameters and a ResultPage, so templates stay simple and
every state of the page is a plain GET URL that can be shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from search.service import FACETS, ResultPage, Timeline, facet_title

# Parameters that describe a search (everything else in a URL is ignored when rebuilding one).
SEARCH_KEYS = ("q", *FACETS, "from", "to", "sort")
PAGER_WINDOW = 2  # pages shown on each side of the current one


def encode(pairs) -> str:
    """A query string from (key, value) pairs, Arabic kept readable as percent-encoded UTF-8."""
    return urlencode([(key, value) for key, value in pairs if value not in ("", None)])


def search_pairs(querydict, *, drop=()) -> list[tuple[str, str]]:
    """The search's parameters in a stable order, without `drop` keys and empty values."""
    pairs = []
    for key in SEARCH_KEYS:
        if key in drop:
            continue
        for value in querydict.getlist(key):
            if value.strip():
                pairs.append((key, value.strip()))
    return pairs


def results_url(pairs) -> str:
    query = encode(pairs)
    return reverse("search:results") + (f"?{query}" if query else "")


@dataclass
class Chip:
    kind: str  # the facet name, "from", "to" or "q"
    title: str  # what kind of filter it is, for screen readers and the chip's prefix
    label: str
    remove_url: str


def active_chips(querydict, page: ResultPage | None) -> list[Chip]:
    """One removable chip per active filter value, date bound and the words searched."""
    pairs = search_pairs(querydict)
    labels = {}
    if page is not None:
        for name, values in page.facets.items():
            for value in values:
                labels[(name, value.value)] = value.label
    chips = []
    for index, (key, value) in enumerate(pairs):
        if key == "sort":
            continue
        remaining = pairs[:index] + pairs[index + 1 :]
        if key in FACETS:
            title = facet_title(key)
            label = labels.get((key, value), value)
        elif key == "q":
            title, label = _("Words"), value
        elif key == "from":
            title, label = _("From"), _format_date(value)
        else:
            title, label = _("To"), _format_date(value)
        chips.append(Chip(key, title, label, results_url(remaining)))
    return chips


def _format_date(value: str) -> str:
    from datetime import date

    try:
        return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return value


def pager(page: ResultPage, querydict) -> list[dict]:
    """Numbered page links around the current page, with gaps (None) where pages are skipped."""
    base = search_pairs(querydict)

    def link(number: int) -> dict:
        pairs = [*base, ("page", str(number))] if number > 1 else base
        return {"number": number, "url": results_url(pairs), "current": number == page.page}

    low, high = max(1, page.page - PAGER_WINDOW), min(page.pages, page.page + PAGER_WINDOW)
    numbers = sorted({1, page.pages, *range(low, high + 1)})
    items: list[dict] = []
    previous = 0
    for number in numbers:
        if number - previous > 1:
            items.append({"gap": True})
        items.append(link(number))
        previous = number
    return items


def page_url(querydict, number: int) -> str:
    pairs = search_pairs(querydict)
    return results_url([*pairs, ("page", str(number))] if number > 1 else pairs)


# --- timeline ---------------------------------------------------------------------------------

SLOT = 10  # SVG units per period; the drawing stretches to the width of the page
CHART_HEIGHT = 100
BAR_GAP = 0.2  # share of each slot left empty between bars
MIN_BAR = 3  # a period with any result gets a visible bar
MAX_LABELS = 8


def period_label(bar, granularity: str) -> str:
    if granularity == "month":
        return formats.date_format(bar.start, "YEAR_MONTH_FORMAT")
    return str(bar.start.year)


def timeline_chart(
    timeline: Timeline | None,
    base_query: str = "",
    rtl: bool = False,
    current: tuple[str, str] = ("", ""),
):
    """Geometry for the SVG histogram whose bars are links filtering to their period.

    Time runs in the reading direction: the oldest period at the inline start, so from right to
    left in the Arabic interface and from left to right in the English one, like the text around
    it (SVG coordinates are physical, so they are mirrored here; the HTML axis labels below the
    drawing use logical positions and follow by themselves). `current` is the search's own
    (from, to): the bar of exactly that period is marked as the current one.

    Each bar's label is composed here rather than in the template: a results page draws up to
    36 bars, and translating in the template costs a millisecond a bar.
    """
    if timeline is None or not timeline.bars:
        return None
    bars = timeline.bars
    count = len(bars)
    highest = max(timeline.highest, 1)
    base = [part for part in base_query.lstrip("?").split("&") if part]
    base = [p for p in base if p.split("=")[0] not in ("page", "from", "to")]
    most = MAX_LABELS if timeline.granularity == "year" else MAX_LABELS // 2
    every = max(1, -(-count // most))  # ceil: at most `most` labels
    drawn = []
    for index, bar in enumerate(bars):
        position = count - 1 - index if rtl else index
        height = 0 if not bar.count else max(MIN_BAR, round(CHART_HEIGHT * bar.count / highest))
        query = "&".join([*base, f"from={bar.start.isoformat()}", f"to={bar.end.isoformat()}"])
        label = period_label(bar, timeline.granularity)
        drawn.append(
            {
                "slot_x": position * SLOT,
                "x": position * SLOT + SLOT * BAR_GAP / 2,
                "width": SLOT * (1 - BAR_GAP),
                "y": CHART_HEIGHT - height,
                "height": height,
                "count": bar.count,
                "label": label,
                "show_label": index % every == 0,
                "label_rank": index // every,
                "url": reverse("search:results") + "?" + query,
                "start": bar.start,
                "end": bar.end,
                "title": ngettext(
                    "%(period)s: %(n)s article", "%(period)s: %(n)s articles", bar.count
                )
                % {"period": label, "n": intcomma(bar.count)},
                "current": current == (bar.start.isoformat(), bar.end.isoformat()),
            }
        )
    return {
        "granularity": timeline.granularity,
        "width": SLOT * count,
        "height": CHART_HEIGHT,
        "slot": SLOT,
        "bars": drawn,
        "total": sum(bar.count for bar in bars),
        "highest": timeline.highest,
        "first": period_label(bars[0], timeline.granularity),
        "last": period_label(bars[-1], timeline.granularity),
    }
