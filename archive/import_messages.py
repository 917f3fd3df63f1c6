"""The importer's notes in the editor's language, translated when a page shows them.

The importer (archive/ingest) writes its outcome messages, warnings and notes in English: that
is what `manage.py import_articles` prints and what import histories store. The admin pages
show them in the editor's interface language instead, by reading each message back here:
a known message becomes its translation with the same values (file names, field names, ids,
sizes stay as they are); anything else is shown as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

Translate = Callable[[dict[str, str]], str]

# Whole messages, tried in order (the more specific pattern first). Each translation gets the
# pattern's named groups; a group called `rest` holds further sentences, translated in turn.
_MESSAGES: list[tuple[str, Translate]] = [
    # Duplicates and updates (archive/ingest/store.py)
    (r"same text as article #(?P<id>\d+)", lambda g: _("same text as article #%(id)s") % g),
    (
        r"already imported as article #(?P<id>\d+)",
        lambda g: _("already imported as article #%(id)s") % g,
    ),
    (
        r"same URL as (?P<name>.+) in this import: it would update that article",
        lambda g: _("same URL as %(name)s in this import: it would update that article") % g,
    ),
    (r"same text as (?P<name>.+)", lambda g: _("same text as %(name)s in this import") % g),
    (
        r"the same text is already stored as article #(?P<id>\d+)",
        lambda g: _("the same text is already stored as article #%(id)s") % g,
    ),
    (
        r"the same text is already stored as article",
        lambda g: _("the same text is already stored as another article"),
    ),
    (
        r"near-duplicate of article #(?P<id>\d+) \((?P<percent>\d+%) the same\)",
        lambda g: _("near-duplicate of article #%(id)s (%(percent)s the same)") % g,
    ),
    (
        r"near-duplicate of (?P<name>.+) \((?P<percent>\d+%) the same\)",
        lambda g: _("near-duplicate of %(name)s in this import (%(percent)s the same)") % g,
    ),
    (
        r"article #(?P<id>\d+): (?P<fields>[\w, ]+)",
        lambda g: _("updates article #%(id)s: %(fields)s") % g,
    ),
    # No article in the file (archive/ingest/html.py, plaintext/parser.py, service.py)
    (r"no article", lambda g: _("no article")),
    (r"No article: the page is empty\.", lambda g: _("No article: the page is empty.")),
    (
        r"No article: the text is empty or only whitespace\.",
        lambda g: _("No article: the text is empty or only whitespace."),
    ),
    (
        r"No article: the page has no title \(no <title>, og:title or <h1>\)\.",
        lambda g: _("No article: the page has no title (no <title>, og:title or <h1>)."),
    ),
    (
        r"No article: the page titled (?P<title>.+) has no article text "
        r"\(only navigation, links or page furniture\)\.",
        lambda g: (
            _(
                "No article: the page titled %(title)s has no article text (only navigation, "
                "links or page furniture)."
            )
            % g
        ),
    ),
    (
        r"No article: line (?P<line>\d+) reads as a title \((?P<title>.+)\) "
        r"but no body text follows it\.",
        lambda g: (
            _("No article: line %(line)s reads as a title (%(title)s) but no body text follows it.")
            % g
        ),
    ),
    # Files that cannot be read (archive/ingest/decode.py, archives.py, service.py, formats.py)
    (r"the file is empty", lambda g: _("the file is empty")),
    (r"the file is binary, not text", lambda g: _("the file is binary, not text")),
    (r"no such file or folder", lambda g: _("no such file or folder")),
    (
        r"broken (?P<encoding>.+) at byte (?P<offset>\d+)",
        lambda g: _("broken %(encoding)s at byte %(offset)s") % g,
    ),
    (
        r"cannot tell the text encoding: not valid UTF-8 \(first bad byte at offset "
        r"(?P<offset>\d+)\) and no other encoding reads it cleanly; save the file as UTF-8 "
        r"and import it again",
        lambda g: (
            _(
                "cannot tell the text encoding: not valid UTF-8 (first bad byte at offset "
                "%(offset)s) and no other encoding reads it cleanly; save the file as UTF-8 and "
                "import it again"
            )
            % g
        ),
    ),
    (
        r"decoded as (?P<encoding>.+) \(not UTF-8\): check the text reads right",
        lambda g: _("decoded as %(encoding)s (not UTF-8): check the text reads right") % g,
    ),
    (
        r"decoded as (?P<encoding>.+) \(not UTF-8\)",
        lambda g: _("decoded as %(encoding)s (not UTF-8)") % g,
    ),
    (
        r"repaired (?P<count>\d+) runs? of garbled Arabic \(UTF-8 once read as Windows-1256\)",
        lambda g: (
            ngettext(
                "repaired %(count)s run of garbled Arabic (UTF-8 once read as Windows-1256)",
                "repaired %(count)s runs of garbled Arabic (UTF-8 once read as Windows-1256)",
                int(g["count"]),
            )
            % g
        ),
    ),
    (
        r"the file is more than (?P<size>.+), over the (?P<limit>.+) limit",
        lambda g: _("the file is more than %(size)s, over the %(limit)s limit") % g,
    ),
    (
        r"the file is (?P<size>.+), over the (?P<limit>.+) limit",
        lambda g: _("the file is %(size)s, over the %(limit)s limit") % g,
    ),
    (
        r"unsupported file type \(supported: (?P<supported>.+)\)",
        lambda g: _("unsupported file type (supported: %(supported)s)") % g,
    ),
    (
        r"could not be read \((?P<error>.+)\)",
        lambda g: _("could not be read (%(error)s)") % g,
    ),
    (
        r"could not be stored \((?P<error>.+)\)",
        lambda g: _("could not be stored (%(error)s)") % g,
    ),
    # Records (archive/ingest/records.py): the JSON parser's own words stay as they are.
    (
        r"malformed JSON at line (?P<line>\d+), column (?P<column>\d+): (?P<error>.+)",
        lambda g: _("malformed JSON at line %(line)s, column %(column)s: %(error)s") % g,
    ),
    (
        r"malformed JSON at column (?P<column>\d+): (?P<error>.+)",
        lambda g: _("malformed JSON at column %(column)s: %(error)s") % g,
    ),
    (r"(?P<field>\w+): is missing or empty", lambda g: _("%(field)s: is missing or empty") % g),
    # Publication dates (archive/ingest/plaintext/dating.py, html.py, records.py)
    (r"no publication date given", lambda g: _("no publication date given")),
    (
        r"No publication date found; published is left empty \(dates mentioned inside the "
        r"body are never used\)\.(?P<rest>.*)",
        lambda g: _(
            "No publication date found; published is left empty (dates mentioned inside the "
            "body are never used)."
        ),
    ),
    (
        r"An update date \((?P<date>[\d-]+)\) was found but not used\.(?P<rest>.*)",
        lambda g: _("An update date (%(date)s) was found but not used.") % g,
    ),
    (
        r"A Hijri date line was found but could not be converted\.",
        lambda g: _("A Hijri date line was found but could not be converted."),
    ),
    (
        r"Only the day of publication is known\.",
        lambda g: _("Only the day of publication is known."),
    ),
    (
        r"Only the month of publication is known\.",
        lambda g: _("Only the month of publication is known."),
    ),
    (
        r"Only the year of publication is known\.",
        lambda g: _("Only the year of publication is known."),
    ),
    (
        r"Several publication dates found; kept (?P<kept>[\d-]+), ignored (?P<others>[\d, -]+)\.",
        lambda g: _("Several publication dates found; kept %(kept)s, ignored %(others)s.") % g,
    ),
    # How a saved page was read (archive/ingest/html.py)
    (
        r"article text read from the page's (?P<where>.+)",
        lambda g: _("article text read from the page's %(where)s") % g,
    ),
]
_COMPILED = [(re.compile(pattern, re.DOTALL), translate) for pattern, translate in _MESSAGES]


def translate_message(message: str) -> str:
    """`message` in the active language when it is one the importer writes, else unchanged.

    An imported article's message joins several with "; " (a near-duplicate, then notes): each
    part is translated on its own when the whole is not one message.
    """
    message = message or ""
    found = _translate_one(message)
    if found is not None or "; " not in message:
        return message if found is None else found
    # Translators: what separates two notes of one import outcome.
    return _("; ").join(_translate_one(part) or part for part in message.split("; "))


def _translate_one(message: str) -> str | None:
    text = message.strip()
    for pattern, translate in _COMPILED:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = {key: value or "" for key, value in match.groupdict().items()}
        translated = translate(groups)
        rest = groups.get("rest", "").strip()
        if rest:
            translated = f"{translated} {translate_message(rest)}"
        return translated
    return None


STATUS_LABELS = {
    "imported": lambda: pgettext("import outcome", "imported"),
    "updated": lambda: pgettext("import outcome", "updated"),
    "skipped": lambda: pgettext("import outcome", "skipped"),
    "failed": lambda: pgettext("import outcome", "failed"),
}


def status_label(status: str) -> str:
    """An outcome's status (imported, updated, skipped, failed) in the active language."""
    label = STATUS_LABELS.get(status)
    return label() if label else status


PRECISION_LABELS = {
    "day": lambda: pgettext("date precision", "day"),
    "month": lambda: pgettext("date precision", "month only"),
    "year": lambda: pgettext("date precision", "year only"),
}


def precision_label(precision: str) -> str:
    """How precise a publication date is (day, month, year), in the active language."""
    label = PRECISION_LABELS.get(precision)
    return label() if label else precision


def summary(imported: int, updated: int, skipped: int, failed: int) -> str:
    """What an import did, in the active language (ImportBatch.summary is the English one)."""
    return _(
        "imported %(imported)d, updated %(updated)d, skipped %(skipped)d, failed %(failed)d"
    ) % {"imported": imported, "updated": updated, "skipped": skipped, "failed": failed}
