"""More like this: articles sharing an article's most distinctive words.

Cheap and deterministic: the words of the title, standfirst and body go through the index's own
analysis (`analyze_exact`: normalised, stopwords dropped) and are weighed by how often the
article uses them (title words count more, words every news story uses count not at all) and how
rare they are in the archive (tf-idf, as Lucene's MoreLikeThis does): a word only this article
holds finds nothing, and one in a large share of the archive says little about what it is about
while its postings are the costliest to read (at 100k articles, twelve common words made the
PostgreSQL engine read hundreds of thousands of postings for every article page). The best
twelve are OR-ed into one query, and the index ranks the archive by how many of them, and how
often, each article shares.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Mapping

from archive.models import Article
from search.analysis import arabic
from search.analysis.query import parse_query
from search.engine import get_engine
from search.engine.contract import SearchRequest

RELATED_LIMIT = 5
QUERY_WORDS = 12
TITLE_WEIGHT = 3
STANDFIRST_WEIGHT = 2
MIN_LETTERS = 3
# How many of the article's most used words are weighed by their rarity (looking each up costs
# about 25 µs a segment in the Whoosh engine the first time).
CANDIDATE_WORDS = 24
# A word held by more than this share of the archive (and more than MIN_CEILING articles)
# is not a query word.
MAX_DOCUMENT_SHARE = 0.05
MIN_CEILING = 20
# Beyond the analyzer's stopwords: words nearly every news report uses, in both languages.
COMMON_WORDS = frozenset(
    arabic.normalize(word)
    for word in """
    قال قالت وقال وقالت يقول تقول اضاف اضافت واضاف واضافت اكد اكدت واكد واكدت اشار اشارت
    واشار اعلن اعلنت واعلن واعلنت ذكر ذكرت وذكر اوضح واوضح بحسب وفق وفقا حسب خلال بعد قبل
    اليوم امس يوم الاثنين الثلاثاء الاربعاء الخميس الجمعة السبت الاحد العام عام الماضي الحالي
    المقبل الجاري مساء صباح الى على عن في من مع ان انه انها التي الذي الذين كان كانت يكون
    تكون ايضا حيث لكن بين عدد اكثر اقل جميع كل غير مصدر مصادر وكالة بيان تصريح تصريحات
    said says told also would could year years week month today yesterday according reported
    report reports new one two three first last time people percent
    """.split()
)


def distinctive_words(article: Article, count: int = QUERY_WORDS) -> list[str]:
    """The article's most used words, most used first (ties: first used)."""
    return by_use(word_weights(article))[:count]


def by_use(weights: Mapping[str, int]) -> list[str]:
    return sorted(weights, key=lambda word: -weights[word])  # stable: first used first


def by_rarity(weights: Mapping[str, int], frequencies: Mapping[str, int], documents: int):
    """The words held by another article and by no more than a small share of the archive,
    by use × idf (ties: by use)."""
    ceiling = max(MAX_DOCUMENT_SHARE * documents, MIN_CEILING)
    rarity = {
        word: math.log(1 + documents / held)
        for word in by_use(weights)
        if 2 <= (held := frequencies.get(word, 0)) <= ceiling
    }
    return sorted(rarity, key=lambda word: -weights[word] * rarity[word])


def word_weights(article: Article) -> dict[str, int]:
    """Each word the article uses (its index form) → how much it weighs, in order of first
    use: occurrences, title and standfirst counting more; short, numeric and common words out."""
    weights: Counter[str] = Counter()
    parts = [
        (article.title, TITLE_WEIGHT),
        (article.standfirst, STANDFIRST_WEIGHT),
        (article.body, 1),
    ]
    for text, weight in parts:
        for word in arabic.analyze_exact(text or ""):
            if len(word) < MIN_LETTERS or word.isdigit() or word in COMMON_WORDS:
                continue
            weights[word] += weight
    return dict(weights)


def related_ids(article: Article, limit: int = RELATED_LIMIT) -> list[int]:
    engine = get_engine()
    weights = word_weights(article)
    candidates = by_use(weights)[:CANDIDATE_WORDS]
    # by_rarity keeps only words with a frequency: the candidates.
    words = by_rarity(weights, engine.document_frequencies(candidates), engine.count())
    words = words[:QUERY_WORDS]
    if not words:
        return []
    parsed = parse_query(" OR ".join(words))
    if parsed.is_empty:
        return []
    hits = engine.search(
        SearchRequest(query=parsed, sort="relevance", offset=0, limit=limit + 1, facets=())
    )
    return [pk for pk in hits.ids if pk != article.pk][:limit]


def related_articles(article: Article, limit: int = RELATED_LIMIT) -> list[Article]:
    """Up to `limit` other articles most like this one, best first; [] if the index fails."""
    try:
        ids = related_ids(article, limit)
    except Exception:  # the page must render even when the index is unavailable
        logging.getLogger(__name__).exception("related articles for %s failed", article.pk)
        return []
    found = Article.objects.for_display().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
