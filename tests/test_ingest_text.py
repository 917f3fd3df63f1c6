"""Pure ingest modules: decoding (encodings, mojibake), dates, sanitising, near-duplicate maths."""

from datetime import date, datetime

import pytest

from archive.ingest import date_words, dates, neardup, relative_dates
from archive.ingest.decode import UnreadableFile, decode, repair_mojibake
from archive.ingest.sanitize import plain_text
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
ARABIC = "واشنطن تطمئن الحلفاء إزاء التزاماتها في سوريا والعراق"


# --- decoding ---------------------------------------------------------------------------------


def test_utf8_is_read_as_is_and_says_so():
    decoded = decode(SEED_TEXT.encode("utf-8"))
    assert decoded.text == SEED_TEXT
    assert decoded.encoding == "UTF-8" and decoded.notes == []


def test_utf8_bom_is_dropped():
    assert decode(b"\xef\xbb\xbf" + ARABIC.encode()).text == ARABIC


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    decoded = decode(bom + SEED_TEXT.encode(codec))
    assert decoded.text == SEED_TEXT
    assert decoded.encoding == "UTF-16"
    assert "not UTF-8" in decoded.notes[0]


def test_windows_1256_is_detected_not_misread_as_cyrillic():
    decoded = decode(SEED_TEXT.encode("cp1256"))
    assert decoded.encoding == "Windows-1256"
    assert decoded.text == SEED_TEXT
    assert "Windows-1256" in decoded.notes[0]


def test_a_declared_charset_is_honoured_when_it_decodes_cleanly():
    decoded = decode(ARABIC.encode("iso8859-6"), declared="iso-8859-6")
    assert decoded.text == ARABIC
    assert decoded.encoding == "ISO-8859-6"
    assert "decoded as ISO-8859-6" in decoded.notes[0]


def test_a_wrong_declared_charset_falls_back_to_detection():
    decoded = decode(SEED_TEXT.encode("cp1256"), declared="no-such-codec")
    assert decoded.text == SEED_TEXT


def test_mojibake_is_repaired_and_reported():
    garbled = SEED_TEXT.encode("utf-8").decode("cp1256")
    assert "ط§ظ„" in garbled
    decoded = decode(garbled.encode("utf-8"))
    assert decoded.text == SEED_TEXT
    assert decoded.encoding == "UTF-8"
    assert "garbled Arabic" in decoded.notes[0]


def test_mixed_text_repairs_only_the_garbled_runs():
    garbled = "الحرب".encode().decode("cp1256")
    text, count = repair_mojibake(f"{ARABIC} — {garbled} — English stays.")
    assert text == f"{ARABIC} — الحرب — English stays."
    assert count == 1


def test_genuine_arabic_is_never_repaired():
    assert repair_mojibake(SEED_TEXT) == (SEED_TEXT, 0)
    assert repair_mojibake("ماذا؟ طلب، ظل")[1] == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b" \n\t\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(0x80, 0x100)) * 20, "cannot tell the text encoding"),
        (b"\xff\xfe" + b"\x00\xd8", "broken UTF-16"),
    ],
)
def test_unreadable_bytes_are_refused_with_a_reason(data, message):
    with pytest.raises(UnreadableFile, match=message):
        decode(data)


# --- dates ------------------------------------------------------------------------------------

DAY, MONTH, YEAR = dates.DAY, dates.MONTH, dates.YEAR


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("12 يوليو (تموز) 2018", date(2018, 7, 12), DAY),
        ("تموز (يوليو) 2018", date(2018, 7, 1), MONTH),
        ("الأربعاء 6 فبراير (شباط) 2019 م", date(2019, 2, 6), DAY),
        ("6 شباط 2019", date(2019, 2, 6), DAY),
        ("15 فيفري 2019", date(2019, 2, 15), DAY),
        ("جانفي 2020", date(2020, 1, 1), MONTH),
        ("3 كانون الثاني 2017", date(2017, 1, 3), DAY),
        ("1 تشرين الأول 2016", date(2016, 10, 1), DAY),
        ("6 غشت 2017", date(2017, 8, 6), DAY),
        ("12 دجنبر 2016", date(2016, 12, 12), DAY),
        ("٦/٢/٢٠١٩", date(2019, 2, 6), DAY),
        ("١٢ أيلول ٢٠١٤", date(2014, 9, 12), DAY),
        ("2019-02-06", date(2019, 2, 6), DAY),
        ("2019-02-06T10:15:00+03:00", date(2019, 2, 6), DAY),
        ("2019-02", date(2019, 2, 1), MONTH),
        ("2019", date(2019, 1, 1), YEAR),
        ("السبت 23 مارس 2019 - 10:15", date(2019, 3, 23), DAY),
        ("نشر في 23 مارس 2019", date(2019, 3, 23), DAY),
        ("Published February 6, 2019", date(2019, 2, 6), DAY),
        ("Wednesday, 6 February 2019", date(2019, 2, 6), DAY),
        ("شباط 2019", date(2019, 2, 1), MONTH),
    ],
)
def test_written_dates_with_their_precision(text, expected, precision):
    found = dates.parse_date(text)
    assert found is not None, text
    assert (found.date, found.precision) == (expected, precision)


def test_hijri_date_is_converted_with_a_note():
    found = dates.parse_date("1 جمادى الآخرة 1440 هـ")
    assert found.date == date(2019, 2, 6) and found.precision == DAY
    assert "Hijri" in found.note and "Umm al-Qura" in found.note


def test_gregorian_half_of_a_double_date_wins():
    found = dates.parse_date("الخميس 1 جمادى الآخرة 1440 هـ - 7 فبراير 2019 م")
    assert found.date == date(2019, 2, 7) and not found.note


@pytest.mark.parametrize(
    "text",
    [
        "15 فبراير",  # no year
        "مايو",
        "15 فبراير (شباط) الحالي",  # "this month": relative
        "15 الشهر الحالي",
        "فبراير الماضي",
        "منذ 3 ساعات",
        "أمس",
        "yesterday",
        "31/02/2019",  # impossible
        "hello world",
        "",
        "1 رمضان 1200 هـ",  # outside the convertible range
    ],
)
def test_nothing_is_invented_without_a_base(text):
    assert dates.parse_date(text) is None


BASE = date(2019, 3, 10)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("15 فبراير (شباط) الحالي", date(2019, 2, 15), DAY),
        ("15 الشهر الحالي", date(2019, 3, 15), DAY),
        ("5 من الشهر الجاري", date(2019, 3, 5), DAY),
        ("فبراير الماضي", date(2019, 2, 1), MONTH),
        ("أبريل الماضي", date(2018, 4, 1), MONTH),
        ("الشهر الماضي", date(2019, 2, 1), MONTH),
        ("15 فبراير", date(2019, 2, 15), DAY),
    ],
)
def test_relative_dates_read_against_a_known_base(text, expected, precision):
    found = dates.parse_date(text, BASE)
    assert (found.date, found.precision) == (expected, precision)
    assert "2019-03-10" in found.note


WEDNESDAY = date(2019, 2, 6)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("أمس", date(2019, 2, 5), DAY),
        ("مساء أمس", date(2019, 2, 5), DAY),
        ("أول أمس", date(2019, 2, 4), DAY),
        ("اليوم 10:45", date(2019, 2, 6), DAY),
        ("منذ يومين", date(2019, 2, 4), DAY),
        ("قبل 3 أيام", date(2019, 2, 3), DAY),
        ("الخميس الماضي", date(2019, 1, 31), DAY),
        ("yesterday", date(2019, 2, 5), DAY),
        ("the day before yesterday", date(2019, 2, 4), DAY),
        ("last Sunday", date(2019, 2, 3), DAY),
        ("منذ أسبوع", date(2019, 1, 1), MONTH),  # 23 to 30 January
        ("هذا الأسبوع", date(2019, 2, 1), MONTH),  # 2 (a Saturday) to 6 February
        ("الشهر الماضي", date(2019, 1, 1), MONTH),
        ("منذ شهرين", date(2018, 12, 1), MONTH),
        ("last month", date(2019, 1, 1), MONTH),
        ("منذ ساعتين", date(2019, 2, 1), MONTH),  # 5 or 6 February: the time is not known
        ("الأسبوع الماضي", date(2019, 1, 1), YEAR),  # 26 January to 3 February
        ("العام الماضي", date(2018, 1, 1), YEAR),
    ],
)
def test_relative_dates_are_as_precise_as_the_days_they_can_mean(text, expected, precision):
    found = dates.parse_date(text, WEDNESDAY)
    assert (found.date, found.precision) == (expected, precision)
    assert relative_dates.is_relative(text)


@pytest.mark.parametrize(
    ("text", "captured", "expected", "precision"),
    [
        ("منذ ساعتين", datetime(2019, 2, 6, 10, 45), date(2019, 2, 6), DAY),
        ("2 hours ago", datetime(2019, 2, 6, 1, 30), date(2019, 2, 5), DAY),  # 22:30 to 23:30
        ("2 hours ago", datetime(2019, 2, 6, 2, 30), date(2019, 2, 1), MONTH),  # 5 or 6 Feb
        ("منذ 25 دقيقة", datetime(2019, 3, 1, 0, 25), date(2019, 1, 1), YEAR),  # 28 Feb or 1 Mar
        ("an hour ago", datetime(2019, 2, 6, 23, 0), date(2019, 2, 6), DAY),
    ],
)
def test_hours_ago_against_a_time_of_day(text, captured, expected, precision):
    found = dates.parse_date(text, captured)
    assert (found.date, found.precision) == (expected, precision)


@pytest.mark.parametrize("text", ["6 فبراير 2019", "hello", "منذ", "قبل الحرب", "last"])
def test_not_relative(text):
    assert not relative_dates.is_relative(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Wed, 06 Feb 2019 10:45:12 GMT", datetime(2019, 2, 6, 10, 45, 12)),
        ("2019-02-06T10:45:12Z", datetime(2019, 2, 6, 10, 45, 12)),
        ("2019-02-06T12:45:12+02:00", datetime(2019, 2, 6, 10, 45, 12)),
        ("not a date", None),
    ],
)
def test_transport_timestamps(value, expected):
    assert dates.parse_timestamp(value) == expected


def test_a_text_files_name_dates_its_relative_publication_date():
    from archive.ingest.formats import parse_file

    data = "مقتل خمسة مدنيين بقصف على إدلب\nنشر: أمس\n\n{0}\n\n{0}\n".format(
        "قتل خمسة مدنيين في قصف صاروخي استهدف سوقاً شعبية وسط المدينة صباح اليوم."
    ).encode()
    _, [dated] = parse_file("txt", data, name="crawl/2019-02-06/idlib.txt")
    _, [undated] = parse_file("txt", data, name="idlib.txt")
    assert dated.article.published == date(2019, 2, 5)
    assert undated.article.published is None


def test_normalise_folds_digits_months_and_noise():
    assert date_words.normalise("الأربعاء ٦ شباط (فبراير) ٢٠١٩ م") == "6 February 2019"


# --- sanitising -------------------------------------------------------------------------------


def test_plain_text_strips_markup_and_script_content():
    assert plain_text('<p onclick="x()">نص <script>alert(1)</script><b>مهم</b></p>') == "نص مهم"
    assert plain_text("<p>أ</p><p>ب</p>", keep_paragraphs=True).split() == ["أ", "ب"]


def test_plain_text_leaves_prose_alone():
    for text in ("x<y and a > b", "عدد القتلى < 10", "javascript: a language"):
        assert plain_text(text) == text


# --- near-duplicates --------------------------------------------------------------------------


def test_shingles_ignore_spelling_variants_and_signatures_are_stable():
    a = neardup.shingles("أعلنت الأمم المتحدة إرسال مساعدات إلى مدينة حلب يوم الأحد الماضي")
    b = neardup.shingles("اعلنت الامم المتحده ارسال مساعدات الى مدينه حلب يوم الاحد الماضي")
    assert a == b
    assert neardup.signature(a) == neardup.signature(b)
    assert len(neardup.signature(a)) == neardup.SIGNATURE_BYTES


def test_signatures_are_datasketchs_minhash_of_the_shingles():
    # Stored signatures must stay comparable: the same values as a plain datasketch MinHash
    # with its default SHA-1 hash, however the shingles are hashed.
    from datasketch import MinHash

    shingle_set = neardup.shingles(SEED_TEXT)
    reference = MinHash(num_perm=neardup.NUM_PERM, seed=neardup.SEED, scheme=neardup.SCHEME)
    for shingle in shingle_set:
        reference.update(shingle.encode("utf-8"))
    assert neardup.signature(shingle_set) == reference.hashvalues.astype("<u4").tobytes()


def test_short_texts_get_no_signature():
    assert neardup.signature(neardup.shingles("خبر قصير جدا")) is None


def test_lsh_finds_an_edited_copy_and_not_a_different_text():
    words = SEED_TEXT.split()
    edited = words[:]
    edited[40] = "تعديل"
    edited[90] = "آخر"
    other = " ".join(reversed(words))
    index = neardup.LshIndex()
    original = neardup.shingles(SEED_TEXT)
    index.add(1, neardup.signature(original))
    copy = neardup.shingles(" ".join(edited))
    assert index.candidates(neardup.signature(copy)) == [1]
    assert neardup.jaccard(original, copy) > 0.9
    assert index.candidates(neardup.signature(neardup.shingles(other))) == []
