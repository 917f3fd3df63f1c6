"""A saved page read through its own markup: which text is the article's and which is navigation.

trafilatura (html.py) scores a page statistically, which works when there is a lot of article
text. A breaking-news item of two or three short paragraphs gives it too little to go on: it then
returns nothing, one paragraph glued from the whole page, or the menu. This module reads the page
the way its markup says it is built, and answers two questions for html.py:

* ``Page.judge(text)`` — is a block of extracted text navigation rather than article text? It is
  when most of it is link text (a menu, a "related" list, a headline teaser), or when it is the
  excerpt in one of a row of repeated cards that each carry a headline link (a category, tag or
  search listing).
* ``Page.article()`` — the article's own blocks: the paragraphs and sub-headings of the page's
  ``itemprop=articleBody``, its one ``<article>`` (or the one holding the ``<h1>``), its
  ``<main>``, or else the element whose paragraphs hold the most prose. Navigation, headers,
  footers, asides, forms, figures, bylines, dates, share bars, tag lists and the like are left
  out (by element, ARIA role, or a class/id word); ``<br>`` ends a paragraph, as it does on the
  many sites that separate paragraphs with ``<br><br>``. The verdict says whether what is left
  reads as an article (some prose, and no more link text than twice the prose) or as a listing.

``remove_consent_boxes`` drops cookie/consent banners (by class/id) before anything reads the
page; a page that is an error page or a consent wall as a whole is recognised by refusals.

Works on the page after sanitize.clean_page, so nothing here ever sees a script. Pure (lxml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.ingest.plaintext.text import ends_sentence, word_count

__all__ = [
    "Page",
    "Run",
    "Verdict",
    "is_prose",
    "remove_consent_boxes",
]

# The reasons Page.judge gives.
NAVIGATION = frozenset(
    {
        "navigation links",
        "teaser in a list of articles",
        "page text run together with the headline",
        "page text run together with navigation",
    }
)
LISTING = "listing"
# A block of text is navigation when at least this share of its letters are link text.
LINK_SHARE = 0.5
# An article may carry link lists (related stories, tags) of up to this many times its prose.
MAX_LINKS_PER_PROSE = 2.0
MENU_MIN_WORDS = 4
MIN_LISTING_LINK_CHARS = 100  # fewer letters of links than this make no list
# Repeated cards: an excerpt is a teaser when its card has at least this many look-alike siblings.
CARD_SIBLINGS = 2
TEASER_LINK_WORDS = 3
CARD_MAX_PARAGRAPHS = 2
PROSE_MIN_WORDS = 6  # a sentence-ended paragraph of at least this many words is prose
PROSE_LONG_WORDS = 15  # a paragraph this long is prose even without a sentence end

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details div dl dt figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td "
    "tfoot th thead tr ul".split()
)
_HEADINGS = frozenset("h2 h3 h4 h5 h6".split())
_SKIP_TAGS = frozenset(
    "nav aside header footer form figure figcaption time button select label textarea "
    "script style noscript template iframe".split()
)
_SKIP_ROLES = frozenset(
    "navigation banner contentinfo complementary dialog alertdialog search menu menubar "
    "toolbar form".split()
)
# Words in a class or id that mark page furniture, when a class begins or ends with one
# ("entry-meta", "share_bar", "newsTools", "site-header", "tags-links").
_FURNITURE_PARTS = frozenset(
    """
    nav navbar navigation menu menus breadcrumb breadcrumbs crumbs path footer header masthead
    sidebar widget widgets related recommended recommendations share shares sharing social
    newsletter subscribe subscription signup cookie cookies consent gdpr comment comments
    tags tag keywords pagination pager promo promotion advert adverts advertisement ads ad
    sponsor sponsored popular trending ticker byline author authors meta info date time
    timestamp dateline print tools toolbar rating poll vote login modal popup overlay banner
    """.split()
)
_FURNITURE_TOKENS = frozenset(
    "most-read mostread read-more readmore more-news morenews latest-news topbar top-bar".split()
)
_CONSENT_PARTS = frozenset("cookie cookies consent gdpr".split())
# The elements that hold an article carry its categories and tags as classes (WordPress's
# "post type-post category-social tag-ads"): never furniture for their class.
_CONTAINERS = frozenset({"html", "body", "article", "main"})
_TAXONOMY = re.compile(r"^(?:category|tag|post|postid|format|status|type|term)-", re.IGNORECASE)
_PART_SPLIT = re.compile(r"[-_]+|(?<=[a-z])(?=[A-Z])")


def _class_words(element, words: frozenset[str]) -> bool:
    """A class or id of the element begins or ends with one of `words`."""
    if element.tag in _CONTAINERS or element.get("itemprop") == "articleBody":
        return False
    tokens = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    if any(_TAXONOMY.match(token) for token in tokens) and (
        "hentry" in tokens or "type-post" in tokens
    ):
        tokens = [token for token in tokens if not _TAXONOMY.match(token)]
    for token in tokens:
        parts = [part.lower() for part in _PART_SPLIT.split(token) if part]
        if parts and (parts[0] in words or parts[-1] in words or token.lower() in words):
            return True
    return False


def _is_furniture(element) -> bool:
    if element.tag in _SKIP_TAGS:
        return True
    if (element.get("role") or "").strip().lower() in _SKIP_ROLES:
        return True
    return _class_words(element, _FURNITURE_PARTS | _FURNITURE_TOKENS)


def remove_consent_boxes(root) -> None:
    """Drop cookie/consent banners and walls (by class/id) before anything reads the page."""
    for element in list(root.iter()):
        parent = element.getparent()
        if (
            isinstance(element.tag, str)
            and parent is not None
            and _class_words(element, _CONSENT_PARTS)
        ):
            parent.remove(element)


# --------------------------------------------------------------------------
# Runs of text
# --------------------------------------------------------------------------


@dataclass
class Run:
    """A paragraph or heading as the markup lays it out, with how much of it is link text."""

    kind: str  # "paragraph" or "heading"
    text: str
    link_chars: int
    owner: object  # the block element it sits in
    teaser: bool = False

    @property
    def link_share(self) -> float:
        letters = _letters(self.text)
        return self.link_chars / letters if letters else 1.0

    @property
    def is_links(self) -> bool:
        return self.link_share >= LINK_SHARE


def _letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


@dataclass
class _Walker:
    skip_furniture: bool
    runs: list[Run] = field(default_factory=list)
    parts: list[tuple[str, bool]] = field(default_factory=list)
    owners: list[object] = field(default_factory=list)

    def flush(self) -> None:
        text = " ".join(" ".join(part for part, _ in self.parts).split())
        if text and any(ch.isalnum() for ch in text):
            links = sum(_letters(part) for part, in_link in self.parts if in_link)
            self.runs.append(Run("paragraph", text, links, self.owners[-1]))
        self.parts = []

    def walk(self, node, in_link: bool = False) -> None:
        tag = node.tag
        if not isinstance(tag, str):
            return
        if (
            self.skip_furniture
            and (tag in _BLOCK_TAGS or tag in _SKIP_TAGS)
            and _is_furniture(node)
        ):
            if tag in _BLOCK_TAGS:
                self.flush()
            return
        if tag == "br":
            self.flush()
            return
        if tag == "h1":
            self.flush()
            return
        if tag in _HEADINGS:
            self.flush()
            self.owners.append(node)
            self._collect(node, in_link)
            text = " ".join(" ".join(part for part, _ in self.parts).split())
            links = sum(_letters(part) for part, linked in self.parts if linked)
            if text:
                self.runs.append(Run("heading", text, links, node))
            self.parts = []
            self.owners.pop()
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
            self.owners.append(node)
        linked = in_link or tag == "a"
        if node.text:
            self.parts.append((node.text, linked))
        for child in node:
            self.walk(child, linked)
            if child.tail:
                self.parts.append((child.tail, in_link or tag == "a"))
        if block:
            self.flush()
            self.owners.pop()

    def _collect(self, node, in_link: bool) -> None:
        linked = in_link or node.tag == "a"
        if node.text:
            self.parts.append((node.text, linked))
        for child in node:
            if isinstance(child.tag, str):
                self._collect(child, linked)
            if child.tail:
                self.parts.append((child.tail, linked))


def _runs(element, *, skip_furniture: bool) -> list[Run]:
    walker = _Walker(skip_furniture, owners=[element])
    walker.walk(element)
    walker.flush()
    cards = _Cards(element)
    for run in walker.runs:
        run.teaser = run.kind == "paragraph" and not run.is_links and cards.holds(run.owner)
    return walker.runs


def _inside(node, ancestor) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


class _Cards:
    """Teaser cards: a row of look-alike elements that each carry a headline link and an excerpt.

    A card is small (at most CARD_MAX_PARAGRAPHS paragraphs) and has no ``<h1>``: the page's own
    article, even when the related stories beside it share its markup, is neither.
    """

    def __init__(self, stop) -> None:
        self.stop = stop
        self._links: dict[object, list[tuple[int, object]]] = {}
        self._small: dict[object, bool] = {}

    def holds(self, owner) -> bool:
        card = owner
        for _ in range(3):
            if card is None or card is self.stop:
                return False
            parent = card.getparent()
            if parent is None:
                return False
            if self._headline_link(card, owner):
                if not self._is_small(card):
                    return False
                alike = [
                    sibling
                    for sibling in parent
                    if sibling is not card
                    and sibling.tag == card.tag
                    and (sibling.get("class") or "") == (card.get("class") or "")
                ]
                return len(alike) >= CARD_SIBLINGS
            card = parent
        return False

    def _headline_link(self, card, owner) -> bool:
        """A link of several words in the card, outside the run's own element."""
        if card not in self._links:
            self._links[card] = sorted(
                ((word_count(" ".join(link.itertext())), link) for link in card.iter("a")),
                key=lambda pair: -pair[0],
            )
        for words, link in self._links[card]:
            if words < TEASER_LINK_WORDS:
                return False
            if not _inside(link, owner):
                return True
        return False

    def _is_small(self, card) -> bool:
        if card not in self._small:
            self._small[card] = card.find(".//h1") is None and (
                sum(1 for p in card.iter("p") if is_prose(" ".join(p.itertext())))
                <= CARD_MAX_PARAGRAPHS
            )
        return self._small[card]


def _holds_lines(element) -> bool:
    """Text set straight into a container, its paragraphs parted by ``<br>`` (not a paragraph
    element itself, nor a ``<div>`` wrapping one paragraph's inline text)."""
    if element.tag in ("p", "li", "blockquote", "dd", "dt", "pre", "address"):
        return False
    return any(
        isinstance(child.tag, str) and (child.tag == "br" or child.tag in _BLOCK_TAGS)
        for child in element
    )


def is_prose(text: str) -> bool:
    words = word_count(text)
    return words >= PROSE_LONG_WORDS or (words >= PROSE_MIN_WORDS and ends_sentence(text))


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------


@dataclass
class Verdict:
    """What the page's own markup says its article is."""

    runs: list[Run]  # the article's paragraphs and headings, navigation already left out
    teasers: bool  # the content area is a row of teaser cards: a listing, whatever else
    links: bool  # it holds more link text than MAX_LINKS_PER_PROSE times its prose
    where: str  # which element was read ("<article>", "<main>" …), for the report

    @property
    def listing(self) -> bool:
        return self.teasers or self.links


class Page:
    """The sanitised page, indexed once for the questions html.py asks."""

    def __init__(self, root) -> None:
        self.root = root
        body = root.find("body")
        self.body = body if body is not None else root
        self._index: dict[str, Run] = {}
        for run in _runs(self.body, skip_furniture=False):
            self._index.setdefault(_key(run.text), run)
        self._links = sorted(
            {
                " ".join(" ".join(link.itertext()).split())
                for link in self.body.iter("a")
                if _letters(" ".join(link.itertext())) >= 2
            },
            key=len,
            reverse=True,
        )
        # Menus and link lists of several words, to recognise them inside glued text.
        self._menus = [
            run.text
            for run in self._index.values()
            if run.is_links and word_count(run.text) >= MENU_MIN_WORDS
        ]

    def judge(self, text: str, title: str = "") -> str:
        """Why an extracted block is navigation ("navigation links", "teaser …"), or ""."""
        key = _key(text)
        run = self._index.get(key)
        if run is not None:
            if run.is_links:
                return "navigation links"
            if run.teaser:
                return "teaser in a list of articles"
            return ""
        # Not one element of the page: trafilatura glued several together (its last resort
        # when it finds no article is the whole page's text as one paragraph).
        rest = text
        for link in self._links:
            if link in rest:
                rest = rest.replace(link, " ")
        letters = _letters(text)
        if letters and 1 - _letters(rest) / letters >= LINK_SHARE:
            return "navigation links"
        title_key = _key(title)
        if title_key and key.startswith(title_key) and len(key) > len(title_key):
            return "page text run together with the headline"
        if any(_key(menu) in key for menu in self._menus):
            return "page text run together with navigation"
        return ""

    def article(self) -> Verdict | None:
        """The article as the markup lays it out, or None when no element holds any prose."""
        container, where = self._container()
        if where == LISTING:
            return Verdict([], True, False, "several <article>s")
        if container is None:
            return None
        runs = _runs(container, skip_furniture=True)
        kept = [run for run in runs if not run.is_links and not run.teaser]
        prose = sum(len(run.text) for run in kept if run.kind == "paragraph" and is_prose(run.text))
        links = sum(run.link_chars for run in runs)
        teasers = sum(run.teaser for run in runs)
        link_heavy = links >= MIN_LISTING_LINK_CHARS and links > MAX_LINKS_PER_PROSE * prose
        return Verdict(kept, teasers > CARD_SIBLINGS, link_heavy, where)

    def _container(self):
        for element in self.body.iter():
            if (
                isinstance(element.tag, str)
                and element.get("itemprop") == "articleBody"
                and not self._in_furniture(element)
            ):
                return element, 'itemprop="articleBody"'
        articles = [a for a in self.body.iter("article") if not self._in_furniture(a)]
        outermost = [a for a in articles if not any(_inside(a.getparent(), b) for b in articles)]
        if len(outermost) == 1:
            return outermost[0], "<article>"
        with_h1 = [a for a in outermost if a.find(".//h1") is not None]
        if len(with_h1) == 1:
            return with_h1[0], "<article>"
        for element in self.body.iter():
            if not isinstance(element.tag, str):
                continue
            is_main = element.tag == "main" or (element.get("role") or "").lower() == "main"
            if is_main and not self._in_furniture(element):
                return element, "<main>"
        if outermost:
            return None, LISTING  # several articles, none the page's own
        best = self._most_prose()
        return (best, f"<{best.tag}>") if best is not None else (None, "")

    def _most_prose(self):
        """The element that holds the most prose: paragraphs count for the element they are
        in (text set straight into a ``<div>`` or ``<td>`` with ``<br>``s, for that element)
        and half for the one around it."""
        scores: dict[object, float] = {}
        for run in _runs(self.body, skip_furniture=True):
            if run.kind != "paragraph" or run.is_links or not is_prose(run.text):
                continue
            holder = run.owner if _holds_lines(run.owner) else run.owner.getparent()
            if holder is None:
                continue
            scores[holder] = scores.get(holder, 0) + len(run.text)
            around = holder.getparent()
            if around is not None:
                scores[around] = scores.get(around, 0) + len(run.text) / 2
        if not scores:
            return None
        order = {element: position for position, element in enumerate(self.body.iter())}
        # The highest score; of equals, the innermost (latest in document order).
        return max(scores, key=lambda element: (scores[element], order.get(element, 0)))

    def _in_furniture(self, element) -> bool:
        node = element
        while node is not None and node is not self.body:
            if isinstance(node.tag, str) and _is_furniture(node):
                return True
            node = node.getparent()
        return False
