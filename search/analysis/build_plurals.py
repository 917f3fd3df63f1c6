"""Regenerate broken_plurals.tsv (broken plural → singular) from the Arramooz dictionary.

    .venv/bin/python search/analysis/build_plurals.py            # write the file
    .venv/bin/python search/analysis/build_plurals.py --review 300   # the most used pairs kept

Source: Arramooz (arramooz-pysqlite 0.4.2, Taha Zerrouki, GPL-3.0; its nouns were collected by
hand for the Ayaspell spellchecker). Its table of nouns gives, per plural, its singular
(``single``) and, per singular, its broken plurals (``broken_plural``); both directions are
read. Its word-frequency table (lemmas with their part of speech) tells how often a spelling
is read as something else. arramooz-pysqlite is a development dependency only: the generated
file is committed, and search/analysis/plurals.py reads it.

Undiacritised, many plurals are other words: كتب (books) is also "he wrote", شكل (plural of
شكلة) is "shape", معارض is "opponent", الجزائر "Algeria". A pair is kept only when:
- both forms are ordinary words: three letters at least (and the singular's light10 stem
  too), neither a stopword nor a one-word name of the gazetteer (search/entities/gazetteer);
- the plural's spelling has no other reading (a lemma of the frequency table spelt the same
  but voiced otherwise, or of another part of speech) used more than OTHER_READINGS_SHARE
  times as often as the singular; and the singular's spelling is mostly the noun itself;
- it is not in REVIEWED_DROP (checked by hand, with the reason). ADDED pairs are ones news
  needs that Arramooz lacks or drops.
The file also lists ("!" lines) the forms that a plural with a clitic attached would spell
but that are words of their own (باراك is not ب + أراك, فشل is not ف + شل): those are never
split (plurals.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: make `search` importable
    sys.path.insert(0, str(HERE.parent.parent))

from search.analysis.arabic import ARABIC_STOPWORDS, normalize, stem  # noqa: E402
from search.analysis.plurals import (  # noqa: E402
    DATA_FILE,
    MIN_LETTERS,
    PROCLITICS,
    PRONOUNS,
)

GAZETTEER = HERE.parent / "entities" / "gazetteer"

# A plural whose spelling is read otherwise this often, relative to its singular, is dropped.
OTHER_READINGS_SHARE = 0.01
# A plural in ة whose spelling less its ه is a word used this often, relative to the singular,
# is dropped: قتلة (killers) is written قتله once normalised, and that is "killed him".
PRONOUN_SHARE = 0.2
# Likewise a plural whose spelling is the article and another word (ألغاز normalised is
# الغاز, "the gas"), with the article as common as a fifth of the singular, or a one-letter
# clitic and a word more common than the singular (ألبّاء is الباء, و + باء).
ARTICLE_SHARE = 0.2
CLITIC_SHARE = 1.0
# In these comparisons a singular used less (or missing from the frequency table) counts as
# used this often: a handful of readings of a rare lemma (إلغام, 5) does not outweigh ألغام.
RARE = 5000

# Pairs the rules keep but a reading by hand drops: (singular, plural), normalised → why.
# Checked: the 400 pairs of the most used singulars (--review 400) and news' war vocabulary.
_GARBLED = "not a plural of this singular (an error or a note in the dictionary)"
_VERB_PRONOUN = "reads as a verb or noun with its pronoun (X + ه) more than as a plural"
REVIEWED_DROP = {
    ("جزيره", "جزر"): "جزر is also carrots and the ebb; الجزيرة in news is mostly the channel",
    ("راعي", "رعاه"): "رعاه is mostly 'sponsored it' (رعى + ه)",
    ("مثل", "امثال"): "مثل is mostly the preposition 'like'",
    ("وقف", "اوقاف"): "أوقاف are religious endowments; وقف in news is 'halt' (وقف إطلاق النار)",
    ("خارج", "خوارج"): "the Kharijites, not 'outsides'",
    ("خارج", "خراج"): "خراج is land tax or an abscess",
    ("امر", "مري"): "مري is a name, the oesophagus",
    ("نائب", "نوائب"): "نوائب are calamities (plural of نائبة), not deputies",
    ("كبير", "كبائر"): "كبائر are grave sins",
    ("ماضي", "مضاه"): "مضاه is 'similar' (مضاهٍ)",
    ("ماضي", "مواض"): "blades (plural of ماضٍ 'sharp'), rare",
    ("ماضي", "مواضي"): "blades (plural of ماضٍ 'sharp'), rare",
    ("جديد", "اجده"): "not a plural news uses",
    ("سيد", "سيدات"): "سيدات is the plural of سيدة (ladies)",
    ("عرض", "اعراض"): "أعراض is 'symptoms' or 'honour', not 'offers'",
    ("امن", "اوامن"): "not a word news uses",
    ("خطوه", "خطاء"): "not a plural news uses (خطوات)",
    ("ضروره", "ضرائر"): "ضرائر are co-wives",
    ("حسب", "احساب"): "حسب is mostly 'according to'",
    ("امس", "اموس"): "أمس 'yesterday' has no plural in news",
    ("امس", "اماس"): "أمس 'yesterday' has no plural in news",
    ("نفس", "انفاس"): "أنفاس is 'breaths' (plural of نَفَس)",
    ("عامل", "عوامل"): "عوامل is 'factors', عمال is 'workers': keep only the latter",
    ("حال", "احوال"): "أحوال also pairs with حول: a state, not the preposition",
    ("حول", "احوال"): "حول is mostly the preposition 'about'",
    ("سابق", "سبقه"): _VERB_PRONOUN,
    ("جنوب", "جنائب"): "not a plural news uses",
    ("شرق", "اشراق"): "إشراق is 'radiance'",
    ("لاعب", "لعاب"): "لعاب is 'saliva'",
    ("احد", "احاد"): "أحد is mostly 'anyone' or 'one of'",
    ("ساكن", "سواكن"): "Suakin, a port",
    ("تحديد", "حدود"): _GARBLED,
    ("واضح", "وضاح"): "a name",
    ("تالي", "توالي"): "توالي is 'succession' (على التوالي)",
    ("تالي", "توال"): "as توالي",
    ("اعلي", "عاقل"): _GARBLED,
    ("اعلي", "لغير"): _GARBLED,
    ("اعلي", "عليا"): "العليا (supreme) is an adjective of its own",
    ("اعلي", "اعلون"): "not a plural news uses",
    ("اعلي", "اعالي"): "أعالي is 'heights' (of a mountain)",
    ("شارع", "شراع"): "شراع is a sail",
    ("قادم", "قدام"): "قدّام is 'in front of'",
    ("جيد", "جياد"): "جياد are horses",
    ("جيد", "جيائد"): "not a word news uses",
    ("جيد", "وجيائد"): _GARBLED,
    ("جرح", "جراحات"): "جراحات are surgeries (plural of جراحة)",
    ("عين", "اعيان"): "أعيان are notables (مجلس الأعيان)",
    ("شهيد", "اشهاد"): "إشهاد is 'attestation'",
    ("شهيد", "واشهاد"): _GARBLED,
    ("شاهد", "اشهاد"): "إشهاد is 'attestation'",
    ("شاهد", "وشهد"): _GARBLED,
    ("شاهد", "شهاد"): "not a plural news uses",
    ("سواء", "سواسيه"): "سواء is mostly 'whether' or 'alike'",
    ("سواء", "اسواء"): "سواء is mostly 'whether' or 'alike'",
    ("ضابط", "ضوابط"): "ضوابط are rules (plural of ضابطة), not officers",
    ("شديد", "شداد"): "a name",
    ("رسم", "ارسم"): "'I draw'",
    ("مصير", "امصره"): "intestines (مصير in that sense), not 'fate'",
    ("مصير", "مصارين"): "intestines (مصير in that sense), not 'fate'",
    ("مصير", "مصاير"): "intestines (مصير in that sense), not 'fate'",
    ("مصير", "مصران"): "intestines (مصير in that sense), not 'fate'",
    ("حليف", "وحلفاء"): _GARBLED,
    ("نقد", "نقود"): "نقود is money; نقد in news is mostly criticism",
    ("عاده", "عوائد"): "عوائد are revenues; عادة is a habit",
    ("ربيع", "اربعه"): "أربعة is 'four'",
    ("منطقي", "مناطقه"): _GARBLED,
    ("فار", "فئره"): "not a plural news uses",
    ("غرار", "اغره"): "على غرار is 'like'",
    ("واضح", "وضحه"): _VERB_PRONOUN,
    ("ناطق", "نطقه"): _VERB_PRONOUN,
    ("كامل", "كمله"): _VERB_PRONOUN,
    ("ساكن", "سكنه"): _VERB_PRONOUN,
    ("عالي", "علاه"): _VERB_PRONOUN,
    ("دار", "دياره"): _VERB_PRONOUN,
    ("هاتف", "هتفه"): _VERB_PRONOUN,
    ("جاهز", "جهزه"): _VERB_PRONOUN,
    ("كافي", "كفاه"): _VERB_PRONOUN,
    ("عاهل", "عهل"): _GARBLED,
    ("مكتوب", "مكافيف"): _GARBLED,
    ("نشيط", "نشاطي"): _GARBLED,
    ("عظيم", "عظام"): "عظام are bones (plural of عظم)",
    ("رافض", "روافض"): "الروافض is a sectarian name, not 'refusers'",
    ("خاطف", "خطاف"): "خطاف is a hook",
    ("بارز", "براز"): "براز is excrement",
    ("نقض", "انقاض"): "أنقاض is rubble; نقض in news is a veto or a breach",
    ("نبكه", "نبك"): "النبك, a Syrian town",
    ("مائد", "ميدي"): "a name (Medi), not a plural news uses",
    ("باقي", "بقاه"): _VERB_PRONOUN,
    ("فادي", "فداه"): _VERB_PRONOUN,
}

# Pairs an automatic rule drops but a reading by hand keeps: (singular, plural) → why.
REVIEWED_KEEP = {
    ("مصدر", "مصادر"): "مُصادَر (confiscated) is rare next to 'sources'",
    ("قائد", "قاده"): "قادة (leaders) is far more common in news than قاده 'led him'",
    ("اسير", "اسري"): "الأسرى (prisoners) is far more common in news than الأسري (familial)",
    ("مصلحه", "مصالح"): "مُصالِح (reconciler) is rare next to 'interests'",
    ("خبر", "اخبار"): "إخبار (informing) is rare next to 'news'",
    ("قبيله", "قبائل"): "the Kabylie region is rare next to 'tribes'",
    ("بطل", "ابطال"): "إبطال (annulling) is rare next to 'heroes'",
    ("لغم", "الغام"): "the dictionary voices لُغْم, the frequency table لَغْم: the same mine",
}

# (singular, plural) as written → why: pairs news needs that Arramooz lacks.
ADDED = {
    ("جندي", "جنود"): "Arramooz pairs جنود with جُنْد only",
    ("جندي", "اجناد"): "as جنود",
}


def _clean(token: str) -> str | None:
    """One word of a dictionary field, or None for notes and several words."""
    token = token.strip().replace("\u200e", "").replace("\u200f", "")
    token = re.sub(r"^\+?ات\s+", "", token)  # "+ات" notes a sound plural too
    token = re.sub(r"\s*[\[(].*$", "", token).strip()  # (مؤ ...), [لا يجوز ...]
    return token if re.fullmatch(r"[\u0621-\u064a\u064b-\u0652\u0670]+", token) else None


def _forms(vocalised: str) -> list[str]:
    """The normalised spellings of a plural: a manqus one (مَبَانٍ) is also written with ي."""
    form = normalize(vocalised)
    if vocalised.startswith("ال") and len(form) > 4:  # a few are given with the article
        form = form[2:]  # (but ألغاز, ألوان begin with a hamza: normalised, الغاز, الوان)
    forms = [form]
    if vocalised.endswith("\u064d"):  # kasratan: مبانٍ, المباني
        forms.append(form + "ي")
    return forms


_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0653)) | {"\u0670"}


def _voicing(vocalised: str) -> list[tuple[str, frozenset[str]]]:
    """Letters with their marks (sukun and the last letter's case ending left out)."""
    letters: list[tuple[str, set[str]]] = []
    for ch in vocalised.replace("\u0640", ""):  # tatweel: مَبْنـىً
        if ch in _MARKS:
            if letters:
                letters[-1][1].add(ch)
        else:
            letters.append((normalize(ch) or ch, set()))
    voicing = [(ch, frozenset(marks - {"\u0652"})) for ch, marks in letters]
    if voicing:
        voicing[-1] = (voicing[-1][0], frozenset())
    return voicing


def _same_reading(a: str, b: str) -> bool:
    """True if two vocalised spellings can be the same word (marks missing count as agreeing)."""
    va, vb = _voicing(a), _voicing(b)
    if [ch for ch, _ in va] != [ch for ch, _ in vb]:
        return False
    return all(not ma or not mb or ma == mb for (_, ma), (_, mb) in zip(va, vb, strict=True))


def _names() -> set[str]:
    """One-word Arabic names of the gazetteer, normalised, with and without the article.

    Not the forms the gazetteer tags only after a cue (cue_only): alone they are the ordinary
    word (بلد is "country", الخبر "the news"), which is what the plural pairs are about.
    """
    names = set()
    for path in sorted(GAZETTEER.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entity = json.loads(line)
            cued = {normalize(form) for form in entity.get("cue_only", [])}
            for name in [entity.get("name_ar", ""), *entity.get("aliases", [])]:
                if normalize(name) in cued:
                    continue
                parts = normalize(name).split()
                if len(parts) == 1:
                    names.add(parts[0])
                    if parts[0].startswith("ال"):
                        names.add(parts[0][2:])
    return names


class Dictionary:
    def __init__(self, folder: Path):
        nouns = sqlite3.connect(folder / "arabicdictionary.sqlite")
        self.pairs: set[tuple[str, str]] = set()  # (singular, plural) vocalised
        rows = "select vocalized, single from nouns where number = 'جمع تكسير' and single != ''"
        for plural, single in nouns.execute(rows):
            if (s := _clean(single)) and (p := _clean(plural)):
                self.pairs.add((s, p))
        rows = "select vocalized, broken_plural from nouns where broken_plural != ''"
        for single, plurals in nouns.execute(rows):
            if s := _clean(single):
                self.pairs.update((s, p) for t in plurals.split(";") if (p := _clean(t)))
        # Every spelling the dictionary knows (nouns, verbs), for the clitic collisions.
        self.known = {normalize(v) for (v,) in nouns.execute("select vocalized from nouns")}
        self.known |= {normalize(v) for (v,) in nouns.execute("select vocalized from verbs")}
        frequencies = sqlite3.connect(folder / "wordfreq.sqlite")
        self.lemmas: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for vocalised, bare, kind, count in frequencies.execute(
            "select vocalized, unvocalized, word_type, freq from wordfreq"
        ):
            self.lemmas[normalize(bare)].append((vocalised, kind, count))
            self.known.add(normalize(bare))

    def frequency(self, form: str) -> int:
        """How often the lemmas spelt `form` (normalised) are used, all readings together."""
        return sum(count for _, _, count in self.lemmas.get(form, ()))

    def readings(self, vocalised: str) -> tuple[int, int]:
        """(how often this noun's spelling is this noun, how often it is something else)."""
        same = other = 0
        for lemma, kind, count in self.lemmas.get(normalize(vocalised), ()):
            if kind in ("noun", "adj") and _same_reading(lemma, vocalised):
                same += count
            else:
                other += count
        return same, other


def _clitic_reading(plural: str, used: int, dictionary: Dictionary) -> bool:
    """True if the plural's spelling is mostly a clitic and another word."""
    if plural.startswith("ال") and dictionary.frequency(plural[2:]) > ARTICLE_SHARE * used:
        return True
    return plural[0] in ("و", "ف", *PROCLITICS) and (
        dictionary.frequency(plural[1:]) > CLITIC_SHARE * used
    )


def _verdicts(dictionary: Dictionary):
    """(singular, plural, how often the singular is used, why dropped or None), normalised."""
    stopwords = {normalize(w) for w in ARABIC_STOPWORDS}
    names = _names()
    plural_forms = {f for _, plural in dictionary.pairs for f in _forms(plural)}
    seen = set()
    for single, plural in sorted(dictionary.pairs):
        used, single_other = dictionary.readings(single)
        plural_same, plural_other = dictionary.readings(plural)
        s = normalize(single)
        floor = max(used, RARE)  # a singular the table lacks is rare, not unused
        for p in _forms(plural):
            if (s, p) in seen:
                continue
            seen.add((s, p))
            why = None
            if s == p:
                why = "same spelling"
            elif len(p) < MIN_LETTERS or len(stem(s)) < MIN_LETTERS:
                why = "too short"
            elif s in stopwords or p in stopwords:
                why = "a stopword"
            elif s in names or p in names:
                why = "a name in the gazetteer"
            elif p[0] == "و" and s[0] != "و" and p[1:] in plural_forms:
                why = "a plural with a stray conjunction (وأشهاد)"
            elif (s, p) in REVIEWED_DROP:
                why = REVIEWED_DROP[(s, p)]
            elif (s, p) in REVIEWED_KEEP:
                why = None
            elif p.endswith("ه") and (
                p[:-1] in plural_forms or dictionary.frequency(p[:-1]) > PRONOUN_SHARE * floor
            ):
                # قتله is mostly 'killed him', not killers; مناطقه is 'its regions'.
                why = "the plural reads as another word with its pronoun"
            elif _clitic_reading(p, floor, dictionary):
                why = "the plural reads as a clitic and another word"
            elif plural_same + plural_other > OTHER_READINGS_SHARE * floor:
                # A plural's spelling is no lemma of its own: any use of it is another word.
                why = "the plural's spelling is mostly another word"
            elif single_other > used:
                why = "the singular's spelling is mostly another word"
            yield s, p, used, why
    for single, plural in ADDED:
        yield normalize(single), normalize(plural), 0, None


def _blocked(plurals: set[str], known: set[str]) -> set[str]:
    """Spellings of a plural with a clitic that are words of their own: never split."""
    blocked = set()
    for p in plurals:
        attached = [x + p for x in PROCLITICS]
        attached += [p + pronoun for pronoun in PRONOUNS]
        if p.endswith("ه"):
            attached += [p[:-1] + "ت" + pronoun for pronoun in (*PRONOUNS, "ه")]
        blocked.update(form for form in attached if form in known and form not in plurals)
    return blocked


def build(folder: Path) -> tuple[dict[str, list[str]], set[str], Counter]:
    dictionary = Dictionary(folder)
    singulars: dict[str, list[str]] = defaultdict(list)
    reasons: Counter = Counter()
    seen = set()
    for s, p, _, why in _verdicts(dictionary):
        seen.add((s, p))
        reasons[why or "kept"] += 1
        if why is None and s not in singulars[p]:
            singulars[p].append(s)
    # A reviewed pair the dictionary no longer has is a stale entry: say so.
    stale = (REVIEWED_DROP.keys() | REVIEWED_KEEP.keys()) - seen
    if stale:
        raise SystemExit(f"reviewed pairs not in the dictionary: {sorted(stale)}")
    return dict(singulars), _blocked(set(singulars), dictionary.known), reasons


HEADER = """\
# Broken plural → singular(s), normalised (search.analysis.arabic.normalize), one plural a line.
# Generated by build_plurals.py from Arramooz (arramooz-pysqlite 0.4.2, Taha Zerrouki and
# Mohamed Kebdani; GNU GPL version 3): do not edit, change the script and run it again.
# "!" lines: a plural with a clitic would be spelt so, but it is a word of its own.
"""


def write(singulars: dict[str, list[str]], blocked: set[str], path: Path = DATA_FILE) -> None:
    lines = [f"{p}\t{' '.join(sorted(s))}" for p, s in sorted(singulars.items())]
    lines += [f"!{form}" for form in sorted(blocked)]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")


def _arramooz_data() -> Path:
    import arramooz  # a development dependency (requirements-dev.txt)

    return Path(arramooz.__file__).resolve().parent / "data"


def review(count: int) -> None:
    """The `count` most used singulars' pairs that are kept, for checking by hand."""
    kept = [v for v in _verdicts(Dictionary(_arramooz_data())) if v[3] is None]
    kept.sort(key=lambda v: -v[2])
    for s, p, used, _ in kept[:count]:
        print(f"{used}\t{s}\t{p}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--review", type=int, metavar="N", help="print the N most used pairs")
    args = parser.parse_args()
    if args.review:
        review(args.review)
        return
    singulars, blocked, reasons = build(_arramooz_data())
    write(singulars, blocked)
    for reason, count in reasons.most_common():
        print(f"{count:6}  {reason}")
    pairs = sum(map(len, singulars.values()))
    print(f"{DATA_FILE.name}: {len(singulars)} plurals, {pairs} pairs, {len(blocked)} blocked")


if __name__ == "__main__":
    main()
