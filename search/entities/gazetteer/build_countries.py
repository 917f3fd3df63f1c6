"""Regenerate countries.jsonl from CLDR (through babel) and the reviewed country aliases.

    .venv/bin/python search/entities/gazetteer/build_countries.py

Country names are taken from CLDR, not typed by hand: ``Locale("ar").territories`` and
``Locale("en").territories`` give each code's Arabic and English name.  The reviewed file
``sources/countries_reviewed.jsonl`` then adds, per code, the spellings news actually uses
(سورية, أميركا, Turkey, USA ...), the matching rules of ambiguous forms, and sometimes a
different display name or key.  CLDR's own names always stay among the aliases.

Keys, once written, never change: a code already in countries.jsonl keeps its key even if
CLDR renames the country (as it renamed Turkey to Türkiye), because tags in the archive
refer to keys.  babel is a development dependency only; the generated file is committed.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from babel import Locale

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "countries.jsonl"
REVIEWED = HERE / "sources" / "countries_reviewed.jsonl"

# CLDR territory codes that are not countries: groupings, pseudo-locales and "unknown".
NOT_TERRITORIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
# ISO 3166 "exceptionally reserved" codes that CLDR names but that are parts of countries we
# already have (Ascension and Tristan da Cunha of SH, Clipperton of FR, Diego Garcia of IO,
# Ceuta, Melilla and the Canaries of ES, Sark of GG); tagging them separately helps no one.
PARTS_OF_OTHERS = {"AC", "TA", "CP", "DG", "EA", "IC", "CQ"}
# Kept although not ISO-assigned: XK (Kosovo), the code CLDR and most institutions use.
EXCLUDED = NOT_TERRITORIES | PARTS_OF_OTHERS

FIELD_ORDER = (
    "key",
    "kind",
    "name_ar",
    "name_en",
    "aliases",
    "country",
    "cue_only",
    "nisba",
    "not_after_definite",
    "case_sensitive",
    "except_in",
    "cues",
    "note",
)


def country_codes() -> list[str]:
    """The CLDR territory codes that are countries or territories, as this gazetteer has them."""
    english = Locale("en").territories
    return sorted(c for c in english if len(c) == 2 and c.isalpha() and c not in EXCLUDED)


def _clean(name: str) -> str:
    # CLDR display names carry disambiguation in brackets ("Myanmar (Burma)"); text doesn't.
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def _english_variants(name: str) -> list[str]:
    variants = [name]
    if "&" in name:
        variants.append(name.replace("&", "and"))
    if re.match(r"St\. ", name):
        variants += [re.sub(r"^St\. ", "Saint ", v) for v in list(variants)]
    return variants


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build() -> list[dict]:
    arabic = Locale("ar").territories
    english = Locale("en").territories
    reviewed = {r["code"]: r for r in _read_jsonl(REVIEWED)}
    existing_keys = {r["country"]: r["key"] for r in _read_jsonl(OUTPUT)}
    codes = country_codes()
    unknown = set(reviewed) - set(codes)
    if unknown:
        sys.exit(f"countries_reviewed.jsonl names codes that are not built: {sorted(unknown)}")

    records = []
    for code in codes:
        if code not in arabic:
            sys.exit(f"CLDR has no Arabic name for {code}: decide on it in EXCLUDED")
        extra = reviewed.get(code, {})
        cldr_ar, cldr_en = _clean(arabic[code]), _clean(english[code])
        name_ar = extra.get("name_ar", cldr_ar)
        name_en = extra.get("name_en", cldr_en)
        key = existing_keys.get(code) or extra.get("key") or f"place:{_slug(name_en)}"
        aliases = [cldr_ar, *_english_variants(cldr_en), *extra.get("aliases", [])]
        if name_en != cldr_en:
            aliases += _english_variants(name_en)[1:]
        aliases = [a for a in dict.fromkeys(aliases) if a not in (name_ar, name_en)]
        record = {
            "key": key,
            "kind": "place",
            "name_ar": name_ar,
            "name_en": name_en,
            "aliases": aliases,
            "country": code,
        }
        for field in FIELD_ORDER[6:]:
            if extra.get(field):
                record[field] = extra[field]
        records.append(record)

    keys = [r["key"] for r in records]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        sys.exit(f"duplicate keys, give them one in countries_reviewed.jsonl: {duplicates}")
    return records


def main() -> None:
    records = build()
    with OUTPUT.open("w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} countries to {OUTPUT.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
