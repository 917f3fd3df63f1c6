"""A Whoosh (W3 codec) segment's terms and postings read whole from its files, for a merge.

StoredPostings reads a segment's terms table and postings file into memory as bytes once,
walks the terms in (field, term) order and decodes a term's blocks only when the writer's k-way
merge (segment_writer.py) comes to that term. It is apart from the writer because it reads
Whoosh's format where the writer writes it: the two meet only in the (field, term) order and
in a term's (docnums, weights, encoded values).
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from array import array
from itertools import accumulate
from operator import itemgetter

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo, W3TermsReader
from whoosh.filedb.structfile import BufferFile

# The order of a segment's terms table, and of the writer's walk over terms: (field, term).
FIELD_AND_TERM = itemgetter(0, 1)


class StoredPostings:
    """A W3 segment's terms table and postings file read into memory whole, for a merge.

    Through a reader, every term costs a hash lookup and every block a header parse, each a
    few small reads through the compound file's Python file object: most of a merge. Here
    the terms are walked in order and each block is parsed as W3LeafMatcher reads it.
    """

    def __init__(self, terms: W3TermsReader, postings: bytes):
        self._terms = terms
        self._postings = postings
        self._stream = io.BytesIO(postings)

    @classmethod
    def of(cls, reader) -> StoredPostings | None:
        codec, storage = getattr(reader, "_codec", None), getattr(reader, "_storage", None)
        if not isinstance(codec, W3Codec) or storage is None:
            return None
        segment = reader._segment

        def whole(ext: str) -> bytes:
            name = segment.make_filename(ext)
            handle = storage.open_file(name)
            try:
                return bytes(handle.read(storage.file_length(name)))
            finally:
                handle.close()

        terms_table = whole(W3Codec.TERMS_EXT)
        terms = W3TermsReader(codec, BufferFile(terms_table), len(terms_table), None)
        return cls(terms, whole(W3Codec.POSTS_EXT))

    def terms_in_order(self, schema):
        """(fieldname, term bytes, terms-table value) of the fields in `schema`, in (field,
        term) order.

        The table is in (field number, term) order; field numbers follow the order in which
        the segment's writer started its fields, which both Whoosh's writer and ours do by
        name. A segment numbered otherwise is sorted here.
        """
        table = self._terms
        numbers = table._fieldmap  # field name -> number
        decode = table._keydecoder
        entries = (
            (fieldname, tbytes, value)
            for fieldname, tbytes, value in (
                (*decode(key), value) for key, value in table._tindex.items()
            )
            if fieldname in schema
        )
        by_number = sorted(numbers, key=numbers.__getitem__)
        if by_number != sorted(by_number):
            return iter(sorted(entries, key=FIELD_AND_TERM))
        return entries

    def postings(self, info: W3TermInfo, fmt, startdoc: int, docmap) -> tuple[list, list, list]:
        """A term's postings renumbered (docmap: None, or live old -> new numbers), as
        (docnums, weights, encoded values); a deleted document's are left out."""
        if info.is_inlined():
            ids, weights, values = (list(part) for part in info.inlined_postings())
            return _renumbered(ids, weights, values, startdoc, docmap)
        offset, length = info.extent()
        if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves struct.unpack's tuple
            (length,) = length
        stored, stream = self._postings, self._stream
        value_size = fmt.fixed_value_size()
        all_ids, all_weights, all_values = [], [], []
        position, end = offset + len(WHOOSH3_HEADER_MAGIC), offset + length
        while position < end:
            (size,) = _BLOCK_SIZE.unpack_from(stored, position)
            position += _BLOCK_SIZE.size
            stream.seek(position)
            count, _last, _weight, compression, _shortest, _longest = pickle.load(stream)
            position += abs(size)
            data = stored[stream.tell() : position]
            deltas, weights, values = pickle.loads(zlib.decompress(data) if compression else data)
            all_ids += accumulate(deltas)
            if weights is None:
                all_weights += [1.0] * count
            elif isinstance(weights, float):
                all_weights += [weights] * count
            else:
                all_weights += array("f", weights)
            if value_size == 0:
                all_values += [None] * count
            elif value_size is not None and value_size > 0:
                all_values += [
                    values[i : i + value_size] for i in range(0, len(values), value_size)
                ]
            else:
                all_values += values
        return _renumbered(all_ids, all_weights, all_values, startdoc, docmap)


def _renumbered(ids: list, weights: list, values: list, startdoc: int, docmap):
    if docmap is None:
        return [startdoc + docnum for docnum in ids], weights, values
    kept = [n for n, docnum in enumerate(ids) if docnum in docmap]
    if len(kept) == len(ids):
        return [docmap[docnum] for docnum in ids], weights, values
    return (
        [docmap[ids[n]] for n in kept],
        [weights[n] for n in kept],
        [values[n] for n in kept],
    )


_BLOCK_SIZE = struct.Struct("!i")
