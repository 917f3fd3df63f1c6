"""Turn the bytes of an uploaded file into text, or say clearly why not. Pure functions.

The order matters and is the same for every format:

1. a UTF-16/UTF-32 byte-order mark decides the encoding;
2. NUL bytes or many control characters mean a binary file (refused);
3. strict UTF-8 (with or without a BOM);
4. the encoding the file declares (an HTML ``<meta charset>`` or an HTTP header), when the whole
   file decodes with it;
5. detection with charset-normalizer (chardet 5 reads Windows-1256 Arabic as MacCyrillic);
6. whatever was decoded, runs of *mojibake* — UTF-8 Arabic that was once read as Windows-1256 and
   saved again ("ط§ظ„" for "ال") — are repaired run by run, leaving good text alone.

The result says which encoding was used and what was repaired, so the report can tell an editor.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import charset_normalizer

__all__ = ["DecodedText", "UnreadableFile", "decode", "looks_binary"]


class UnreadableFile(ValueError):
    """The file cannot be read as text; the message says why, for the person who gave it."""


@dataclass
class DecodedText:
    text: str
    encoding: str  # a display name: "UTF-8", "Windows-1256", ...
    # What an editor should know: not UTF-8, mojibake repaired. Empty for clean UTF-8.
    notes: list[str] = field(default_factory=list)


# Detection below this "chaos" (charset-normalizer's mess ratio, 0 = clean) is believed.
MAX_CHAOS = 0.2
_SAMPLE = 8192
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_DISPLAY_NAMES = {
    "utf_8": "UTF-8",
    "utf-8": "UTF-8",
    "utf8": "UTF-8",
    "cp1256": "Windows-1256",
    "windows-1256": "Windows-1256",
    "cp1252": "Windows-1252",
    "windows-1252": "Windows-1252",
    "cp1250": "Windows-1250",
    "iso8859_6": "ISO-8859-6",
    "iso-8859-6": "ISO-8859-6",
    "latin_1": "ISO-8859-1",
    "iso-8859-1": "ISO-8859-1",
    "mac_arabic": "MacArabic",
    "cp720": "DOS-720 (Arabic)",
    "cp864": "IBM-864 (Arabic)",
}
# Control characters other than tab, newline, carriage return and form feed.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def display_name(encoding: str) -> str:
    try:
        canonical = codecs.lookup(encoding).name
    except LookupError:
        canonical = encoding
    return _DISPLAY_NAMES.get(canonical, _DISPLAY_NAMES.get(encoding.lower(), encoding))


def looks_binary(data: bytes) -> bool:
    """NUL bytes never occur in 8-bit or UTF-8 text (UTF-16 is recognised by its BOM first),
    and text files hold almost no other control characters."""
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\x0c\x1b")
    return controls > max(8, len(sample) // 100)


def decode(data: bytes, declared: str = "") -> DecodedText:
    """Decode a text file; `declared` is the charset the file or its transport names, if any."""
    if not data.strip():
        raise UnreadableFile("the file is empty")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise UnreadableFile(f"broken {name} at byte {error.start}") from None
            return _finish(text, name, [f"decoded as {name} (not UTF-8)"])
    if looks_binary(data):
        raise UnreadableFile("the file is binary, not text")
    try:
        return _finish(data.decode("utf-8-sig"), "UTF-8", [])
    except UnicodeDecodeError as error:
        first_bad = error.start
    codec, text = other_encoding(data, declared, first_bad)
    name = display_name(codec)
    return _finish(text, name, [not_utf8(name)])


def other_encoding(data: bytes, declared: str, first_bad: int) -> tuple[str, str]:
    """(codec, text) of bytes that are not UTF-8 (the first bad byte at offset `first_bad`):
    the `declared` encoding when it reads them cleanly, else the one charset-normalizer finds;
    UnreadableFile when neither does."""
    if declared:
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if not CONTROL_CHARS.search(text):
                return declared, text
    match = charset_normalizer.from_bytes(data).best()
    if match is None or match.chaos > MAX_CHAOS or not str(match).strip():
        raise UnreadableFile(
            f"cannot tell the text encoding: not valid UTF-8 (first bad byte at offset "
            f"{first_bad}) and no other encoding reads it cleanly; save the file as UTF-8 "
            "and import it again"
        )
    return match.encoding, str(match)


def not_utf8(name: str) -> str:
    return f"decoded as {name} (not UTF-8): check the text reads right"


def _finish(text: str, encoding: str, notes: list[str]) -> DecodedText:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise UnreadableFile("the file is empty")
    repaired, count = repair_mojibake(text)
    if count:
        notes = [
            *notes,
            f"repaired {count} run{'s' if count > 1 else ''} of garbled Arabic "
            "(UTF-8 once read as Windows-1256)",
        ]
    return DecodedText(repaired, encoding, notes)


# --- mojibake ---------------------------------------------------------------------------------

# UTF-8 Arabic letters start with byte D8 or D9, which Windows-1256 reads as ط and ظ; their second
# byte (80-BF) becomes one of these characters. Mojibake is a run of such characters.
_CP1256_HIGH = bytes(range(0x80, 0x100)).decode("cp1256", errors="replace").replace("\ufffd", "")
_CONTINUATION = bytes(range(0x80, 0xC0)).decode("cp1256", errors="replace").replace("\ufffd", "")
_MOJIBAKE_PAIR = re.compile(f"[طظ][{re.escape(_CONTINUATION)}]")
# A whole run (from its first character) with such a pair in it. Runs without one are never
# changed, and ordinary Arabic words are runs too: matching only these keeps the words out of
# the Python callback, and anchoring at a run's start keeps the scan linear.
_HIGH = f"[{re.escape(_CP1256_HIGH)}]"
_MOJIBAKE_RUN = re.compile(f"(?<!{_HIGH})(?={_HIGH}*?{_MOJIBAKE_PAIR.pattern}){_HIGH}++")
_ARABIC = re.compile("[\u0600-\u06ff]")


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8-read-as-Windows-1256, run by run; return the text and how many runs changed.

    A run is changed only when it re-encodes to Windows-1256 bytes that are *strictly valid* UTF-8
    and decode to Arabic: ordinary Arabic words almost never do (their Windows-1256 bytes are not
    UTF-8 sequences), so genuine text is left alone.
    """
    if not _MOJIBAKE_PAIR.search(text):
        return text, 0
    count = 0

    def fix(match: re.Match) -> str:
        nonlocal count
        run = match.group(0)
        try:
            fixed = run.encode("cp1256").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run
        if not _ARABIC.search(fixed):
            return run
        count += 1
        return fixed

    return _MOJIBAKE_RUN.sub(fix, text), count
