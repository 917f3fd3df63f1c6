"""The gazetteer's coverage of 1990-today Arab-world conflicts, with precision kept.

Every form that is also an ordinary word has a guard in the data (cue_only, nisba,
not_after_definite, case_sensitive, except_in); each is checked here both ways: tagged in an
ordinary news sentence about the entity, and not tagged in an ordinary sentence where it is
the common word.  tests/data/entity_sentences.tsv then measures the tagger on realistic news
sentences annotated by hand.  No database.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from search.entities.gazetteer import default_matcher, load_entities

SENTENCES = Path(__file__).resolve().parent / "data" / "entity_sentences.tsv"


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


# (entity, a news sentence naming it, a sentence where the form is the ordinary word)
RISKY = [
    ("place:aden", "وصلت الحكومة إلى عدن أمس", "وعد الله المؤمنين جنات عدن"),
    ("person:ali-abdullah-saleh", "قتل الحوثيون الرئيس صالح في صنعاء", "هذا عمل صالح ونافع"),
    ("person:mahmoud-abbas", "استقبل الرئيس عباس الوفد في رام الله", "التقى عباس بصديقه أمس"),
    ("place:euphrates", "انسحبت القوات إلى شرق الفرات", "نفذت تركيا عملية درع الفرات"),
    ("person:hassan-nasrallah", "قال نصر الله في خطاب متلفز", "إذا جاء نصر الله والفتح"),
    ("place:hama", "قصفت الطائرات ريف حماة", "قال إن حماة الوطن هم الجنود"),
    # أنبار "granaries" is archaic and comes in a construct, without the article.
    ("place:anbar", "استعادت القوات العراقية الأنبار", "خزنوا القمح في أنبار القرية"),
    ("place:basra", "تظاهر المئات في البصرة", "نظر إليه ببصيرة نافذة"),
    ("place:hebron", "اقتحم المستوطنون الخليل", "صلى في مسجد إبراهيم الخليل"),
    ("place:tyre", "أغارت الطائرات على مدينة صور", "نشرت الصحيفة صور الضحايا"),
    ("place:homs", "تقدم الجيش في حمص", "أكل الحمص مع الخبز"),
    ("org:al-shabaab", "هاجم مسلحو الشباب قاعدة عسكرية", "يشارك الشباب في الانتخابات"),
    ("org:islamic-jihad", "أعلنت الجهاد الإسلامي مسؤوليتها", "تحدث الخطيب عن الجهاد في سبيل الله"),
    ("org:fatah", "التقى وفد فتح بقيادة حماس", "فتح الجيش الطريق أمام المدنيين"),
    ("org:fatah", "اتفقت حماس وفتح على المصالحة", "فتح المعبر أبوابه صباحا"),
    ("org:al-qaeda", "تبنى تنظيم القاعدة الهجوم", "هبطت الطائرة في القاعدة الجوية"),
    ("org:al-qaeda", "قتل زعيم القاعدة في غارة", "القاعدة القانونية واضحة"),
    ("place:middle-east", "جال الوزير في الشرق الأوسط", "نشرت صحيفة الشرق الأوسط مقالا"),
    ("place:sahel", "تنتشر الجماعات المسلحة في منطقة الساحل", "وصلت القوات إلى الساحل السوري"),
    ("place:gulf", "توتر في مياه الخليج", "قالت صحيفة الخليج الإماراتية"),
    ("place:nile", "أقام السد على النيل", "حاولوا النيل من سمعته"),
    ("person:saddam-hussein", "سقط نظام صدام في 2003", "وقع صدام بين المتظاهرين والشرطة"),
    ("person:hosni-mubarak", "تنحى الرئيس مبارك في فبراير", "قال له عيد مبارك"),
    ("person:mohamed-morsi", "عزل الجيش الرئيس مرسي", "رست السفينة في مرسى مطروح"),
    ("person:omar-al-bashir", "بعد سقوط نظام البشير", "جاء البشير بالخبر السار"),
    ("person:abdrabbuh-mansur-hadi", "عادت حكومة هادي إلى عدن", "كان البحر هادي والجو جميل"),
    ("person:kofi-annan", "فشلت خطة عنان للسلام", "أطلق العنان لخياله"),
    ("person:lakhdar-brahimi", "قال الإبراهيمي إن الحل سياسي", "اقتحم المستوطنون الحرم الإبراهيمي"),
    ("person:yasser-arafat", "حاصرت إسرائيل عرفات في المقاطعة", "وقف الحجاج على جبل عرفات"),
    ("person:hassan-al-turabi", "أعلن الترابي معارضته للحكومة", "سلكت السيارة الطريق الترابي"),
    ("person:riek-machar", "اتهم الرئيس مشار بالتمرد", "كما هو مشار إليه في التقرير"),
    ("org:rt", "قال لقناة روسيا اليوم إن", "روسيا اليوم تعلن انسحابها"),
    ("org:wam", "ذكرت وام أن الرئيس استقبل", "يعيش الطفل مع أب وأم"),
    ("org:wafa", "أفادت وفا بأن المستوطنين هاجموا", "شكرت وفا صديقتها على الهدية"),
    ("org:qna", "نقلت قنا عن الأمير قوله", "حفرت قنا للري في الحقول"),
    ("org:anadolu", "قالت الأناضول إن الجيش التركي", "تساقطت الثلوج على هضبة الأناضول"),
    ("org:afp", "ذكرت فرانس برس أن الغارات (أ ف ب)", "انتقد الرئيس السياسة الفرنسية"),
    ("place:balad", "سقط صاروخ على قاعدة بلد الجوية", "زار بلد المليون شهيد"),
    ("place:anah", "استعادت القوات مدينة عنة", "تحدث عنه الجميع"),
    ("place:luxor", "وصل السياح إلى مدينة الأقصر", "اختار الطريق الأقصر"),
    ("place:khobar", "انفجرت شاحنة في مدينة الخبر", "انتشر الخبر بسرعة"),
    ("place:laayoune", "عقد الاجتماع في مدينة العيون", "دمعت العيون حزنا"),
    ("place:van", "ضرب زلزال ولاية وان التركية", "وأكد وان الأمر انتهى"),
    ("place:yazd", "زار الوفد مدينة يزد", "لم يزد عدد الضحايا عن عشرة"),
    ("place:zarqa", "ولد الزرقاوي في الزرقاء", "ارتدى العمال الخوذ الزرقاء"),
    ("place:fes", "تظاهر الطلاب في مدينة فاس", "حمل الحطاب فأس"),
    ("place:bursa", "وقع الانفجار في ولاية بورصة", "ارتفعت أسهم بورصة نيويورك"),
    ("place:al-bayda", "اشتباكات في محافظة البيضاء اليمنية", "أعلنت الراية البيضاء"),
    ("place:al-udeid", "هبطت الطائرة في قاعدة العديد", "قتل العديد من المدنيين"),
    ("place:levant", "يتمدد التنظيم في بلاد الشام", "كتب عن الشام القديمة"),
    ("person:george-w-bush", "أعلن بوش الابن الحرب على العراق", "The bush was green"),
]


@pytest.mark.parametrize(("key", "named", "ordinary"), RISKY, ids=[r[0] for r in RISKY])
def test_risky_form_is_tagged_in_news_and_not_as_the_word(matcher, key, named, ordinary):
    assert key in matcher.find(named), named
    assert key not in matcher.find(ordinary), ordinary


def test_agency_credit_adjectives_are_not_the_country(matcher):
    assert matcher.find("(الفرنسية)") == {}
    assert matcher.find("باريس ـ الفرنسية") == {"place:paris": 1}
    assert matcher.find("(أ ف ب)") == {"org:afp": 1}
    assert matcher.find("(رويترز)") == {"org:reuters": 1}
    assert matcher.find("(أ.ف.ب)") == {"org:afp": 1}


def test_bush_is_resolved_by_the_unshared_names_in_the_text(matcher):
    son = "وقال الرئيس جورج دبليو بوش إن الحرب ستنتهي. وأضاف بوش أن القوات باقية."
    assert matcher.find(son) == {"person:george-w-bush": 2}
    father = "أرسل جورج بوش الأب القوات إلى الخليج. وقال بوش إن الكويت ستتحرر."
    assert matcher.find(father) == {
        "person:george-h-w-bush": 2,
        "place:gulf": 1,
        "place:kuwait": 1,
    }
    # With no clue both are counted, as for طرابلس: a search for either finds the article.
    assert matcher.find("وصل بوش إلى بغداد") == {
        "person:george-w-bush": 1,
        "person:george-h-w-bush": 1,
        "place:baghdad": 1,
    }


def test_regions_are_not_swallowed_by_their_countries(matcher):
    assert matcher.find("في أمريكا اللاتينية وأميركا الجنوبية") == {
        "place:latin-america": 1,
        "place:south-america": 1,
    }
    assert matcher.find("دول المغرب العربي والمغرب") == {"place:maghreb": 1, "place:morocco": 1}
    assert matcher.find("إذاعة صوت أميركا") == {"org:voa": 1}
    assert matcher.find("شمال أفريقيا وجنوب أفريقيا") == {
        "place:north-africa": 1,
        "place:south-africa": 1,
    }


def test_coverage_by_kind():
    kinds = Counter(e.kind for e in load_entities())
    assert kinds["person"] >= 400
    assert kinds["org"] >= 280
    assert kinds["place"] >= 1100


# --- precision and recall on annotated news sentences -------------------------------------


def _annotated():
    with SENTENCES.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    return [(text, frozenset(filter(None, keys.split()))) for text, keys in rows]


# The tagger's known, accepted deviations from the annotation: sentence start -> (extra, missed).
ACCEPTED = {
    # Bare صدام ("clash") is tagged only after a cue (الرئيس, نظام, عهد ...); after إن it is
    # missed.  Tagging it everywhere would tag every صدام مسلح; precision is kept over recall.
    "أعلن الرئيس جورج دبليو بوش بدء الحرب": ([], ["person:saddam-hussein"]),
    # Libya is named only through an organisation (الجيش الوطني الليبي) and a person (حفتر),
    # which carry no country, so the shared طرابلس stays both Tripolis.
    "أطلق الجيش الوطني الليبي بقيادة خليفة حفتر": (["place:tripoli-lebanon"], []),
}


def test_annotated_sentences_are_tagged_exactly(matcher):
    """Each sentence's entities as a careful reader would tag them, set against the tagger's:
    exact, but for the accepted deviations above.  Precision and recall are printed."""
    rows = _annotated()
    assert len(rows) >= 60
    tp = fp = fn = 0
    wrong = []
    for text, expected in rows:
        found = set(matcher.find(text))
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
        if found != expected:
            start = next((a for a in ACCEPTED if text.startswith(a)), text)
            wrong.append((start, sorted(found - expected), sorted(expected - found)))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nannotated sentences: {len(rows)}, precision {precision:.3f}, recall {recall:.3f}")
    assert {start: (extra, missed) for start, extra, missed in wrong} == ACCEPTED
    assert precision >= 0.99 and recall >= 0.99
