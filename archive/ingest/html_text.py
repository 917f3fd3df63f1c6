"""Text read out of a saved page (an lxml tree), for html.py and the modules it uses. Pure.

``text_of`` is an element's visible text (no script, style or template content, no comments);
``meta`` the content of the first of several ``<meta>`` tags that has one. Whatever is read goes
through ``clean`` (sanitize.plain_text, whitespace collapsed), so nothing executable is ever kept.
``key`` is the form two texts are compared by (letters and digits only, lower case): ``same``.
"""

from __future__ import annotations

import re

from archive.ingest.sanitize import plain_text

__all__ = ["NO_TEXT", "clean", "key", "meta", "same", "text_of"]

NO_TEXT = {"script", "style", "noscript", "template"}


def text_of(element) -> str:
    """The visible text of an element: no script/style content, no comments."""
    parts: list[str] = []

    def walk(node) -> None:
        if isinstance(node.tag, str) and node.tag not in NO_TEXT:
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")

    walk(element)
    return " ".join(" ".join(parts).split())


def clean(value) -> str:
    return " ".join(plain_text(str(value or "")).split())


def same(a: str, b: str) -> bool:
    return key(a) == key(b)


def key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def meta(tree, *names: str) -> str:
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            for element in tree.xpath(f'//meta[@{attribute}="{name}"][@content]'):
                value = clean(element.get("content"))
                if value:
                    return value
    return ""
