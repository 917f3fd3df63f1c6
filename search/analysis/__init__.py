"""Text analysis as pure functions (no Django, Whoosh or haystack): see arabic.py and query.py.

ANALYSIS_VERSION numbers what analysis makes of a text for an index. Bump it with any change
that alters the terms indexed for some text (normalisation, tokens, stopwords, stems, plurals):
an engine records the version its index was built with (SearchEngine.analysis_version), and
`manage.py sync_index` rebuilds an index built with another one.

1: light10 and alternative stems (indexes of then record no version);
2: a broken plural also indexes its singular's stem (plurals.py).
"""

ANALYSIS_VERSION = 2
