"""English stemming: the Porter (1980) stemmer, for the Latin-script words of the archive.

The archive is mostly Arabic, but English articles and Latin words inside Arabic ones (names,
acronyms, quotes) are searched too; ``search.analysis.arabic.term_stems`` sends a Latin term
here. It lives apart from the Arabic analysis because it shares nothing with it but the caller.

Porter as in Martin Porter's reference implementation, whose three departures from the paper
we keep (bli -> ble, logi -> log, 1-2 letter words untouched). Whoosh has a port, but the
analysis may not import Whoosh and that port has anchoring slips (added -> add, activated ->
activat); this one agrees with the Snowball Porter test vocabulary apart from those three
departures. Pure functions, no Django or Whoosh.
"""

from __future__ import annotations

import functools

__all__ = ["english_stem"]


def _is_consonant(word: str, i: int) -> bool:
    ch = word[i]
    if ch in "aeiou":
        return False
    if ch == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(stem_: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in [C](VC)^m[V]."""
    m = 0
    prev_vowel = False
    for i in range(len(stem_)):
        cons = _is_consonant(stem_, i)
        if cons and prev_vowel:
            m += 1
        prev_vowel = not cons
    return m


def _has_vowel(stem_: str) -> bool:
    return any(not _is_consonant(stem_, i) for i in range(len(stem_)))


def _ends_double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_consonant(word, len(word) - 1)


def _ends_cvc(word: str) -> bool:
    return (
        len(word) >= 3
        and _is_consonant(word, len(word) - 3)
        and not _is_consonant(word, len(word) - 2)
        and _is_consonant(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("logi", "log"),
)
_STEP3 = (
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)
_STEP4 = (
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
)


def _longest_suffix(word: str, suffixes) -> str | None:
    # The reference implementation tests the one rule whose suffix matches; where two
    # could (ational/tional, ement/ment/ent) it lists the longer first.
    best = None
    for suffix in suffixes:
        if word.endswith(suffix) and (best is None or len(suffix) > len(best)):
            best = suffix
    return best


def _replace_step(word: str, rules, min_measure: int) -> str:
    suffix = _longest_suffix(word, [s for s, _ in rules])
    if suffix is None:
        return word
    base = word[: -len(suffix)]
    if _measure(base) > min_measure:
        return base + dict(rules)[suffix]
    return word


def _step1(word: str) -> str:
    if word.endswith("sses") or word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]

    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
                word = word[: -len(suffix)]
                if word.endswith(("at", "bl", "iz")):
                    word += "e"
                elif _ends_double_consonant(word) and word[-1] not in "lsz":
                    word = word[:-1]
                elif _measure(word) == 1 and _ends_cvc(word):
                    word += "e"
                break

    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    return word


def _step4(word: str) -> str:
    suffix = _longest_suffix(word, _STEP4)
    if suffix is None:
        return word
    base = word[: -len(suffix)]
    if suffix == "ion" and not base.endswith(("s", "t")):
        return word
    return base if _measure(base) > 1 else word


def _step5(word: str) -> str:
    if word.endswith("e"):
        base = word[:-1]
        m = _measure(base)
        if m > 1 or (m == 1 and not _ends_cvc(base)):
            word = base
    if word.endswith("ll") and _measure(word) > 1:
        word = word[:-1]
    return word


@functools.lru_cache(maxsize=50_000)
def english_stem(word: str) -> str:
    """Porter-stem a lowercase English word (words of 1-2 letters are left alone)."""
    if len(word) <= 2:
        return word
    word = _step1(word)
    word = _replace_step(word, _STEP2, 0)
    word = _replace_step(word, _STEP3, 0)
    word = _step4(word)
    return _step5(word)
