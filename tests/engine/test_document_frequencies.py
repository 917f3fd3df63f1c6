"""Document frequencies of exact forms (what related articles weigh words by): how many
documents hold each form asked for, 0 for a form none holds."""

from __future__ import annotations

from search.analysis import arabic
from tests.engine import doc


def test_each_form_asked_for_is_counted_over_the_documents_holding_it(engine):
    engine.apply(
        [
            doc(1, "قصف على حلب وقصف آخر", title="حلب"),
            doc(2, "قافلة إلى حلب"),
            doc(3, "هدوء في الموصل"),
        ],
        [],
    )
    forms = [arabic.normalize(word) for word in ("حلب", "قصف", "الموصل", "بيروت")]
    # A form used twice in one document counts that document once; the title is not the text.
    assert engine.document_frequencies(forms) == dict(zip(forms, [2, 1, 1, 0], strict=True))


def test_the_forms_are_exact_not_stemmed(engine):
    engine.apply([doc(1, "المخيمات"), doc(2, "مخيم")], [])
    forms = [arabic.normalize(word) for word in ("المخيمات", "مخيم", "مخيمات")]
    assert engine.document_frequencies(forms) == dict(zip(forms, [1, 1, 0], strict=True))


def test_an_empty_engine_holds_no_form(engine):
    assert engine.document_frequencies(["حلب"]) == {"حلب": 0}
    assert engine.document_frequencies([]) == {}
