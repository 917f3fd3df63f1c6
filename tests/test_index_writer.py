"""The index writer (search.index_writer) writes exactly what Whoosh's own writer writes.

The same documents go through Whoosh's SegmentWriter into one index and through
BatchSegmentWriter into another; the two are then read back through Whoosh's reader and must
agree on every term, every posting (document, weight, encoded value), the raw bytes of every
posting list (so block boundaries and block statistics too), term statistics, stored fields,
field lengths and columns. Batches, a merge of segments and Whoosh's on-disk pool are covered.
"""

import pytest
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from search import index_writer
from search.analysis import exact_analyzer, stemmed_analyzer
from search.bench.generator import generate
from search.index_writer import BatchSegmentWriter


def schema():
    """The shapes of the project's schema (search.backend.build_schema)."""
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


def write(path, writer_class, batches: list[list[dict]], *, optimize_at_end: bool = False):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), schema())
    for batch in batches:
        writer = writer_class(ix)
        for doc in batch:
            writer.add_document(**doc)
        writer.commit(merge=False)
    if optimize_at_end:
        writer = writer_class(ix)
        writer.commit(optimize=True)  # merges every segment into one
    return ix


def raw_postings(reader, fieldname: str, btext: bytes) -> bytes:
    terms = reader._terms
    offset, length = terms.term_info(fieldname, btext).extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct.unpack's tuple
        (length,) = length
    postfile = terms._postfile
    postfile.seek(offset)
    return postfile.read(length)


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
                    raw_postings(reader, fieldname, btext),
                )
            # The terms table's raw rows: the term statistics as stored, and where each list is.
            segment["terms_table"] = list(reader._terms._tindex.items())
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
    expected = contents(write(tmp_path / "whoosh", SegmentWriter, batches, optimize_at_end=True))
    got = contents(write(tmp_path / "batch", BatchSegmentWriter, batches, optimize_at_end=True))
    assert [segment["docs"] for segment in got] == [200]
    assert got == expected


def test_a_merge_too_large_for_memory_goes_through_whooshs_pool(tmp_path, docs, monkeypatch):
    monkeypatch.setattr(index_writer, "MERGED_IN_MEMORY", 40)
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
