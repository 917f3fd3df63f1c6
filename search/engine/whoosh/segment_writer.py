"""Whoosh's segment writer with its per-posting costs taken out (used by backend.py's apply()).

Whoosh writes a batch in three steps that each touch every posting in pure Python: the analyzer
yields a Token per word into the field format's `word_values`, every posting goes through a
sorting pool as a tuple, and the codec's `add_postings` pushes them one by one into the
postings writer (reading back each document's field length from disk as it goes). For an
article of 500 words that is about 550 postings, and most of the indexing time.

BatchSegmentWriter keeps a batch's postings grouped by field and term as they are produced
(documents arrive in docnum order, so each term's list is already sorted), turns our Arabic
text fields into postings straight from the analysis module's cached per-word terms, and
writes each term's postings block by block. It writes what Whoosh would, in Whoosh's format:
the same terms, documents, weights, encoded values, block boundaries, block and term
statistics, and the same bytes in each block, except that blocks too short for zlib to save
anything are stored uncompressed (each block says whether it is;
tests/engine/whoosh/test_segment_writer.py compares the two writers' indexes through Whoosh's
own reader and block by block).

Which segments a commit merges is decided by `TieredMerge` (merge_policy.py). The segments it
merges are read into memory as files (StoredPostings) and their terms walked together with the
batch's own, a term at a time, as a k-way merge: a term's postings are decoded only to be
written. Anything it does not special-case goes through Whoosh's own code: other field types
are indexed by `field.index()`, and a merge of more than MERGED_IN_MEMORY documents in all, or
of another codec's segment, goes through Whoosh's pool, which spills to disk. It also adds
segments written elsewhere (backend.py's stage(), add_staged()) at commit, as they are.
"""

from __future__ import annotations

import heapq
import pickle
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import chain, groupby, pairwise
from operator import sub

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from search.engine.whoosh.analyzers import FusedArabicAnalyzer, word_terms, words
from search.engine.whoosh.merge_policy import MergeAbandoned
from search.engine.whoosh.stored_postings import FIELD_AND_TERM, StoredPostings

# A block's pickled postings shorter than this are stored uncompressed (see _TermWriter).
COMPRESS_FROM_BYTES = 96

# A merge of up to this many documents in all reads their segments' terms and postings files
# into memory (about 10 KB an article: 1 GB); a larger one goes through Whoosh's pool, which
# spills to disk but is several times slower (a 10k-article merge took 180 s that way).
MERGED_IN_MEMORY = 100_000
# How often a merge asks whether to give way: every this many terms (about 0.2 s of a merge).
GIVE_WAY_EVERY = 2_000


class BatchSegmentWriter(SegmentWriter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # fieldname -> term bytes -> [(docnum, weight, encoded value)], in docnum order
        self._postings: dict[str, defaultdict[bytes, list[tuple]]] = {}
        self._staged: list = []  # finished segments to add at commit (add_staged_segment)
        self._merging: list[_MergeSource] = []  # segments merged in, written at commit
        self._in_pool = False  # set once everything went to Whoosh's pool (see _move_to_pool)
        self._merged_docs = 0
        # Asked every GIVE_WAY_EVERY terms of a merge; True abandons it (raises MergeAbandoned).
        self.give_way: Callable[[], bool] | None = None
        # Vectors and spelling words are not used by this project: Whoosh's own path has them.
        self._whoosh_only = {
            name for name, field in self.schema.items() if field.vector or field.separate_spelling()
        }

    # --- documents ---------------------------------------------------------------------------

    def add_document(self, **fields):
        """SegmentWriter.add_document, with postings gathered per term instead of pooled."""
        schema = self.schema
        if self._in_pool or self._merging or not self._whoosh_only.isdisjoint(fields):
            # (A document after a merge would break each term's docnum order.)
            self._move_to_pool()
            return super().add_document(**fields)
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                scorable = field.scorable
                terms = self._terms(fieldname)
                for tbytes, freq, weight, vbytes in _index_field(field, value):
                    if scorable:
                        length += freq
                    terms[tbytes].append((docnum, weight * fieldboost, vbytes))
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))

        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_staged_segment(self, segment) -> None:
        """Make a segment written elsewhere (its files already moved into this index's
        directory) part of the index at commit, as it is: documents are not renumbered."""
        self._staged.append(segment)

    def _merge_segments(self, mergetype, optimize, merge):
        return super()._merge_segments(mergetype, optimize, merge) + self._staged

    # --- merging other segments in -----------------------------------------------------------

    def add_postings_to_pool(self, reader, startdoc, docmap):
        self._merged_docs += reader.doc_count_all()
        if self._in_pool or self._merged_docs > MERGED_IN_MEMORY:
            self._move_to_pool()
            return super().add_postings_to_pool(reader, startdoc, docmap)
        stored = StoredPostings.of(reader)
        if stored is None:
            # Another codec's segment: Whoosh's pool, which takes postings in any order.
            self._move_to_pool()
            return super().add_postings_to_pool(reader, startdoc, docmap)
        # Its postings are read at commit, a term at a time (_write_postings).
        self._merging.append(_MergeSource(stored, startdoc, docmap))

    def _terms(self, fieldname: str) -> defaultdict[bytes, list[tuple]]:
        terms = self._postings.get(fieldname)
        if terms is None:
            terms = self._postings[fieldname] = defaultdict(list)
        return terms

    def _move_to_pool(self) -> None:
        if self._in_pool:
            return
        add = self.pool.add
        for fieldname, terms in self._postings.items():
            for tbytes, postings in terms.items():
                for docnum, weight, vbytes in postings:
                    add((fieldname, tbytes, docnum, weight, vbytes))
        for source in self._merging:
            for fieldname, tbytes, value in source.terms(self.schema):
                fmt = self.schema[fieldname].format
                for docnum, weight, vbytes in zip(*source.postings(value, fmt), strict=True):
                    add((fieldname, tbytes, docnum, weight, vbytes))
        self._postings = {}
        self._merging = []
        self._in_pool = True

    # --- writing the segment -----------------------------------------------------------------

    def per_document_reader(self):
        # Whoosh's add_postings reads a length back from disk for every posting.
        return _FieldLengths(super().per_document_reader())

    def _flush_segment(self):
        if self._in_pool:
            return super()._flush_segment()
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        try:
            self._write_postings(lengths)
        finally:
            if lengths is not None:
                lengths.close()
        self.fieldwriter.close()

    def _write_postings(self, lengths: _FieldLengths | None) -> None:
        """What FieldWriter.add_postings does, a whole term at a time."""
        schema = self.schema
        fieldwriter = self.fieldwriter
        postings_writer = self.codec.postings_writer(fieldwriter._postfile)
        current, term_writer = None, None
        for fieldname, tbytes, docnums, weights, values in self._terms_in_order():
            if fieldname != current:
                if current is not None:
                    fieldwriter.finish_field()
                field = schema[fieldname]
                fieldwriter.start_field(fieldname, field)
                current = fieldname
                term_writer = _TermWriter(
                    fieldwriter,
                    postings_writer,
                    field.format,
                    lengths.of(fieldname) if lengths is not None else None,
                )
            term_writer.write(tbytes, docnums, weights, values)
        if current is not None:
            fieldwriter.finish_field()
        self._postings = {}
        self._merging = []

    def _terms_in_order(self):
        """(fieldname, term bytes, docnums, weights, values) of every term with postings, in
        (field, term) order.

        With segments merged in, their terms are walked together with the batch's own as a
        k-way merge: a merged segment's postings are decoded a term at a time, so a merge holds
        the segments' files in memory, not their postings as Python objects. Postings come in
        docnum order: the batch's documents first, then each merged segment in turn.
        """
        own = (
            (fieldname, tbytes, -1, terms[tbytes])
            for fieldname, terms in sorted(self._postings.items())
            for tbytes in sorted(terms)
            if terms[tbytes]
        )
        if not self._merging:
            for fieldname, tbytes, _, postings in own:
                yield fieldname, tbytes, *zip(*postings, strict=True)
            return
        schema = self.schema
        merged = [_tagged(source.terms(schema), n) for n, source in enumerate(self._merging)]
        give_way = self.give_way
        for count, ((fieldname, tbytes), group) in enumerate(
            groupby(heapq.merge(own, *merged, key=FIELD_AND_TERM), key=FIELD_AND_TERM)
        ):
            if give_way is not None and count % GIVE_WAY_EVERY == 0 and give_way():
                raise MergeAbandoned
            fmt = schema[fieldname].format
            docnums, weights, values = [], [], []
            for _, _, source, payload in group:
                if source < 0:
                    more = tuple(zip(*payload, strict=True))
                else:
                    more = self._merging[source].postings(payload, fmt)
                docnums += more[0]
                weights += more[1]
                values += more[2]
            if docnums:  # none: a merged term whose documents were all deleted
                yield fieldname, tbytes, docnums, weights, values


def _tagged(terms, source: int):
    return ((fieldname, tbytes, source, value) for fieldname, tbytes, value in terms)


class _MergeSource:
    """A segment being merged in: its files (StoredPostings) and where its documents go."""

    def __init__(self, stored: StoredPostings, startdoc: int, docmap: dict | None):
        self.stored = stored
        self.startdoc = startdoc
        self.docmap = docmap  # None (no deletions): old + startdoc; else live old -> new

    def terms(self, schema):
        """(fieldname, term bytes, terms-table value) in (field, term) order, for the fields
        of `schema`."""
        return self.stored.terms_in_order(schema)

    def postings(self, value: bytes, fmt) -> tuple[list, list, list]:
        """A term's live postings, renumbered: (docnums, weights, encoded values)."""
        return self.stored.postings(W3TermInfo.from_bytes(value), fmt, self.startdoc, self.docmap)


class _TermWriter:
    """Writes one field's posting lists as W3PostingsWriter and W3FieldWriter do.

    Whoosh's writer takes a posting at a time and makes several method calls per block and per
    term; this does the same work in one pass per term. Per block of `blocklimit` postings: a
    length prefix (negative for a term's last block), the pickled block info (count, last id,
    largest weight, compression, shortest and longest document as bytes) and the pickle of
    (delta-encoded ids, weights, values), compressed unless it is short. Per term: its
    W3TermInfo row in the terms table. Only truthy values and lengths count, and the largest
    weight starts from 0, as in add_posting().
    """

    def __init__(self, fieldwriter, postings_writer, fmt, field_lengths: list | None):
        self._postfile = fieldwriter._postfile
        self._terms_table = fieldwriter._tindex
        self._key_prefix = pack_ushort(fieldwriter._fieldid)
        self._limit = postings_writer._blocklimit
        self._compression = postings_writer._compression
        self._value_size = fmt.fixed_value_size()
        self._lengths = field_lengths

    def write(self, tbytes: bytes, docnums: tuple, weights: tuple, values: tuple) -> None:
        postfile, limit, compression = self._postfile, self._limit, self._compression
        field_lengths, value_size = self._lengths, self._value_size
        info = W3TermInfo()
        start = postfile.tell()
        postfile.write(WHOOSH3_HEADER_MAGIC)
        count = len(docnums)
        for first in range(0, count, limit):
            last = min(first + limit, count)
            ids = docnums[first:last]
            stored_weights = array("f", weights[first:last])
            if all(w == 1.0 for w in stored_weights):
                mini_weights = None
            elif all(w == stored_weights[0] for w in stored_weights):
                mini_weights = stored_weights[0]
            else:
                mini_weights = tuple(stored_weights)
            kept = [value for value in values[first:last] if value]
            if value_size is None or value_size < 0:
                mini_values = tuple(kept)
            elif value_size == 0:
                mini_values = None
            else:
                mini_values = b"".join(kept)
            deltas = tuple(map(sub, ids, [0, *ids[:-1]]))
            data = pickle.dumps((deltas, mini_weights, mini_values), 2)
            # Each block records whether it is compressed. Whoosh compresses every block (it
            # means not to below 20 bytes, but the check is overwritten); below this size
            # zlib saves nothing and its set-up was a third of writing a rare term's list.
            block_compression = compression if len(data) >= COMPRESS_FROM_BYTES else 0
            if block_compression:
                data = zlib.compress(data, block_compression)
            if field_lengths is None:
                shortest, longest = None, 0
            else:
                present = [n for n in map(field_lengths.__getitem__, ids) if n]
                shortest = min(present) if present else None
                longest = max(present) if present else 0
            heaviest = max(weights[first:last])
            heaviest = heaviest if heaviest > 0 else 0
            block_info = (
                len(ids),
                ids[-1],
                heaviest,
                block_compression,
                length_to_byte(shortest),
                length_to_byte(longest),
            )
            block_info = pickle.dumps(block_info, 2)
            size = len(block_info) + len(data)
            postfile.write_int(-size if last == count else size)
            postfile.write(block_info)
            postfile.write(data)
            # What W3TermInfo.add_block does with the block.
            info._weight += sum(stored_weights)
            info._df += len(ids)
            if info._minlength is None:
                info._minlength = shortest
            else:
                info._minlength = min(info._minlength, shortest)
            info._maxlength = max(info._maxlength, longest)
            info._maxweight = max(info._maxweight, heaviest)
            if info._minid is None:
                info._minid = ids[0]
            info._maxid = ids[-1]
        info.set_extent(start, postfile.tell() - start)
        self._terms_table.add(self._key_prefix + tbytes, info.to_bytes())


class _FieldLengths:
    """A per-document reader that reads each field's stored lengths once, not per posting.

    The lengths are what the new segment stored (Whoosh keeps them as a byte each, so they
    are rounded): the same values Whoosh's add_postings would read back one at a time.
    """

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[tuple[str, int], list] = {}

    def of(self, fieldname: str, default: int = 0) -> list:
        lengths = self._lengths.get((fieldname, default))
        if lengths is None:
            read = self._reader.doc_field_length
            count = self._reader.doc_count_all()
            lengths = [read(n, fieldname, default) for n in range(count)]
            self._lengths[fieldname, default] = lengths
        return lengths

    def doc_field_length(self, docnum, fieldname, default=0):
        return self.of(fieldname, default)[docnum]

    def __getattr__(self, name):
        return getattr(self._reader, name)


# --- fields ------------------------------------------------------------------------------------

# Weights and frequency values repeat (a word occurs 1, 2, 3... times): share the objects.
_FREQUENCY_VALUES: dict[int, bytes] = {}


def _index_field(field, value):
    """(term bytes, frequency, weight, encoded value) per term, as field.index(value) gives.

    Our Arabic text fields are computed from the analysis module's cached per-word terms with
    no Token objects; the result is the same as FusedArabicAnalyzer's tokens through the
    field format's word_values() in index mode (alternative stems at their word's position).
    """
    analyzer, fmt = field.analyzer, field.format
    if not (
        isinstance(value, str)
        and type(analyzer) is FusedArabicAnalyzer
        and type(fmt) in (Positions, Frequency)
    ):
        return field.index(value)
    stem = analyzer.stem
    boost = fmt.field_boost
    found = words(value)
    forms_of = _forms_of(found, stem)
    if type(fmt) is Frequency:
        counts = Counter(chain.from_iterable(map(forms_of.__getitem__, found)))
        return [
            (term.encode("utf-8"), n, float(n) * boost, _frequency_value(n))
            for term, n in counts.items()
        ]
    positions: dict[str, list[int]] = {}
    pos = 0
    for word in found:
        forms = forms_of[word]
        if not forms:  # a stopword, or nothing left after normalising
            continue
        for form in forms:
            at = positions.get(form)
            if at is None:
                positions[form] = [pos]
            else:
                at.append(pos)
        pos += 1
    return [
        (term.encode("utf-8"), len(at), float(len(at)) * boost, _positions_value(at))
        for term, at in positions.items()
    ]


# Per word, every form it is indexed under (each normalised term's stems, or the terms
# themselves unstemmed), flattened: a dict lookup per word instead of word_terms' nesting.
_FORMS: dict[bool, dict[str, tuple[str, ...]]] = {True: {}, False: {}}
_FORMS_KEPT = 400_000


def _forms_of(found: tuple[str, ...], stem: bool) -> dict[str, tuple[str, ...]]:
    cache = _FORMS[stem]
    missing = set(found).difference(cache)
    if missing:
        if len(cache) + len(missing) > _FORMS_KEPT:
            cache = _FORMS[stem] = {}  # replaced, not cleared: no caller sees it emptied
            missing = set(found)
        for word in missing:
            cache[word] = tuple(chain.from_iterable(word_terms(word, stem)))
    return cache


def _frequency_value(freq: int) -> bytes:
    value = _FREQUENCY_VALUES.get(freq)
    if value is None:
        value = _FREQUENCY_VALUES[freq] = pack_uint(freq)
    return value


def _positions_value(positions: list[int]) -> bytes:
    # Positions.encode: the count, then the pickled deltas.
    if len(positions) == 1:
        return pack_uint(1) + pickle.dumps(positions, 2)
    deltas = [positions[0]]
    deltas.extend(b - a for a, b in pairwise(positions))
    return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)
