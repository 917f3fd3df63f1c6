"""Gazetteer and entity tagger: the seed article's entities, ordinary words that are not
entities, Arabic proclitics, English case, longest match, the look-ups search uses, and the
sanity of the data files.  No database."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from search.entities.gazetteer import DATA_DIR, GazetteerError, default_matcher, load_entities
from search.entities.matcher import Entity, EntityMatcher, name_terms

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_78a0c063ebd393f5.txt"


@pytest.fixture(scope="module")
def matcher() -> EntityMatcher:
    return default_matcher()


@pytest.fixture(scope="module")
def entities() -> list[Entity]:
    return load_entities()


def keys(entities_: list[Entity]) -> list[str]:
    return [e.key for e in entities_]


# --- the seed article ---------------------------------------------------------------------

# Counted by hand in the seed.  داعش occurs 22 times, 4 of them inside the coalition's name
# (التحالف الدولي ضد داعش, التحالف ضد "داعش"), which is the coalition only.  سوريا occurs 13
# times, one inside قوات سوريا الديموقراطية; سورية twice as the country (في/من سورية).  The
# adjectives (الأراضي السورية, الرئيس الأميركي, الحكومة العراقية, الروسي) tag nothing.
SEED_ENTITIES = {
    "place:washington": 2,
    "place:syria": 14,
    "place:iraq": 11,
    "place:turkey": 2,
    "place:lebanon": 1,
    "place:libya": 1,
    "place:nigeria": 1,
    "place:mosul": 1,
    "place:raqqa": 1,
    "place:brussels": 1,
    "place:rabat": 1,
    "place:munich": 1,
    "org:isis": 18,
    "org:global-coalition": 10,  # التحالف الدولي ×9, التحالف ضد "داعش" ×1
    "org:sdf": 3,  # قوات سوريا الديموقراطية, (قسد), "قسد"
    "person:mike-pompeo": 4,
    "person:donald-trump": 2,
    "person:recep-tayyip-erdogan": 1,
    "person:vladimir-putin": 1,
    "person:florence-parly": 1,
    "person:abu-bakr-al-baghdadi": 1,
}
# Named in the seed and in the gazetteer, beyond the list: الولايات المتحدة ×5,
# للولايات المتحدة, أميركا, اميركا; وزارة الخارجية الأميركية ×2; the photo credit (أ.ف.ب.);
# "اعتداءات دامية في أوروبا".
SEED_EXTRAS = {
    "place:united-states": 8,
    "org:us-state-department": 2,
    "org:afp": 1,
    "place:europe": 1,
}


def test_seed_article_yields_exactly_its_entities(matcher):
    found = matcher.find(SEED.read_text(encoding="utf-8"))
    assert found == SEED_ENTITIES | SEED_EXTRAS


def test_mentions_point_back_into_the_original_text(matcher):
    text = SEED.read_text(encoding="utf-8")
    mentions = matcher.mentions(text)
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert [m.text for m in mentions if m.key == "person:mike-pompeo"] == [
        "وبومبيو",
        "مايك بومبيو",
        "بومبيو",
        "بومبيو",
    ]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_tagging_speed_is_reported(matcher):
    # Reported, not asserted: the rate depends on the machine and on what else runs on it.
    text = SEED.read_text(encoding="utf-8")
    expected = matcher.find(text)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(1000):
        assert matcher.find(text) == expected
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"\nentity tagging, seed article ({len(text)} characters) x 1000: "
        f"{1000 / wall:.0f} articles/s wall clock, {1000 / cpu:.0f} per CPU-second"
    )


# --- ordinary words are not entities ------------------------------------------------------

ORDINARY_SENTENCES = [
    "قال المدير إن حماة الوطن هم الجنود البواسل.",
    "يحب الأطفال حلب الحليب من البقرة صباحاً.",
    "أغلق الباب بهدوء ثم خرج من الغرفة.",
    "وعدهم بجنات عدن في الآخرة وجنة عدن.",
    "صعدنا إلى تل صغير قرب القرية.",
    "يبقى الأمل معقوداً على السلام في المنطقة.",
    "التقى سلمان بصديقه في المقهى ثم عاد سلمان إلى بيته.",
    "تتجه الرياح جنوب البلاد غداً ثم إلى الشمال.",
    "كتب في شبابه عن الشام القديمة.",
    "قدمت قوات سورية وتركية الدعم للقرية.",
    "حصل المشروع على دعم مالي كبير من البنك.",
    "شاهدنا صور الأقمار الصناعية للموقع.",
    "استقبل الجمهور اللاعبين بحماس كبير وبكل حماس.",
    "نقل الجنود إلى القاعدة الجوية قرب المدينة.",
    "أصيب اللاعب بقطع في الرباط الصليبي.",
    "بلغ الحد الأقصى لدرجات الحرارة أمس.",
    "الأسد ملك الغابة في القصة.",
    "هذا هو السبب الرئيسي للأزمة وسبب رئيسي آخر.",
    "وفسرت الحكومة القرار بأنه ضروري.",
    "كما هو الحال دوماً في هذه المواسم.",
    "تحدث عن المدى القصير والمتوسط.",
    "اشترى كابل كهربائي جديد للمنزل.",
    "عاد إلى مسقط رأسه بعد غياب طويل.",
    "قرأ تقريراً في واشنطن بوست عن الاقتصاد.",
    "قدم البرهان على صحة كلامه.",
    "تناولنا المطبخ البغدادي في المطعم.",
    "وصل إلى الشرق الأقصى في رحلة طويلة.",
    "انتقلت الطبقة الوسطى إلى الضواحي.",
    "بنى بيتاً على الجزيرة وسط البحر.",
    "The team bought a turkey and asked who won; tell us.",
    "We watched china plates, a panama hat and a jersey; trump cards win.",
]


@pytest.mark.parametrize("sentence", ORDINARY_SENTENCES)
def test_ordinary_sentences_name_no_entity(matcher, sentence):
    assert matcher.find(sentence) == {}


# --- Arabic proclitics --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("وبومبيو", "person:mike-pompeo"),
        ("لبومبيو", "person:mike-pompeo"),
        ("لـداعش", "org:isis"),
        ('لـ "داعش"', "org:isis"),
        ("والرقة", "place:raqqa"),
        ("بالموصل", "place:mosul"),
        ("للعراق", "place:iraq"),
        ("وللعراق", "place:iraq"),
        ("فالعراق", "place:iraq"),
        ("كالعراق", "place:iraq"),
        ("وبسوريا", "place:syria"),
        ("لسورية", "place:syria"),
        ("للاذقية", "place:latakia"),
        ("واللاذقية", "place:latakia"),
        ("وبتنظيم داعش", "org:isis"),
        ("ولقوات سوريا الديمقراطية", "org:sdf"),
    ],
)
def test_proclitics_on_the_first_word(matcher, text, key):
    assert matcher.find(f"قالت المصادر {text} اليوم") == {key: 1}


def test_proclitics_only_on_the_first_word(matcher):
    # "قوات وسوريا الديمقراطية" is not the SDF's name, and a clitic on a later word is no name.
    assert "org:sdf" not in matcher.find("قوات وسوريا الديمقراطية")


def test_article_is_not_added_to_names_without_it(matcher):
    # السوريا is no spelling of Syria, and المالي ("the financial") is not Mali.
    assert matcher.find("السوريا والمالي") == {}


# --- English ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Raqqa", "place:raqqa"),
        ("raqqa", "place:raqqa"),
        ("RAQQA", "place:raqqa"),
        ("MOSUL", "place:mosul"),
        ("mosul", "place:mosul"),
        ("ISIS", "org:isis"),
        ("Isis", "org:isis"),
        ("isis", "org:isis"),
        ("Daesh", "org:isis"),
        ("the Islamic State", "org:isis"),
        ("Erdogan", "person:recep-tayyip-erdogan"),
        ("Erdoğan", "person:recep-tayyip-erdogan"),
        ("al-Baghdadi", "person:abu-bakr-al-baghdadi"),
        ("US", "place:united-states"),
        ("U.S.", "place:united-states"),
        ("WHO", "org:who"),
        ("Turkey", "place:turkey"),
        ("Trump", "person:donald-trump"),
    ],
)
def test_english_names(matcher, text, key):
    assert matcher.find(f"Reports from {text} said") == {key: 1}


def test_english_article_about_raqqa(matcher):
    text = (
        "Kurdish-led fighters of the Syrian Democratic Forces said on Tuesday that Raqqa, "
        "the former capital of Islamic State, was secure. The U.S. State Department thanked "
        "the SDF."
    )
    assert matcher.find(text) == {
        "org:sdf": 2,
        "place:raqqa": 1,
        "org:isis": 1,
        "org:us-state-department": 1,
    }


def test_acronyms_keep_their_case(matcher):
    assert matcher.find("who is with us? the sdf? an islamic state?") == {}


# --- longest match ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قوات سوريا الديمقراطية", {"org:sdf": 1}),
        ("قوات سوريا الديموقراطية (قسد)", {"org:sdf": 2}),
        ("التحالف الدولي ضد داعش", {"org:global-coalition": 1}),
        ("التحالف الدولي ضد داعش يضرب داعش", {"org:global-coalition": 1, "org:isis": 1}),
        ("كتائب حزب الله", {"org:kataib-hezbollah": 1}),
        ("حركة طالبان باكستان", {"org:ttp": 1}),
        ("سيف الإسلام القذافي", {"person:saif-al-islam-gaddafi": 1}),
        ("الجمعية العامة للأمم المتحدة", {"org:unga": 1}),
        ("جنوب السودان", {"place:south-sudan": 1}),
        ("البيت الأبيض", {"org:white-house": 1}),
        ("تنظيم الدولة الإسلامية في العراق والشام", {"org:isis": 1}),
        ("Global Coalition to Defeat ISIS", {"org:global-coalition": 1}),
    ],
)
def test_longest_match_wins(matcher, text, expected):
    assert matcher.find(text) == expected


def test_names_do_not_span_sentences(matcher):
    assert matcher.find("قاتلوا في سوريا.\nالديمقراطية مطلب الشعب") == {"place:syria": 1}
    assert matcher.find("U.S. forces") == {"place:united-states": 1}


# --- rules for names that are also ordinary words -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # cue words
        ("سيطرت الفصائل على مدينة الباب", {"place:al-bab": 1}),
        ("قصف ريف حماة الشمالي ومحافظة حماة", {"place:hama": 2}),
        ("قال الرئيس الأسد إن نظام الأسد باق", {"person:bashar-al-assad": 2}),
        ("دخلوا مخيم الهول", {"place:al-hol": 1}),
        ("هاجم عناصر تنظيم القاعدة", {"org:al-qaeda": 1}),
        # coordination with a name of the same kind
        ("اشتباكات في حمص وحماة", {"place:homs": 1, "place:hama": 1}),
        ("في العراق وسورية", {"place:iraq": 1, "place:syria": 1}),
        # nisba forms: after a preposition, with ب/ل, at a sentence start
        ("وصلت القوات إلى سورية", {"place:syria": 1}),
        ("دعم لسورية", {"place:syria": 1}),
        ("سورية ترفض القرار", {"place:syria": 1}),
        ("قالت مصادر سورية وتركية", {}),
        # not after a definite word
        ("أعلن مقتل البغدادي", {"person:abu-bakr-al-baghdadi": 1}),
        ("الشارع البغدادي غاضب", {}),
        ("أعلنت السعودية", {"place:saudi-arabia": 1}),
        ("القوات السعودية", {}),
        ("القوة القاهرة", {}),
        ("وصل إلى القاهرة", {"place:cairo": 1}),
        # except_in phrases
        ("جنة عدن", {}),
        ("مطار عدن", {"place:aden": 1}),
        ("نشرت واشنطن بوست", {}),
        ("The Washington Post reported from Washington", {"place:washington": 1}),
        ("بني إسرائيل", {}),
        ("جيش إسرائيل", {"place:israel": 1}),
        ("رأس المال وفسرت", {}),
        ("سقطت سرت", {"place:sirte": 1}),
    ],
)
def test_ambiguous_names_follow_their_rules(matcher, text, expected):
    assert matcher.find(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("اشتباكات في طرابلس ومصراتة", {"place:tripoli-libya": 1, "place:misrata": 1}),
        ("اشتباكات في طرابلس وبيروت", {"place:tripoli-lebanon": 1, "place:beirut": 1}),
        ("اشتباكات في طرابلس", {"place:tripoli-libya": 1, "place:tripoli-lebanon": 1}),
        ("زار عمان والتقى مسؤولين في الأردن", {"place:amman": 1, "place:jordan": 1}),
        ("زار عمان والتقى مسؤولين في مسقط", {"place:oman": 1, "place:muscat": 1}),
    ],
)
def test_shared_names_are_resolved_by_the_countries_around_them(matcher, text, expected):
    assert matcher.find(text) == expected


# --- look-ups for search ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("سوريا", "place:syria"),
        ("سورية", "place:syria"),
        ("بسوريا", "place:syria"),
        ("Syria", "place:syria"),
        ("ترامب", "person:donald-trump"),
        ("ترمب", "person:donald-trump"),
        ("داعش", "org:isis"),
        ("تنظيم الدولة الإسلامية", "org:isis"),
        ("قسد", "org:sdf"),
        ("قوات سوريا الديمقراطية", "org:sdf"),
        ("قوات سوريا الديموقراطية", "org:sdf"),
        ("ISIS", "org:isis"),
        ("isis", "org:isis"),
        ("الرقة", "place:raqqa"),
        ("والرقة", "place:raqqa"),
        ("Raqqa", "place:raqqa"),
        ("raqqa", "place:raqqa"),
        ("  الرَّقَّة ", "place:raqqa"),
        ("الولايات المتحدة", "place:united-states"),
        ("US", "place:united-states"),
    ],
)
def test_entities_named_by(matcher, query, key):
    assert keys(matcher.entities_named_by(query)) == [key]


@pytest.mark.parametrize(
    "query",
    ["سوريا الديمقراطية", "قوات", "us", "الأميركي", "", "  ", "التحالف", "جنة عدن", "Syria Iraq"],
)
def test_entities_named_by_only_whole_names(matcher, query):
    assert matcher.entities_named_by(query) == []


def test_entities_named_by_restricted_and_shared_forms(matcher):
    assert matcher.entities_named_by("حماة") == []
    assert keys(matcher.entities_named_by("حماة", include_restricted=True)) == ["place:hama"]
    assert keys(matcher.entities_named_by("ريف حماة")) == []  # a cue phrase is not a name
    assert sorted(keys(matcher.entities_named_by("طرابلس"))) == [
        "place:tripoli-lebanon",
        "place:tripoli-libya",
    ]
    assert keys(matcher.entities_named_by("التحالف الدولي ضد داعش")) == ["org:global-coalition"]


def test_surface_forms(matcher):
    forms = matcher.surface_forms("place:syria")
    assert forms[:2] == ["سوريا", "Syria"]
    assert {"سورية", "Syrian Arab Republic", "الجمهورية العربية السورية"} <= set(forms)
    assert "الباب" not in matcher.surface_forms("place:al-bab")
    assert "الباب" in matcher.surface_forms("place:al-bab", include_restricted=True)
    assert {"داعش", "ISIS", "Daesh", "تنظيم الدولة الإسلامية"} <= set(
        matcher.surface_forms("org:isis")
    )


def test_matcher_over_custom_entities():
    matcher = EntityMatcher(
        [Entity("place:x", "place", "الرقة", "Raqqa", ("Rakka",), country="SY")]
    )
    assert matcher.find("من الرقة إلى Rakka") == {"place:x": 2}
    with pytest.raises(ValueError, match="duplicate"):
        EntityMatcher([matcher.entity("place:x")] * 2)


# --- the gazetteer ------------------------------------------------------------------------


def test_gazetteer_sizes(entities):
    kinds = Counter(e.kind for e in entities)
    countries = _country_entities(entities)
    assert kinds["org"] + kinds["person"] >= 150
    assert len(countries) >= 245
    assert kinds["place"] - len(countries) >= 250


def _country_entities(entities):
    path = DATA_DIR / "countries.jsonl"
    country_keys = {json.loads(line)["key"] for line in path.read_text("utf-8").splitlines()}
    return [e for e in entities if e.key in country_keys]


def test_every_cldr_country_is_in_the_gazetteer(entities):
    from search.entities.gazetteer import build_countries  # babel: a development dependency

    codes = build_countries.country_codes()
    assert len(codes) >= 245
    assert {"SY", "IQ", "PS", "XK", "US", "TR"} <= set(codes)
    assert not {"EU", "UN", "ZZ", "001", "150", "QO"} & set(codes)
    have = {e.country for e in _country_entities(entities)}
    assert set(codes) == have


def test_regions_file_is_what_the_build_script_writes():
    from search.entities.gazetteer import build_regions

    lines = [json.dumps(r, ensure_ascii=False) for r in build_regions.build()]
    assert (DATA_DIR / "regions.jsonl").read_text("utf-8").splitlines() == lines


def test_countries_file_is_what_the_build_script_writes():
    from search.entities.gazetteer import build_countries

    lines = [json.dumps(r, ensure_ascii=False) for r in build_countries.build()]
    assert (DATA_DIR / "countries.jsonl").read_text("utf-8").splitlines() == lines


def test_keys_are_unique_and_well_formed(entities):
    all_keys = keys(entities)
    assert len(all_keys) == len(set(all_keys))
    assert all(k.split(":", 1)[0] == e.kind for k, e in zip(all_keys, entities, strict=True))


def test_every_entity_has_both_names(entities):
    for e in entities:
        assert any("\u0600" <= c <= "\u06ff" for c in e.name_ar), e.key
        assert any(c.isascii() and c.isalpha() for c in e.name_en), e.key


# Forms that name more than one entity on purpose; the tagger picks by the countries the text
# names (see test_shared_names_are_resolved_by_the_countries_around_them).
INTENTIONALLY_SHARED = {
    "طرابلس": {"place:tripoli-libya", "place:tripoli-lebanon"},
    "tripoli": {"place:tripoli-libya", "place:tripoli-lebanon"},
    "عمان": {"place:oman", "place:amman"},
    "الكونغو": {"place:dr-congo", "place:congo-republic"},
    "congo": {"place:dr-congo", "place:congo-republic"},
    "البيضاء": {"place:al-bayda", "place:bayda-libya"},  # both cue_only as well
    # Father and son, husband and wife: resolved by the unshared names the text also uses.
    "بوش": {"person:george-h-w-bush", "person:george-w-bush"},
    "جورج بوش": {"person:george-h-w-bush", "person:george-w-bush"},
    "bush": {"person:george-h-w-bush", "person:george-w-bush"},
    "george bush": {"person:george-h-w-bush", "person:george-w-bush"},
    "كلينتون": {"person:bill-clinton", "person:hillary-clinton"},
    "clinton": {"person:bill-clinton", "person:hillary-clinton"},
}


def test_no_form_names_two_entities_unless_intended(entities):
    owners = defaultdict(set)
    for e in entities:
        for name in e.names:
            owners[" ".join(name_terms(name))].add(e.key)
    shared = {form: ks for form, ks in owners.items() if len(ks) > 1}
    assert shared == INTENTIONALLY_SHARED


def test_every_name_is_found(matcher, entities):
    # Catches a name swallowed by another entity's except_in phrase or longer name.
    for e in entities:
        for name in e.names:
            named = keys(matcher.entities_named_by(name, include_restricted=True))
            assert e.key in named, (e.key, name, named)


def test_every_except_in_phrase_would_otherwise_tag_its_entity(entities):
    for e in entities:
        if not e.except_in:
            continue
        bare = Entity(e.key, e.kind, e.name_ar, e.name_en, e.aliases, e.country)
        lenient = EntityMatcher([bare])
        for phrase in e.except_in:
            assert e.key in lenient.find(phrase), (e.key, phrase)


def test_data_files_are_one_json_object_per_line():
    for path in sorted(DATA_DIR.glob("*.jsonl")):
        raw = path.read_bytes()
        assert raw.endswith(b"\n"), path.name
        for number, line in enumerate(raw.decode("utf-8").split("\n")[:-1], 1):
            assert isinstance(json.loads(line), dict), f"{path.name}:{number}"


def test_loader_names_the_bad_line(tmp_path):
    good = {"key": "place:x", "kind": "place", "name_ar": "س", "name_en": "X"}
    bad = dict(good, key="place:y", cue_only=["not a name"])
    (tmp_path / "a.jsonl").write_text(
        json.dumps(good) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8"
    )
    with pytest.raises(GazetteerError, match=r"a\.jsonl:3: cue_only lists non-names"):
        load_entities(tmp_path)
    (tmp_path / "a.jsonl").write_text(json.dumps(dict(good, key="Place X")), encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"a\.jsonl:1: key"):
        load_entities(tmp_path)
    (tmp_path / "a.jsonl").write_text(json.dumps(good), encoding="utf-8")
    assert load_entities(tmp_path) == [Entity("place:x", "place", "س", "X")]


def test_an_empty_gazetteer_tags_nothing_instead_of_failing():
    from search.entities.matcher import EntityMatcher

    assert EntityMatcher([]).find("واشنطن تطمئن الحلفاء") == {}
