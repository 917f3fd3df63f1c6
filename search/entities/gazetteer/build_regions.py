"""Regenerate regions.jsonl: continents and world regions from CLDR, plus reviewed regions.

    .venv/bin/python search/entities/gazetteer/build_regions.py

CLDR names the UN M49 regions (002 Africa, 150 Europe, 419 Latin America ...) in Arabic and
English; ``Locale("ar").territories`` gives them, as build_countries.py takes the countries.
``sources/regions_reviewed.jsonl`` says which of them the gazetteer keeps (a record with
``cldr``), with the spellings news uses besides CLDR's, and adds the regions CLDR has no code
for (the Middle East, the Gulf, the Maghreb, the Levant, the Horn of Africa, the Sahel, seas
and rivers), written and reviewed by hand (a record without ``cldr``).  Regions have no
``country``.  babel is a development dependency only; the generated file is committed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel import Locale

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "regions.jsonl"
REVIEWED = HERE / "sources" / "regions_reviewed.jsonl"

FIELD_ORDER = (
    "key",
    "kind",
    "name_ar",
    "name_en",
    "aliases",
    "cue_only",
    "nisba",
    "not_after_definite",
    "case_sensitive",
    "except_in",
    "cues",
    "note",
)

# News spells America both ways (CLDR writes أمريكا) and Europe both ways (CLDR: أوروبا).
# Hamza and alef forms (أفريقيا/إفريقيا/افريقيا) need no variant: the analysis folds them.
_ARABIC_VARIANTS = (("أمريكا", "أميركا"), ("أوروبا", "أوربا"))


def _arabic_variants(name: str) -> list[str]:
    variants = [name]
    for a, b in _ARABIC_VARIANTS:
        variants += [v.replace(a, b) for v in variants if a in v]
    return variants


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build() -> list[dict]:
    arabic = Locale("ar").territories
    english = Locale("en").territories
    records = []
    for extra in _read_jsonl(REVIEWED):
        code = extra.get("cldr")
        if code is not None:
            if code not in arabic or code not in english or not code.isdigit():
                sys.exit(f"regions_reviewed.jsonl: {code!r} is not a CLDR region code")
            cldr_ar, cldr_en = arabic[code], english[code]
            name_ar = extra.get("name_ar", cldr_ar)
            name_en = extra.get("name_en", cldr_en)
            aliases = [*_arabic_variants(cldr_ar), cldr_en, *extra.get("aliases", [])]
        else:
            name_ar, name_en = extra["name_ar"], extra["name_en"]
            aliases = list(extra.get("aliases", []))
        aliases = [a for v in aliases for a in _arabic_variants(v)]
        aliases += _arabic_variants(name_ar)[1:]
        aliases = [a for a in dict.fromkeys(aliases) if a not in (name_ar, name_en)]
        record = {
            "key": extra["key"],
            "kind": "place",
            "name_ar": name_ar,
            "name_en": name_en,
            "aliases": aliases,
        }
        for field in FIELD_ORDER[5:]:
            if extra.get(field):
                record[field] = extra[field]
        if code is not None:
            record["note"] = f"CLDR region {code}" + (
                f"; {extra['note']}" if extra.get("note") else ""
            )
        records.append(record)
    keys = [r["key"] for r in records]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        sys.exit(f"duplicate keys in regions_reviewed.jsonl: {duplicates}")
    return records


def main() -> None:
    records = build()
    with OUTPUT.open("w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} regions to {OUTPUT.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
