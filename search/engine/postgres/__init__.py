"""The PostgreSQL search engine (SEARCH_URL=postgres:): the index in the Django database itself.

No second service and no files: articles and their index live in one PostgreSQL database, are
backed up together, and a batch of index changes commits like any other transaction.

Design, and why:
- Analysis stays in Python (search.analysis.fields, word for word the Whoosh engine's), never
  in PostgreSQL's text search: Arabic normalisation, stopwords that take no position and
  alternative stems are the archive's own. Terms reach the database only as values.
- The inverted index in blocks (store.py, blocks.py), as a Lucene segment keeps it: one row per
  field, term and written batch of documents, holding that batch's postings of the term packed
  in a bytea (article id, term frequency, field length and date for each document, by id) and,
  for the stemmed text, their positions (phrases). A batch of 2,000 articles writes about a
  twentieth of the rows one row per posting took (about 700 an article, each with its tuple
  header and two index entries: 95 KB an article, and imports waited on the server), and a
  common word is read from a few rows instead of an index range of tens of thousands. A
  replaced or removed document's postings stay in their batch, listed as dead
  (search_pg_dead) and dropped by every read, until the idle worker rewrites the batch;
  merge_idle() also rewrites ten batches of one size tier as one, so a term is read from a
  few rows however many batches were written. (A row per article with a jsonb map of its
  terms, matched through a GIN index, was measured too: scoring then decompresses every
  candidate's map, ten times slower for common words.)
- The query is evaluated in numpy (evaluate.py) over the postings of its terms, clause by
  clause exactly as the Whoosh engine evaluates it, and scored with the Whoosh engine's
  arithmetic (scoring.py: float32, field lengths quantised as Whoosh stores them): both engines
  give every document the same score and every query the same order, so switching engines
  changes no ranking (tests/engine/postgres/test_parity.py).
- N and document frequencies are those of the documents held, always exact: the totals (N,
  summed lengths) and the lexicon (exact forms and their document counts, for prefixes and
  suggestions) are kept by difference in the same transaction as the rows, a replaced
  document's old forms counted out from its row (exact_terms).
- Facets, filters and months are counted in numpy over every document's date and facet values
  held in the process (columns.py), read by warm_up() (the web process's keep_warm thread) and
  used only for the very generation of the index a search's snapshot reads (a sequence value
  written with every change); otherwise in SQL over the matches' rows (text[] per facet, GIN
  indexed). Same results either way (the conformance suite runs both). The same columns give
  the documents tagged with an entity a query names (collecting a place named in most articles
  in SQL was a fifth of a search's time at 100k).
- Blocks are read as bytes (binary results) straight into numpy; a batch's blocks and rows
  go in through COPY. They are compressed with lz4 where the server has it (migration 0008):
  a phrase or a common word decompresses megabytes of them at every search, a third faster
  than with PostgreSQL's default pglz. A phrase then takes only its candidates' positions out
  of each block (blocks.positions_in: where each posting's positions start is the sum of the
  term frequencies before it), not all of a common word's millions: 381-419 ms at p95 for
  phrases right after a 100k import before, 123-159 ms after (two runs).
- merge_idle() first merges batches (blocks.merge_plan), then vacuums the table that changed
  most once enough has (autovacuum waits for a fifth of a table to be new).
- The tables are created by a migration (search/migrations/0003_postgres_engine.py and 0007, doing
  nothing on SQLite) rather than by the engine at run time: `migrate` already runs on every
  deploy and in every test database, the web process needs no right to create tables, no two
  processes race to create them, and a later change of layout is an ordinary migration. The
  engine checks at set-up that they exist.

Where it differs from the Whoosh engine (each a Whoosh artefact of storage, not of the
contract):
- Whoosh keeps a deleted document's terms in its lexicon until its segment is merged, so
  before a merge a word only deleted documents held counts as known (no suggestion for it)
  and can mask the next nearest word; here the lexicon is always that of the documents held.
- A term longer than 2000 bytes (documents.MAX_TERM_BYTES; no query word can be that long)
  counts in its field's length but is not indexed: a prefix query does not expand to it.
- A prefix matching more than MAX_PREFIX_TERMS forms keeps those in most documents, ties by
  form, as the contract says; Whoosh counts a form's documents with the deleted ones its
  segments still hold, so before a merge it may keep another form at the edge.
"""
