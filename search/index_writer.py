"""Whoosh's segment writer with one cost taken out (used by search.backend's apply()).

Writing a segment's postings, Whoosh looks up each posting's document field length by reading it
back from the new segment's length column, one file read per posting: about two fifths of a
commit. This writer reads each column once into memory and answers from there. The lengths are
the same values, so the index is byte for byte what Whoosh would have written.
"""

from __future__ import annotations

from whoosh.writing import SegmentWriter


class SegmentWriterWithLengths(SegmentWriter):
    def per_document_reader(self):
        return _FieldLengths(super().per_document_reader())


class _FieldLengths:
    """A per-document reader whose doc_field_length reads each field's lengths only once."""

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[tuple[str, int], list] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._lengths.get((fieldname, default))
        if lengths is None:
            read = self._reader.doc_field_length
            count = self._reader.doc_count_all()
            lengths = [read(n, fieldname, default) for n in range(count)]
            self._lengths[fieldname, default] = lengths
        return lengths[docnum]

    def __getattr__(self, name):
        return getattr(self._reader, name)
