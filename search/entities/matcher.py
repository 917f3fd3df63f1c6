"""Gazetteer entity tagging: which places, people and organisations a text names, and how often.

Pure Python (no Django, no Whoosh), so indexing, the import command and tests can all use it.
Words come from ``search.analysis.arabic`` (``iter_tokens`` + ``token_terms``), the same analysis
that indexing and queries use, so the tagger and the search agree on what a word is.  Names are
matched on normalised surface forms, never on light10 stems, which would make لبنان (Lebanon)
لبن ("milk"), البغدادي (the person) بغداد (the city) and الرقة رق.

Matching is one Aho-Corasick pass over the normalised words joined by single spaces, with every
pattern padded by spaces so that only whole words match.  A name may carry Arabic proclitics on
its first word (و ف ب ل ك, their combinations, and ل+ال written لل); each variant is its own
pattern.  Where matches overlap the longest wins, so قوات سوريا الديمقراطية is the SDF and not
Syria, and التحالف الدولي ضد داعش is the coalition only: a name inside a longer name is not a
mention of its own (the article is still found by a search for داعش; its tags say what it is
about).  ``except_in`` phrases of an entity (جنة عدن, Washington Post) are matched too and, being
longer, swallow the name without tagging anything.

Some names are also ordinary words.  Per entity, the gazetteer marks such forms with a rule:

- ``cue_only``: tagged only right after a cue word (مدينة الباب, ريف حماة, الرئيس الأسد) or
  as the second of two coordinated names of the same kind (حمص وحماة).
- ``nisba``: the form doubles as a feminine adjective (سورية, تركية: قوات سورية is "Syrian
  forces"); tagged after a preposition (في سورية), with ب/ل attached (لسورية), at the start of a
  sentence, or coordinated with a name of the same kind.
- ``not_after_definite``: a surname that is also an adjective (البغدادي): not tagged after a
  definite word, where it would be the adjective (المطبخ البغدادي).
- ``case_sensitive`` (and every all-capitals acronym): Latin forms matched with their exact
  case, so US, WHO and Chad are not "us", "who" and "chad".

A form shared by several entities (طرابلس: Libya's and Lebanon's Tripoli; بوش: both presidents
Bush) is resolved first by the entities the rest of the text names by an unshared name (جورج
دبليو بوش ... بوش is the son), then by the countries it names; with no such clue every
candidate is counted.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from search.analysis.arabic import iter_tokens, token_matches, token_terms

__all__ = [
    "KINDS",
    "Entity",
    "EntityMatcher",
    "Mention",
    "name_terms",
]

KINDS = ("place", "person", "org")


@dataclass(frozen=True)
class Entity:
    """One gazetteer entry.  ``aliases`` hold every other spelling, in both scripts."""

    key: str
    kind: str
    name_ar: str
    name_en: str
    aliases: tuple[str, ...] = ()
    country: str = ""  # ISO 3166 code for places (a country's own code for a country)
    cue_only: tuple[str, ...] = ()
    nisba: tuple[str, ...] = ()
    not_after_definite: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()
    except_in: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()  # replaces the kind's default cue words for cue_only forms

    @property
    def names(self) -> tuple[str, ...]:
        """name_ar, name_en and the aliases, without repeats, in that order."""
        return tuple(dict.fromkeys((self.name_ar, self.name_en, *self.aliases)))


@dataclass(frozen=True)
class Mention:
    """A name found in a text; ``start``/``end`` index the original text."""

    key: str
    start: int
    end: int
    text: str


# --- language data ------------------------------------------------------------------------

# Words after which a cue_only name is meant as a name (before normalisation).
DEFAULT_CUES = {
    "place": (
        "مدينة مدينتي بلدة بلدتي قرية محافظة محافظتي ولاية إقليم ريف قضاء ناحية منطقة حي "
        "مخيم مطار ميناء أطراف ضواحي شمال جنوب شرق غرب شمالي جنوبي شرقي غربي وسط جمهورية "
        "دولة سلطنة مملكة إمارة العاصمة"
    ).split(),
    "person": "الرئيس الزعيم الفريق المشير الجنرال الشيخ الأمير الملك المرشد".split(),
    "org": "تنظيم جماعة فرع زعيم مقاتلي مقاتلو مسلحي مسلحو".split(),
}

# After these a nisba-ambiguous country name is the country (في سورية), not an adjective.
PREPOSITIONS = (
    "في من إلى على عن مع داخل خارج ضد حول نحو لدى عبر بين تجاه حيال إزاء أنحاء "
    "شمال جنوب شرق غرب وسط شمالي جنوبي شرقي غربي"
).split()

# Proclitics allowed on the first word of a name, for words with and without the article.
_PLAIN_PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_ARTICLE_PROCLITICS = ("و", "ف", "ب", "ك", "وب", "وك", "فب", "فك")
_LAM_PROCLITICS = ("", "و", "ف")  # ل + ال is written لل, after an optional و/ف

# Sentence punctuation between two words stops a multi-word name from spanning them.  A full
# stop after a single letter is an abbreviation (U.S., أ.ف.ب.), and one between digits is
# part of a number; neither counts.
_BREAK_RE = re.compile(r"[.!?؟;؛\n\r\u2029\u06d4]")


def _breaks(text: str) -> list[int]:
    found = []
    for match in _BREAK_RE.finditer(text):
        p = match.start()
        if text[p] == "." and p > 0:
            before = text[p - 1]
            if before.isdecimal() and text[p + 1 : p + 2].isdecimal():
                continue
            if before.isalpha() and (p == 1 or not (text[p - 2].isalnum() or text[p - 2] == "_")):
                continue
        found.append(p)
    return found


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in text)


def name_terms(name: str) -> tuple[str, ...]:
    """The normalised words of a name, as the tagger sees them in running text."""
    return tuple(t for token in iter_tokens(name) for t in token_terms(token.text))


def _name_tokens(name: str) -> tuple[str, ...]:
    # Original word forms, for names matched case-sensitively (one term per Latin token).
    return tuple(token.text for token in iter_tokens(name))


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isascii() and c.isupper() for c in letters)


def _proclitic_variants(word: str) -> list[tuple[str, str]]:
    """(proclitic, word with it) for every proclitic the first word of a name may carry."""
    if not _is_arabic(word):
        return []
    if word.startswith("ال") and len(word) > 3:
        variants = [(p, p + word) for p in _ARTICLE_PROCLITICS]
        stem = word[2:]
        for p in _LAM_PROCLITICS:
            variants.append((p + "ل", p + "لل" + stem))
            if stem.startswith("ل"):
                # لِ + اللاذقية is written للاذقية: the article's lam merges with the noun's.
                variants.append((p + "ل", p + "ل" + stem))
        return variants
    return [(p, p + word) for p in _PLAIN_PROCLITICS]


def _strip_conjunction(term: str) -> str:
    return term[1:] if len(term) > 2 and term[0] in "وف" else term


def _is_definite(term: str) -> bool:
    for p in ("", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك"):
        if term.startswith(p + "ال") and len(term) > len(p) + 3:
            return True
    return any(term.startswith(p + "لل") and len(term) > len(p) + 3 for p in _LAM_PROCLITICS)


def _normalized_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(" ".join(name_terms(w)) for w in words)


_PREPOSITIONS = _normalized_set(PREPOSITIONS)


# --- the matcher --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    key: str | None  # None: an except_in phrase, which tags nothing
    case: tuple[str, ...] | None  # exact original words required, or None
    rule: str  # "", "cue", "nisba" or "nad" (not after a definite word)
    proclitic: str
    direct: bool  # the name itself rather than a proclitic variant of it


@functools.lru_cache(maxsize=100_000)
def _word_terms(word: str) -> tuple[str, ...]:
    return tuple(token_terms(word))


class _Analysis:
    """A text as the automaton reads it: " term term term ", plus the way back to the text.

    Built with list comprehensions and C-level helpers: per-word Python work is what costs.
    """

    __slots__ = ("_breaks", "_cum", "ends", "starts", "string", "terms", "words")

    def __init__(self, text: str):
        matches = token_matches(text)
        # map() over C-level callables: no Python frame per word, where most of the cost was.
        words = list(map(re.Match.group, matches))
        per_word = list(map(_word_terms, words))
        if sum(map(len, per_word)) == len(per_word) and all(per_word):
            self.terms = list(map(operator.itemgetter(0), per_word))
        else:  # a word that normalises away, or one character that expands to several words
            pairs = [(term, m) for m, ts in zip(matches, per_word, strict=True) for term in ts]
            matches = [m for _, m in pairs]
            words = list(map(re.Match.group, matches))
            self.terms = [term for term, _ in pairs]
        self.words = words
        self.starts = list(map(re.Match.start, matches))
        self.ends = list(map(re.Match.end, matches))
        self.string = " " + " ".join(self.terms) + " "
        # _cum[k] is the index in ``string`` of the space right after term k.
        lengths = itertools.accumulate(map(len, self.terms))
        self._cum = list(map(operator.add, lengths, range(1, len(self.terms) + 1)))
        self._breaks = _breaks(text)

    def term_ending_at(self, string_index: int) -> int:
        return bisect.bisect_left(self._cum, string_index)

    def broken(self, i: int, j: int) -> bool:
        """True if sentence punctuation stands somewhere between terms i and j (i < j)."""
        b = self._breaks
        return bisect.bisect_left(b, self.ends[i]) < bisect.bisect_left(b, self.starts[j])


class EntityMatcher:
    """Finds gazetteer entities in Arabic or English text.  Build once, reuse: it is immutable."""

    def __init__(self, entities: Iterable[Entity]):
        self._entities: dict[str, Entity] = {}
        for entity in entities:
            if entity.key in self._entities:
                raise ValueError(f"duplicate entity key {entity.key!r}")
            if entity.kind not in KINDS:
                raise ValueError(f"{entity.key}: unknown kind {entity.kind!r}")
            self._entities[entity.key] = entity

        self._cues: dict[str, frozenset[str]] = {}
        self._restricted_forms: dict[str, frozenset[str]] = {}
        patterns: dict[str, list[_Candidate]] = {}
        for entity in self._entities.values():
            self._add_entity(entity, patterns)
        self._patterns = {p: self._settle(c) for p, c in patterns.items()}

        self._automaton = ahocorasick.Automaton()
        for pattern, candidates in self._patterns.items():
            # Most patterns need no rule or case check: their keys are known in advance.
            plain = all(c.case is None and not c.rule for c in candidates)
            fast = tuple(c.key for c in candidates) if plain else None
            value = (pattern.count(" ") + 1, candidates, fast)
            self._automaton.add_word(f" {pattern} ", value)
        if self._patterns:
            self._automaton.make_automaton()

    # -- building --

    def _add_entity(self, entity: Entity, patterns: dict[str, list[_Candidate]]) -> None:
        rules = {}
        for rule, forms in (
            ("nad", entity.not_after_definite),
            ("nisba", entity.nisba),
            ("cue", entity.cue_only),
        ):
            for form in forms:
                rules[" ".join(name_terms(form))] = rule
        self._restricted_forms[entity.key] = frozenset(
            form for form, rule in rules.items() if rule == "cue"
        )
        self._cues[entity.key] = _normalized_set(entity.cues or DEFAULT_CUES[entity.kind])
        exact = set(entity.case_sensitive)

        for name in entity.names:
            terms = name_terms(name)
            if not terms:
                continue
            normalized = " ".join(terms)
            case = _name_tokens(name) if (name in exact or _is_acronym(name)) else None
            rule = rules.get(normalized, "")
            self._add_pattern(patterns, terms, entity.key, case, rule)
        for phrase in entity.except_in:
            terms = name_terms(phrase)
            if terms:
                self._add_pattern(patterns, terms, None, None, "")

    @staticmethod
    def _add_pattern(patterns, terms, key, case, rule) -> None:
        forms = [("", terms[0], True)]
        forms += [(p, w, False) for p, w in _proclitic_variants(terms[0])]
        for proclitic, first, direct in forms:
            pattern = " ".join((first, *terms[1:]))
            patterns.setdefault(pattern, []).append(_Candidate(key, case, rule, proclitic, direct))

    @staticmethod
    def _settle(candidates: list[_Candidate]) -> tuple[_Candidate, ...]:
        # An except_in phrase beats everything; a word that is itself a name is not also a
        # proclitic plus another name; per entity one candidate, case-insensitive if any is.
        if any(c.key is None for c in candidates):
            return (_Candidate(None, None, "", "", True),)
        if any(c.direct for c in candidates):
            candidates = [c for c in candidates if c.direct]
        kept: dict[str, _Candidate] = {}
        for c in candidates:
            if c.key not in kept or (kept[c.key].case is not None and c.case is None):
                kept[c.key] = c
        return tuple(kept.values())

    # -- matching --

    def mentions(self, text: str) -> list[Mention]:
        """Every mention, in text order (a form shared by two entities yields one per entity)."""
        analysis = _Analysis(text)
        found = sorted(self._select(analysis))
        keysets = self._resolve([keys for _, _, keys in found])
        result = []
        for (i, j, _), keys in zip(found, keysets, strict=True):
            start, end = analysis.starts[i], analysis.ends[j]
            result.extend(Mention(key, start, end, text[start:end]) for key in keys)
        return result

    def find(self, text: str) -> dict[str, int]:
        """Entity key -> number of mentions in ``text``."""
        keysets = self._resolve([keys for _, _, keys in self._select(_Analysis(text))])
        return dict(Counter(itertools.chain.from_iterable(keysets)))

    def _select(self, a: _Analysis) -> Iterator[tuple[int, int, tuple[str | None, ...]]]:
        raw = []
        if not self._patterns:  # an empty gazetteer: pyahocorasick cannot search at all
            return
        for end, (length, candidates, fast) in self._automaton.iter(a.string):
            j = a.term_ending_at(end)
            i = j - length + 1
            if length == 1 or not a.broken(i, j):
                raw.append((i, j, candidates, fast))

        accepted = []
        kinds_ending_at: dict[int, set[str]] | None = None
        for i, j, candidates, fast in raw:
            if fast is not None:
                accepted.append((i, j, fast))
                continue
            if kinds_ending_at is None:
                kinds_ending_at = self._kinds_ending_at(raw, a)
            keys = tuple(c.key for c in candidates if self._accept(c, a, i, kinds_ending_at))
            if keys:
                accepted.append((i, j, keys))
        # Longest first; among equals the leftmost.  Every term belongs to at most one match.
        accepted.sort(key=lambda m: (m[0] - m[1], m[0]))
        taken = [False] * len(a.terms)
        for i, j, keys in accepted:
            if any(taken[i : j + 1]):
                continue
            taken[i : j + 1] = [True] * (j - i + 1)
            if keys != (None,) and None not in keys:
                yield i, j, keys

    def _kinds_ending_at(self, raw, a: _Analysis) -> dict[int, set[str]]:
        # Names that end right before a word, by kind, for the coordination rule (حمص وحماة).
        kinds: dict[int, set[str]] = {}
        for i, j, candidates, _ in raw:
            for c in candidates:
                if c.key is not None and not c.rule and self._case_ok(c, a, i):
                    kinds.setdefault(j, set()).add(self._entities[c.key].kind)
        return kinds

    @staticmethod
    def _case_ok(c: _Candidate, a: _Analysis, i: int) -> bool:
        return c.case is None or tuple(a.words[i : i + len(c.case)]) == c.case

    def _accept(self, c: _Candidate, a: _Analysis, i: int, kinds_ending_at) -> bool:
        if c.key is None:
            return True
        if not self._case_ok(c, a, i):
            return False
        if not c.rule:
            return True
        prev = a.terms[i - 1] if i > 0 and not a.broken(i - 1, i) else None
        if c.rule == "nad":
            return prev is None or not _is_definite(prev)
        kind = self._entities[c.key].kind
        if "و" in c.proclitic and kind in kinds_ending_at.get(i - 1, ()):
            return True  # coordinated with a name of the same kind: حمص وحماة, العراق وسورية
        if c.rule == "cue":
            return prev is not None and (
                prev in self._cues[c.key] or _strip_conjunction(prev) in self._cues[c.key]
            )
        # nisba
        return (
            prev is None
            or "ب" in c.proclitic
            or "ل" in c.proclitic
            or prev in _PREPOSITIONS
            or _strip_conjunction(prev) in _PREPOSITIONS
        )

    def _resolve(self, keysets: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        """Pick among entities sharing a form: one the text also names by an unshared name
        (بوش after جورج دبليو بوش), else by the countries the text names elsewhere."""
        if all(len(keys) == 1 for keys in keysets):
            return keysets
        named = {keys[0] for keys in keysets if len(keys) == 1}
        context = {self._entities[key].country for key in named if self._entities[key].country}
        resolved = []
        for keys in keysets:
            if len(keys) > 1:
                fitting = tuple(k for k in keys if k in named)
                fitting = fitting or tuple(k for k in keys if self._entities[k].country in context)
                keys = fitting or keys
            resolved.append(keys)
        return resolved

    # -- look-ups for search --

    def entity(self, key: str) -> Entity:
        return self._entities[key]

    @property
    def entities(self) -> list[Entity]:
        return list(self._entities.values())

    def entities_named_by(
        self, query_text: str, *, include_restricted: bool = False
    ) -> list[Entity]:
        """Entities one of whose names IS the query (a word or phrase, proclitics allowed).

        "سوريا", "بسوريا" and "Syria" name Syria; "سوريا الديمقراطية" names nothing.  Forms that
        the tagger takes only after a cue word (حماة, الباب, الأسد) are ordinary words too
        often to name an entity on their own, unless ``include_restricted``.
        """
        analysis = _Analysis(query_text)
        if not analysis.terms:
            return []
        candidates = self._patterns.get(" ".join(analysis.terms), ())
        keys = []
        for c in candidates:
            if c.key is None or not self._case_ok(c, analysis, 0):
                continue
            if c.rule == "cue" and not include_restricted:
                continue
            if c.key not in keys:
                keys.append(c.key)
        return [self._entities[k] for k in keys]

    def surface_forms(self, key: str, *, include_restricted: bool = False) -> list[str]:
        """Every name and alias of the entity as spelt in the gazetteer, for query expansion.

        Without ``include_restricted`` the cue_only forms are left out: expanding a search for
        al-Bab to الباب ("the door") would flood it.
        """
        entity = self._entities[key]
        restricted = self._restricted_forms[key]
        return [
            name
            for name in entity.names
            if include_restricted or " ".join(name_terms(name)) not in restricted
        ]
