"""Every spelling of a normalised word, as a regex over the ORIGINAL text.

Normalisation (arabic.normalize) folds hamza forms, ة/ه, ى/ي, Persian letters, digits of any
script and case, and drops harakat, tatweel and invisible controls. Highlighting has to go the
other way: mark, in the text as it was written, the words a normalised query term stands for.
The regexes here do that without normalising (and so re-mapping the offsets of) the text;
highlight.py is their caller. Pure functions, no Django or Whoosh.
"""

from __future__ import annotations

import functools
import re

from search.analysis.arabic import normalize

# Where the characters a text may be written in live: Latin, Arabic and its supplements and
# presentation forms, and the general punctuation block (zero-width and bidi controls).
_WRITTEN_RANGES = (
    (0x0020, 0x0250),
    (0x0600, 0x0700),
    (0x0750, 0x0780),
    (0x08A0, 0x0900),
    (0x2000, 0x2070),
    (0xFB50, 0xFE00),
    (0xFE70, 0xFF00),
)


@functools.lru_cache(maxsize=1)
def _spellings() -> tuple[dict[str, str], str]:
    """normalised character → a regex class of every character normalising to it, and the
    class of characters normalising to nothing (harakat, tatweel, invisible controls)."""
    variants: dict[str, set[str]] = {}
    ignorable: list[str] = []
    for low, high in _WRITTEN_RANGES:
        for code in range(low, high):
            char = chr(code)
            folded = normalize(char)
            if not folded:
                ignorable.append(char)
            elif len(folded) == 1:
                variants.setdefault(folded, set()).add(char)
    classes = {
        folded: "[" + "".join(re.escape(c) for c in sorted(chars | {folded})) + "]"
        for folded, chars in variants.items()
    }
    return classes, "[" + "".join(re.escape(c) for c in ignorable) + "]*"


def loose_pattern(normalised: str) -> str:
    """A regex finding, in ORIGINAL text, any spelling that normalises to `normalised`.

    Hamza forms, ة/ه, ى/ي, Persian letters, digits of any script, upper case, and harakat,
    tatweel or invisible controls between letters: so a match can be found in the text as
    written, without normalising the text first.
    """
    classes, between = _spellings()
    return between.join(classes.get(c, re.escape(c)) for c in normalised)


@functools.lru_cache(maxsize=512)
def spelling_regex(needles: frozenset[str]) -> re.Pattern:
    """One compiled regex finding any spelling (see loose_pattern) of any of `needles`."""
    # A needle inside another finds every place the longer one does: the longer is redundant.
    kept = sorted(n for n in needles if n and not any(o != n and o in n for o in needles))
    classes, _ = _spellings()
    # Checking the first letter once per position spares trying every alternative there.
    first = "".join(sorted({classes.get(n[0], re.escape(n[0]))[1:-1] for n in kept}))
    alternatives = "|".join(loose_pattern(n) for n in kept)
    return re.compile(f"(?=[{first}])(?:{alternatives})")
