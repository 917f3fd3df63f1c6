"""The Whoosh index's fields, and a contract document as the values Whoosh indexes."""

from __future__ import annotations

from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import IDLIST, NUMERIC, STORED, TEXT, Schema

from search.engine.contract import FACETS, IndexDocument, fingerprint
from search.engine.whoosh.analyzers import exact_analyzer, stemmed_analyzer
from search.engine.whoosh.evaluate import TITLE_BOOST

# Multi-valued facet values are joined with the ASCII unit separator, which no value contains.
VALUE_SEPARATOR = "\x1f"

# Every document is an article; its Whoosh identifier is the one haystack gives a model row.
ARTICLE_CT = "archive.article"


def identifier(article_id: int) -> str:
    return f"{ARTICLE_CT}.{article_id}"


def build_schema() -> Schema:
    """The index's fields: the stemmed text (with positions, for phrases), the exact forms, the
    title, one field of whole values per facet, and the publication day."""
    fields = {
        ID: WHOOSH_ID(stored=True, unique=True),
        DJANGO_CT: WHOOSH_ID(stored=True),
        DJANGO_ID: WHOOSH_ID(stored=True),
        # Phrases are matched on the stemmed field; exact forms need no positions, which makes
        # indexing cheaper.
        "text": TEXT(analyzer=stemmed_analyzer(), phrase=True),
        "exact": TEXT(analyzer=exact_analyzer(), phrase=False),
        "title": TEXT(analyzer=stemmed_analyzer(), phrase=True, field_boost=TITLE_BOOST),
        "pubday": NUMERIC(numtype=int, bits=32, sortable=True, signed=False),
        # contract.fingerprint() of the document (check_index); absent from documents indexed
        # before it was recorded.
        "fingerprint": STORED(),
    }
    for name in FACETS:
        fields[name] = IDLIST(expression=f"[^{VALUE_SEPARATOR}]+")
    return Schema(**fields)


def whoosh_fields(document: IndexDocument) -> dict:
    """A contract document as the field values Whoosh indexes."""
    fields = {
        ID: identifier(document.id),
        DJANGO_CT: ARTICLE_CT,
        DJANGO_ID: str(document.id),
        "text": document.text,
        "exact": document.text,
        "title": document.title,
        "pubday": document.day,
        "fingerprint": fingerprint(document),
    }
    for name in FACETS:
        fields[name] = VALUE_SEPARATOR.join(document.facets.get(name, ()))
    return fields
