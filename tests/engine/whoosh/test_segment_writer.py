"""The index writer (search.engine.whoosh.segment_writer) writes exactly what Whoosh's own writer writes.

The same documents go through Whoosh's SegmentWriter into one index and through
BatchSegmentWriter into another; the two are then read back through Whoosh's reader and must
agree on every term, every posting (document, weight, encoded value), every stored block of
every posting list (boundaries, block statistics, the pickled postings), term statistics,
stored fields, field lengths and columns. Batches, a merge of segments and Whoosh's on-disk pool are covered.
"""

import io
import pickle
import struct
import zlib

import pytest
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.writing import SegmentWriter

from search.bench.generator import generate
from search.engine.whoosh import segment_writer as index_writer
from search.engine.whoosh.analyzers import exact_analyzer, stemmed_analyzer
from search.engine.whoosh.segment_writer import BatchSegmentWriter


def schema():
    """The shapes of the project's schema (search.engine.whoosh.schema.build_schema)."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        text=fields.TEXT(analyzer=stemmed_analyzer(), phrase=True),
        exact=fields.TEXT(analyzer=exact_analyzer(), phrase=False),
        title=fields.TEXT(analyzer=stemmed_analyzer(), phrase=True, field_boost=2.5),
        source=fields.IDLIST(expression="[^\x1f]+"),
        pubday=fields.NUMERIC(numtype=int, bits=32, sortable=True, signed=False),
    )


def documents(count: int, seed: int = 3) -> list[dict]:
    docs = []
    for n, article in enumerate(generate(count, seed=seed)):
        text = "\n".join([article["title"], article.get("standfirst", ""), article["body"]])
        published = (article.get("published") or "")[:10].replace("-", "")
        docs.append(
            {
                "id": f"archive.article.{n}",
                "text": text,
                "exact": text,
                "title": article["title"],
                "source": article.get("source", ""),
                "pubday": int(published) if published.isdigit() else 0,
            }
        )
    # Words repeated in one document (frequencies above 1, several positions per posting).
    docs[0]["text"] = docs[0]["exact"] = " ".join([docs[0]["text"]] * 3)
    return docs


def write(
    path, writer_class, batches: list[list[dict]], *, optimize_at_end: bool = False, deleted=()
):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), schema())
    for batch in batches:
        writer = writer_class(ix)
        for doc in batch:
            writer.add_document(**doc)
        writer.commit(merge=False)
    if deleted:
        writer = writer_class(ix)
        for identifier in deleted:
            writer.delete_by_term("id", identifier)
        writer.commit(merge=False)
    if optimize_at_end:
        writer = writer_class(ix)
        writer.commit(optimize=True)  # merges every segment into one
    return ix


def raw_blocks(reader, fieldname: str, btext: bytes) -> list[tuple]:
    """A posting list's blocks as stored: (length sign, block info, pickled postings).

    The pickles are compared decompressed: short blocks are stored uncompressed by our writer
    (the block info's compression field says which), so it is left out of the comparison.
    """
    terms = reader._terms
    offset, length = terms.term_info(fieldname, btext).extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct.unpack's tuple
        (length,) = length
    postfile = terms._postfile
    postfile.seek(offset)
    stored = io.BytesIO(postfile.read(length))
    assert stored.read(4) == WHOOSH3_HEADER_MAGIC
    blocks = []
    while True:
        (size,) = struct.unpack("!i", stored.read(4))
        start = stored.tell()
        count, last_id, max_weight, compression, min_length, max_length = pickle.load(stored)
        data = stored.read(abs(size) - (stored.tell() - start))
        if compression:
            data = zlib.decompress(data)
        info = (count, last_id, max_weight, min_length, max_length)
        blocks.append((size < 0, info, data))
        if size < 0:
            assert not stored.read(), "bytes after the last block"
            return blocks


def contents(ix) -> dict:
    """Everything a reader can see of an index, per segment, with raw posting bytes."""
    seen = []
    with ix.reader() as top:
        readers = [reader for reader, _ in top.leaf_readers()]
        for reader in readers:
            segment = {"docs": reader.doc_count_all(), "terms": {}}
            for fieldname, btext in reader.all_terms():
                info = reader.term_info(fieldname, btext)
                matcher = reader.postings(fieldname, btext)
                postings = []
                while matcher.is_active():
                    postings.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                segment["terms"][fieldname, btext] = (
                    info.weight(),
                    info.doc_frequency(),
                    info.min_length(),
                    info.max_length(),
                    info.max_weight(),
                    postings,
                    raw_blocks(reader, fieldname, btext),
                )
            # The terms table's raw rows: the term statistics as stored (not where each list
            # starts: short blocks are shorter).
            statistics = W3TermInfo._struct.size
            segment["terms_table"] = [
                (key, row[:statistics]) for key, row in reader._terms._tindex.items()
            ]
            segment["stored"] = list(reader.iter_docs())
            segment["lengths"] = [
                [reader.doc_field_length(n, name) for name in ("text", "exact", "title")]
                for n in range(reader.doc_count_all())
            ]
            segment["pubday"] = list(reader.column_reader("pubday"))
            seen.append(segment)
    return seen


@pytest.fixture(scope="module")
def docs():
    return documents(200)


def test_batches_are_written_exactly_as_whoosh_writes_them(tmp_path, docs):
    batches = [docs[:180], docs[180:]]
    expected = contents(write(tmp_path / "whoosh", SegmentWriter, batches))
    got = contents(write(tmp_path / "batch", BatchSegmentWriter, batches))
    assert [segment["docs"] for segment in got] == [180, 20]
    # Common words reach more than one 128-posting block, and alternative stems are there.
    text_terms = [key for key in got[0]["terms"] if key[0] == "text"]
    assert max(len(got[0]["terms"][key][5]) for key in text_terms) > 128
    assert got == expected


def test_a_merge_of_segments_is_written_exactly_as_whoosh_writes_it(tmp_path, docs):
    batches = [docs[:80], docs[80:160], docs[160:]]
    # Deleted documents in two of the merged segments are left out and the rest renumbered.
    deleted = [doc["id"] for doc in docs[10:200:17]]
    options = {"optimize_at_end": True, "deleted": deleted}
    expected = contents(write(tmp_path / "whoosh", SegmentWriter, batches, **options))
    got = contents(write(tmp_path / "batch", BatchSegmentWriter, batches, **options))
    assert [segment["docs"] for segment in got] == [200 - len(deleted)]
    assert got == expected


# 40: too large from the first segment; 60: the first segment was taken in, then moved.
@pytest.mark.parametrize("in_memory", [40, 60])
def test_a_merge_too_large_for_memory_goes_through_whooshs_pool(
    tmp_path, docs, monkeypatch, in_memory
):
    monkeypatch.setattr(index_writer, "MERGED_IN_MEMORY", in_memory)
    batches = [docs[:50], docs[50:]]
    expected = contents(write(tmp_path / "whoosh", SegmentWriter, batches, optimize_at_end=True))
    ix = write(tmp_path / "batch", BatchSegmentWriter, batches)
    writer = BatchSegmentWriter(ix)
    writer.add_document(**docs[0] | {"id": "archive.article.extra"})
    writer.commit(optimize=True)
    assert writer._in_pool
    got = contents(ix)
    assert got[0]["docs"] == 201
    # The new document comes first, then the merged ones, which are exactly what Whoosh wrote.
    assert got[0]["stored"][0][1]["id"] == "archive.article.extra"
    assert got[0]["stored"][1:] == [(n + 1, doc) for n, doc in expected[0]["stored"]]
    for key, (*_, postings, _raw) in expected[0]["terms"].items():
        merged = [(doc - 1, w, v) for doc, w, v in got[0]["terms"][key][5] if doc != 0]
        assert merged == postings, key
