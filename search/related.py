"""More like this: articles sharing an article's most distinctive words.

Cheap and deterministic: the words of the title, standfirst and body go through the index's own
analysis (`analyze_exact`: normalised, stopwords dropped); the most frequent of them (title words
count more, words every news story uses count not at all) are OR-ed into one query, and the
index ranks the archive by how many of them, and how often, each article shares.
"""

from __future__ import annotations

import logging
from collections import Counter

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
    """The article's characteristic words, most characteristic first (ties: first seen)."""
    weights: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
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
            first_seen.setdefault(word, len(first_seen))
    ranked = sorted(weights, key=lambda word: (-weights[word], first_seen[word]))
    return ranked[:count]


def related_ids(article: Article, limit: int = RELATED_LIMIT) -> list[int]:
    words = distinctive_words(article)
    if not words:
        return []
    parsed = parse_query(" OR ".join(words))
    if parsed.is_empty:
        return []
    hits = get_engine().search(
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
