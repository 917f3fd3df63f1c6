"""The importer's English notes, as the admin shows them in Arabic (archive/import_messages.py).

The messages come from the importer's own code, so a reworded message that the admin would
no longer recognise fails here rather than showing up untranslated.
"""

import pytest
from django.utils import translation

from archive.import_messages import precision_label, status_label, summary, translate_message
from archive.ingest import decode as decoding
from archive.ingest.archives import too_large
from archive.ingest.html import _no_text


def unreadable(data: bytes) -> str:
    with pytest.raises(decoding.UnreadableFile) as error:
        decoding.decode(data)
    return str(error.value)


@pytest.fixture
def arabic():
    with translation.override("ar"):
        yield


@pytest.mark.parametrize(
    ("english", "arabic_text"),
    [
        (lambda: too_large(140_000, 51_200), "حجم الملف 137 KB، وهذا فوق الحدّ المسموح (50 KB)"),
        (
            lambda: too_large(3 * 1048576, 1048576, at_least=True),
            "حجم الملف أكثر من 3 MB، وهذا فوق الحدّ المسموح (1 MB)",
        ),
        (lambda: _no_text("Home"), "لا مقال: الصفحة التي عنوانها 'Home' لا تحوي نص مقال"),
        (lambda: unreadable(b""), "الملف فارغ"),
        (lambda: unreadable(b"\x00\x01\x02\x03" * 64), "الملف ثنائي وليس نصًّا"),
        (
            lambda: decoding.not_utf8("Windows-1256"),
            "قُرئ بترميز Windows-1256 (لا UTF-8): تحقّق من أن النص يُقرأ صحيحًا",
        ),
        (lambda: "same text as article #12", "النص نفسه محفوظ في المقال #12"),
        (lambda: "already imported as article #12", "سبق استيراده في المقال #12"),
        (lambda: "same text as a.jsonl (line 2)", "النص نفسه الذي في a.jsonl (line 2) ضمن هذا"),
        (lambda: "article #7: title, section", "يُحدِّث المقال #7: title, section"),
        (lambda: "title: is missing or empty", "title: مفقود أو فارغ"),
        (
            lambda: "repaired 2 runs of garbled Arabic (UTF-8 once read as Windows-1256)",
            "عدد المقاطع المُصلَحة من نص عربي مشوّه: 2",
        ),
    ],
)
def test_common_messages_read_in_arabic(arabic, english, arabic_text):
    assert arabic_text in translate_message(english())


def test_an_imported_articles_joined_notes_are_translated_one_by_one(arabic):
    message = (
        "near-duplicate of article #3 (91% the same); article text read from the page's <main>"
    )
    assert translate_message(message) == (
        "شبه مطابق للمقال #3 (نسبة التطابق 91%)؛ نص المقال مأخوذ من العنصر <main> في الصفحة"
    )


def test_the_no_date_warning_with_its_extra_sentences(arabic):
    message = (
        "No publication date found; published is left empty (dates mentioned inside the body "
        "are never used). An update date (2019-03-02) was found but not used."
    )
    assert translate_message(message) == (
        "لم يُعثر على تاريخ النشر؛ تُرك حقل published فارغًا (التواريخ المذكورة داخل النص لا "
        "تُستعمل أبدًا). عُثر على تاريخ تحديث (2019-03-02) لكنه لم يُستعمل."
    )


def test_unknown_messages_and_english_stay_as_written(arabic):
    assert translate_message("a note nobody taught us") == "a note nobody taught us"
    assert translate_message("") == ""
    with translation.override("en"):
        assert translate_message("same text as article #12") == "same text as article #12"
        assert summary(1, 2, 3, 4) == "imported 1, updated 2, skipped 3, failed 4"
        assert status_label("skipped") == "skipped" and precision_label("month") == "month only"


def test_statuses_precisions_and_the_summary(arabic):
    assert [status_label(s) for s in ("imported", "updated", "skipped", "failed")] == [
        "استُورد",
        "حُدِّث",
        "تُخطّي",
        "فشل",
    ]
    assert precision_label("year") == "السنة فقط"
    assert summary(3, 0, 1, 2) == "استُورد 3، وحُدِّث 0، وتُخطّي 1، وفشل 2"
