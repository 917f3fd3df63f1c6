"""The PostgreSQL search engine (SEARCH_URL=postgres:): the index in the Django database itself.

No second service and no files: articles and their index live in one PostgreSQL database, are
backed up together, and a batch of index changes commits like any other transaction.

Design, and why:
- Analysis stays in Python (search.analysis.fields, word for word the Whoosh engine's), never
  in PostgreSQL's text search: Arabic normalisation, stopwords that take no position and
  alternative stems are the archive's own. Terms reach the database only as values.
- An inverted index table (store.py: one row per field, term and document, the primary key
  (field, term, article_id) carrying the term frequency, field length and date in its leaves):
  a term's postings are one range of one index, read by an index-only scan, which is what makes
  a common word cheap. (A row per article with a jsonb map of its terms, matched through a GIN
  index, was measured too: it is smaller, but scoring then decompresses every candidate's map,
  ten times slower for common words.) Positions are kept for the stemmed text only (phrases).
- The query is evaluated in numpy (evaluate.py) over the postings of its terms, clause by
  clause exactly as the Whoosh engine evaluates it, and scored with the Whoosh engine's
  arithmetic (scoring.py: float32, field lengths quantised as Whoosh stores them): both engines
  give every document the same score and every query the same order, so switching engines
  changes no ranking (tests/engine/postgres/test_parity.py).
- N and document frequencies are those of the documents held, always exact: deleting or
  replacing a document deletes its rows, and the totals (N, summed lengths) and the lexicon
  (exact forms and their document counts, for prefixes and suggestions) are kept by difference
  in the same transaction as the rows.
- Facets, filters and months are counted in numpy over every document's date and facet values
  held in the process (columns.py), read by warm_up() (the web process's keep_warm thread) and
  used only for the very generation of the index a search's snapshot reads (a sequence value
  written with every change); otherwise in SQL over the matches' rows (text[] per facet, GIN
  indexed). Same results either way (the conformance suite runs both).
- Postings travel packed in one bytea per term, read straight into numpy; positions are stored
  as bytea of 32-bit integers; a batch's postings go in through one COPY.
- merge_idle() vacuums the table that changed most once enough has: autovacuum waits for a
  fifth of a table to be new, and until a page is vacuumed an index-only scan still reads it.
- The tables are created by a migration (search/migrations/0003_postgres_engine.py, doing
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
