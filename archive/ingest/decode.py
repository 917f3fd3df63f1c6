"""Turn the bytes of an uploaded file into text, or say clearly why not. Pure functions."""

from __future__ import annotations

import codecs


class UnreadableFile(ValueError):
    """The file cannot be read as text; the message says why, for the person who gave it."""


def looks_binary(data: bytes) -> bool:
    # NUL bytes never occur in UTF-8 text; UTF-16 is recognised by its BOM before this runs.
    return b"\x00" in data[:8192]


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; refuse anything else."""
    if not data.strip():
        raise UnreadableFile("the file is empty")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise UnreadableFile(f"broken UTF-16 at byte {error.start}") from None
    if looks_binary(data):
        raise UnreadableFile("the file is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"not valid UTF-8 (first bad byte at offset {error.start}); "
            "save the file as UTF-8 and import it again"
        ) from None
    if not text.strip():
        raise UnreadableFile("the file is empty")
    return text
