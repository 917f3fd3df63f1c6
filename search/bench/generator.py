"""Synthetic Arabic (and some English) conflict news, deterministic for a seed. Pure Python.

Articles are dicts of the import contract keys (title, body, url, source, section, published,
language, tags), so they go through the same `import_articles` path as a real export. The text is
not meant to read well; it is meant to stress search the way real archives do: a Zipfian
vocabulary of real news words, function words the analyzer drops, recurring names and
collocations for phrase queries, and the spelling noise readers and scrapers produce — harakat,
attached و/ب/ل/ال, hamza dropped or misplaced, ة as ه, ى/ي swapped, tatweel.

The words themselves are vocabulary.py's tables; this module is how they become articles: the
Zipf weights, the spelling noise, sentences, bodies, dates and records, and the JSONL files.
No Django imports: the generator is usable from the test suite, a shell or another project.

Version 2 (GENERATOR_VERSION) made the corpus as demanding for the importer as real input (issue
14: another generator's corpus imported at about half the rate of version 1's):
- near-duplicates: real archives hold wire copies and reposts, so an import checks candidates
  from the near-duplicate index (an exact shingle comparison each); version 1 had none, so that
  path never ran. Now REPOST_SHARE of the articles are close copies of a recent one (linked as
  near-duplicates) and REWRITE_SHARE are rewrites (candidates that fail the check);
- a long tail of rare words: a real archive's vocabulary keeps growing (tens of thousands of
  distinct forms), version 1 drew every word from ~2,000, so the analysis cache, the lexicons
  and the index writer saw unrealistically few terms. TAIL_SHARE of the Arabic words now come
  from TAIL_SIZE regularly derived forms of Arabic roots (root and pattern, as Arabic makes
  words), Zipf-distributed;
- entity density: news names places, people and organisations in most sentences, and each
  mention is work for the entity tagger; ENTITY_PER_SENTENCE adds a name to a sentence.
"""

from __future__ import annotations

import itertools
import json
import random
from collections import deque
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from search.bench.vocabulary import (
    ACTORS,
    ENGLISH_FUNCTION_WORDS,
    ENGLISH_PHRASES,
    ENGLISH_TAGS,
    ENGLISH_WORDS,
    FUNCTION_WORDS,
    KINDS,
    PHRASES,
    PLACES,
    RARE_NAMES,
    SECTIONS,
    SOURCES,
    TAGS,
    VOCABULARY,
)

# Bumped whenever the same seed gives other articles: cached corpora are kept per version.
GENERATOR_VERSION = 2

DATE_FIRST = date(2011, 1, 1)
DATE_LAST = date(2026, 6, 30)

ENGLISH_SHARE = 0.10
MISSING_DATE_SHARE = 0.03
ZIPF_EXPONENT = 1.0
FUNCTION_WORD_SHARE = 0.28
NUMBER_SHARE = 0.02
PHRASE_PER_SENTENCE = 0.35
RARE_NAME_SHARE = 0.25  # of Arabic articles naming one of RARE_NAMES
# Spelling noise, per Arabic content word.
MISSPELL_SHARE = 0.12  # hamza, ة/ه, ى/ي; only where the word has the letter
DIACRITIC_SHARE = 0.05
TATWEEL_SHARE = 0.005
BODY_WORDS_MEAN = 500
BODY_WORDS_SD = 110
# Near-duplicates of one of the RECENT_KEPT articles before: close copies (a few words changed:
# linked as near-duplicates) and rewrites (a fifth changed: candidates the check turns down).
REPOST_SHARE = 0.04
REWRITE_SHARE = 0.04
REPOST_EDITS = 0.02
REWRITE_EDITS = (0.12, 0.3)
RECENT_KEPT = 300
# Arabic content words from the long tail of derived forms (see _tail_words).
TAIL_SHARE = 0.08
TAIL_SIZE = 60_000
ENTITY_PER_SENTENCE = 0.45


def _cumulative_zipf(size: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, size + 1)))


_VOCAB_CUM = _cumulative_zipf(len(VOCABULARY))
_ENTRIES = list(zip(VOCABULARY, KINDS, strict=True))
_PHRASE_CUM = _cumulative_zipf(len(PHRASES), 0.8)
_FUNCTION_CUM = _cumulative_zipf(len(FUNCTION_WORDS), 0.7)
_ENGLISH_CUM = _cumulative_zipf(len(ENGLISH_WORDS))
_ENGLISH_PHRASE_CUM = _cumulative_zipf(len(ENGLISH_PHRASES), 0.8)
_NAMES = list(dict.fromkeys(ACTORS.split() + PLACES.split()))
_NAMES_CUM = _cumulative_zipf(len(_NAMES), 0.8)


def _tail_words(size: int) -> list[str]:
    """`size` distinct Arabic-looking words made as Arabic makes words: a three-letter root put
    in a pattern (فاعل, مفعول, استفعال, …), in a fixed shuffled order (the Zipf rank)."""
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهي"
    patterns = (
        "فاعل", "مفعول", "تفعيل", "استفعال", "مفاعلة", "فعالة", "افتعال", "انفعال", "تفاعل",
        "فعيل", "فعول", "مفعل", "فواعل", "مفاعيل", "يفعلون", "تفعلت",
    )  # fmt: skip
    rng = random.Random(20260)
    words: dict[str, None] = {}
    while len(words) < size:
        root = "".join(rng.choice(letters) for _ in range(3))
        words[rng.choice(patterns).translate(str.maketrans("فعل", root))] = None
    return list(words)


_TAIL = _tail_words(TAIL_SIZE)
_TAIL_CUM = _cumulative_zipf(TAIL_SIZE)

# --- spelling noise ------------------------------------------------------------------------------

_HAMZA_ALEFS = "أإآ"
_FATHA, _DAMMA, _KASRA = "\u064e", "\u064f", "\u0650"
_SHADDA, _SUKUN = "\u0651", "\u0652"
_TANWEEN = ("\u064b", "\u064c", "\u064d")
_TATWEEL = "\u0640"
# Letters that do not join to the next one: tatweel can only follow a joining letter.
_NON_JOINING = set("اأإآدذرزوؤةءى")
_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _misspell(word: str, rng: random.Random) -> str:
    options = []
    if any(ch in _HAMZA_ALEFS for ch in word):
        options.append("strip_hamza")
    elif word[0] == "ا" and not word.startswith("ال"):
        options.append("add_hamza")
    if word.endswith("ة"):
        options.append("open_teh")
    if word.endswith("ى"):
        options.append("yeh")
    elif word.endswith("ي") and len(word) > 3:
        options.append("maksura")
    if not options:
        return word
    choice = rng.choice(options)
    if choice == "strip_hamza":
        return word.translate({ord(ch): "ا" for ch in _HAMZA_ALEFS})
    if choice == "add_hamza":
        return rng.choice("أإ") + word[1:]
    if choice == "open_teh":
        return word[:-1] + "ه"
    if choice == "yeh":
        return word[:-1] + "ي"
    return word[:-1] + "ى"


def _with_clitic(word: str, kind: str, rng: random.Random) -> str:
    r = rng.random()
    if kind == "v":
        if r < 0.10:
            return "و" + word
        if r < 0.13:
            return "ف" + word
        return word
    if kind == "p" or word.startswith("ال"):
        if r < 0.08:
            return "و" + word
        if r < 0.12:
            return "ب" + word
        if r < 0.15:
            # لِ + العراق is written للعراق: the alef of ال goes.
            return "ل" + word[1:] if word.startswith("ال") else "ل" + word
        return word
    if r < 0.30:
        return "ال" + word
    if r < 0.36:
        return "وال" + word
    if r < 0.40:
        return "بال" + word
    if r < 0.43:
        # لِ + ال: للحكومة, and للاجئين when the noun itself starts with ل.
        return ("ل" if word.startswith("ل") else "لل") + word
    if r < 0.48:
        return "و" + word
    if r < 0.51:
        return "ب" + word
    if r < 0.53:
        return "ل" + word
    if r < 0.54:
        return "ف" + word
    return word


def _diacritise(word: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.4 and len(word) > 2:
        # A shadda on one letter, the usual disambiguating mark (قوّات، المكوّن).
        i = rng.randrange(1, len(word) - 1)
        return word[: i + 1] + _SHADDA + rng.choice((_FATHA, _KASRA)) + word[i + 1 :]
    if style < 0.7:
        return word + rng.choice(_TANWEEN)
    # Fully vowelled, as in quoted statements and headlines.
    marks = (_FATHA, _DAMMA, _KASRA, _SUKUN)
    return "".join(ch + rng.choice(marks) for ch in word[:-1]) + word[-1]


def _tatweel(word: str, rng: random.Random) -> str:
    spots = [i for i in range(len(word) - 1) if word[i] not in _NON_JOINING]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[: i + 1] + _TATWEEL * rng.randint(1, 3) + word[i + 1 :]


def _arabic_word(word: str, kind: str, rng: random.Random) -> str:
    if rng.random() < MISSPELL_SHARE:
        word = _misspell(word, rng)
    word = _with_clitic(word, kind, rng)
    r = rng.random()
    if r < DIACRITIC_SHARE:
        return _diacritise(word, rng)
    if r < DIACRITIC_SHARE + TATWEEL_SHARE:
        return _tatweel(word, rng)
    return word


def _number(rng: random.Random) -> str:
    value = str(rng.choice((rng.randint(2, 60), rng.randint(10, 999), rng.randint(2011, 2026))))
    return value.translate(_INDIC_DIGITS) if rng.random() < 0.3 else value


# --- sentences and articles -----------------------------------------------------------------------


def _arabic_sentence(rng: random.Random, length: int, *, title: bool = False) -> str:
    words = []
    entries = rng.choices(_ENTRIES, cum_weights=_VOCAB_CUM, k=length)
    for word, kind in entries:
        if rng.random() < TAIL_SHARE:
            word, kind = rng.choices(_TAIL, cum_weights=_TAIL_CUM)[0], "n"
        r = rng.random()
        if not title and r < FUNCTION_WORD_SHARE:
            words.append(rng.choices(FUNCTION_WORDS, cum_weights=_FUNCTION_CUM)[0])
        elif r > 1 - NUMBER_SHARE:
            words.append(_number(rng))
        words.append(_arabic_word(word, kind, rng))
    if rng.random() < (0.6 if title else PHRASE_PER_SENTENCE):
        phrase = rng.choices(PHRASES, cum_weights=_PHRASE_CUM)[0]
        if rng.random() < 0.1:
            phrase = phrase.translate({ord(ch): "ا" for ch in _HAMZA_ALEFS})
        words.insert(rng.randrange(len(words) + 1), phrase)
    if rng.random() < ENTITY_PER_SENTENCE:
        name = rng.choices(_NAMES, cum_weights=_NAMES_CUM)[0]
        words.insert(rng.randrange(len(words) + 1), _arabic_word(name, "p", rng))
    if not title and len(words) > 10 and rng.random() < 0.5:
        i = rng.randrange(3, len(words) - 3)
        words[i] += "،"
    return " ".join(words) if title else " ".join(words) + "."


def _english_sentence(rng: random.Random, length: int, *, title: bool = False) -> str:
    words = []
    for word in rng.choices(ENGLISH_WORDS, cum_weights=_ENGLISH_CUM, k=length):
        if not title and rng.random() < 0.35:
            words.append(rng.choice(ENGLISH_FUNCTION_WORDS))
        words.append(word)
    if rng.random() < (0.5 if title else PHRASE_PER_SENTENCE):
        phrase = rng.choices(ENGLISH_PHRASES, cum_weights=_ENGLISH_PHRASE_CUM)[0]
        words.insert(rng.randrange(len(words) + 1), phrase)
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    return text if title else text + "."


def _body(rng: random.Random, sentence, rare_name: str | None = None) -> str:
    target = max(150, int(rng.gauss(BODY_WORDS_MEAN, BODY_WORDS_SD)))
    paragraphs, count = [], 0
    while count < target:
        sentences = [sentence(rng, rng.randint(6, 16)) for _ in range(rng.randint(2, 5))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += paragraph.count(" ") + 1
    if rare_name:
        i = rng.randrange(len(paragraphs))
        words = paragraphs[i].split(" ")
        words.insert(rng.randrange(len(words)), rare_name)
        paragraphs[i] = " ".join(words)
    return "\n\n".join(paragraphs)


def _published(rng: random.Random) -> str | None:
    if rng.random() < MISSING_DATE_SHARE:
        return None
    day = DATE_FIRST + timedelta(days=rng.randrange((DATE_LAST - DATE_FIRST).days + 1))
    if rng.random() < 0.8:
        return day.isoformat()
    # Some exports carry a timestamp with an offset, as feeds do.
    hour, minute = rng.randrange(24), rng.randrange(60)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{rng.choice(('Z', '+03:00', '+02:00'))}"


def _edited(text: str, rng: random.Random, share: float, english: bool) -> str:
    """`text` with about `share` of its words replaced by others of its language."""
    vocabulary, weights = (ENGLISH_WORDS, _ENGLISH_CUM) if english else (VOCABULARY, _VOCAB_CUM)
    paragraphs = []
    for paragraph in text.split("\n\n"):
        words = paragraph.split(" ")
        for i in range(len(words)):
            if rng.random() < share:
                words[i] = rng.choices(vocabulary, cum_weights=weights)[0]
        paragraphs.append(" ".join(words))
    return "\n\n".join(paragraphs)


def _near_duplicate(rng: random.Random, number: int, seed: int, base: dict, edits: float) -> dict:
    """Another source's copy of `base`: its words a little edited, its own title and URL."""
    sources = [s for s in SOURCES if s[2] == base["language"] and s[0] != base["source"]]
    name, domain, language = rng.choice(sources or SOURCES)
    published = base.get("published") or None
    year = published[:4] if published else "undated"
    sentence = _english_sentence if language == "en" else _arabic_sentence
    record = {
        "title": sentence(rng, rng.randint(5, 10), title=True),
        "body": _edited(base["body"], rng, edits, language == "en"),
        "url": f"https://www.{domain}/news/{year}/{seed}-{number:07d}",
        "source": name,
        "section": base["section"],
        "language": language,
        "tags": list(base["tags"]),
    }
    if published:
        record["published"] = published
    return record


def article(rng: random.Random, number: int, seed: int, recent=()) -> dict:
    """One synthetic article; `number` and `seed` make its URL unique. `recent`, the articles
    generated before (the last RECENT_KEPT), are what a near-duplicate copies."""
    copy = rng.random()
    if recent and copy < REPOST_SHARE + REWRITE_SHARE:
        base = recent[rng.randrange(len(recent))]
        edits = REPOST_EDITS if copy < REPOST_SHARE else rng.uniform(*REWRITE_EDITS)
        return _near_duplicate(rng, number, seed, base, edits)
    english = rng.random() < ENGLISH_SHARE
    sources = [s for s in SOURCES if s[2] == ("en" if english else "ar")]
    name, domain, language = rng.choice(sources)
    sentence = _english_sentence if english else _arabic_sentence
    title = sentence(rng, rng.randint(5, 10), title=True)
    rare_name = None
    if not english and rng.random() < RARE_NAME_SHARE:
        rare_name = rng.choice(RARE_NAMES)
    body = _body(rng, sentence, rare_name)
    section = rng.choice(SECTIONS)
    tags = rng.sample(ENGLISH_TAGS if english else TAGS, k=rng.choice((0, 1, 1, 2, 2, 3)))
    published = _published(rng)
    year = published[:4] if published else "undated"
    record = {
        "title": title,
        "body": body,
        "url": f"https://www.{domain}/news/{year}/{seed}-{number:07d}",
        "source": name,
        "section": section,
        "language": language,
        "tags": tags,
    }
    if published is not None:
        record["published"] = published
    elif rng.random() < 0.5:
        record["published"] = ""  # some exports write an empty value instead of leaving it out
    return record


def generate(n: int, seed: int = 0) -> Iterator[dict]:
    """`n` articles; the same seed always gives the same articles, and a longer run of the same
    seed starts with the articles of a shorter one."""
    rng = random.Random(seed)
    recent: deque[dict] = deque(maxlen=RECENT_KEPT)
    for number in range(n):
        record = article(rng, number, seed, recent)
        recent.append(record)
        yield record


def write_jsonl(path: str | Path, n: int, seed: int = 0) -> Path:
    """Write `n` articles as JSON Lines to `path`."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as handle:
        for record in generate(n, seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def write_jsonl_parts(directory: str | Path, n: int, seed: int = 0, per_file: int = 1000) -> list:
    """Write `n` articles as numbered JSONL files of at most `per_file` articles each.

    Admin uploads cap the size of one file (ARCHIVE_MAX_FILE_MB), and real exports come in
    batches. (import_articles reads a JSONL file record by record, with no size cap: write_jsonl
    makes one file of any size.)
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    handle = None
    try:
        for index, record in enumerate(generate(n, seed)):
            if index % per_file == 0:
                if handle:
                    handle.close()
                paths.append(directory / f"articles-{len(paths) + 1:04d}.jsonl")
                handle = paths[-1].open("w", encoding="utf-8")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if handle:
            handle.close()
    return paths
