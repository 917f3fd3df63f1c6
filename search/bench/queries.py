"""The benchmark's fixed query mix: GET parameters for /api/search, grouped by kind.

Every word comes from the generator's vocabulary (search/bench/vocabulary.py), so on a generated
archive nearly every query finds something; `typo` queries are meant to find nothing (they
exercise the "did you mean" path). A list value is a repeated parameter (?year=2016&year=2017).
Source filters use the slugs the import gives the generator's source names.

The mix is data, not code: change it and old results stop being comparable.
"""

from __future__ import annotations

from collections.abc import Iterator

Params = dict[str, str | list[str]]

# Source slugs, as Source.save() derives them from vocabulary.SOURCES.
ALJAZEERA = "الجزيرة-نت"
ARABY = "العربي-الجديد"
AAWSAT = "الشرق-الأوسط"
ENAB = "عنب-بلدي"
BBC = "بي-بي-سي-عربي"
REUTERS = "reuters"
MEE = "middle-east-eye"
SYRIA_DIRECT = "syria-direct"

# Categories whose queries are expected to find nothing.
EXPECTED_EMPTY = ("typo",)
# Categories without a text query: served from the database, not the index.
BROWSE = ("browse", "browse_filtered")


def _q(*words: str) -> list[Params]:
    return [{"q": word} for word in words]


QUERY_MIX: dict[str, list[Params]] = {
    # Words in most articles: the largest result sets, so the most facet counting.
    "word_common": _q(
        "سوريا",
        "الحكومة",
        "قوات",
        "مدنيين",
        "قصف",
        "هجوم",
        "المعارضة",
        "اتفاق",
        "مفاوضات",
        "العراق",
        "اللاجئين",
        "مساعدات",
        "اشتباكات",
        "غارات",
        "النفط",
        "دمشق",
        "غزة",
        "بيان",
        "government",
        "forces",
    ),
    # How readers actually type: no hamza, ه for ة, harakat, attached clitics.
    "word_variant": _q(
        "اسعار",
        "الحكومه",
        "مفاوضاتٌ",
        "وزاره",
        "قوّات",
        "للاجئين",
        "بالقصف",
        "الاردن",
        "اسرائيل",
        "والانتخابات",
    ),
    "word_mid": _q(
        "انتخابات",
        "الحوثيين",
        "حلب",
        "إدلب",
        "الموصل",
        "كهرباء",
        "تضخم",
        "مخيم",
        "تعذيب",
        "اغتيال",
        "صنعاء",
        "بنغازي",
        "كوليرا",
        "دستور",
        "الليرة",
    ),
    # The Zipf tail of the vocabulary: a few percent of articles each.
    "word_tail": _q(
        "فيينا",
        "روما",
        "مدفع",
        "متعددة",
        "إجراءات",
        "أجهزة",
        "يقتحم",
        "هددت",
        "ألغى",
        "تضرر",
    ),
    # Villages and minor names: a handful of articles each.
    "word_rare": _q(
        "كفرنبل",
        "سرمين",
        "الزبداني",
        "مضايا",
        "يبرود",
        "الرستن",
        "تلبيسة",
        "اعزاز",
        "الشدادي",
        "حديثة",
        "الحويجة",
        "المخا",
        "زبيد",
        "الغيضة",
        "سيئون",
    ),
    "two_words": _q(
        "قصف حلب",
        "مفاوضات جنيف",
        "اللاجئين لبنان",
        "أسعار الوقود",
        "الحكومة الانتقالية",
        "هجوم مسلح",
        "غارات روسية",
        "النظام السوري",
        "قوات تركية",
        "انتخابات برلمانية",
        "الحوثيين صنعاء",
        "سعر الدولار",
        "مقتل مدنيين",
        "اعتقال صحفيين",
        "مستشفى إدلب",
        "تضخم الليرة",
        "انسحاب القوات",
        "عقوبات أمريكية",
        "refugees camp",
        "rebels Aleppo",
    ),
    "phrase": _q(
        '"وقف إطلاق النار"',
        '"مجلس الأمن"',
        '"الأمم المتحدة"',
        '"حقوق الإنسان"',
        '"قوات سوريا الديمقراطية"',
        '"هيئة تحرير الشام"',
        '"البراميل المتفجرة"',
        '"إعادة الإعمار"',
        '"سعر الصرف"',
        '"دير الزور"',
        '"المرصد السوري لحقوق الإنسان"',
        '"الامم المتحدة"',
        '"خفض التصعيد"',
        '"معبر باب الهوى"',
        '"الحرس الثوري"',
        '"حزب الله" لبنان',
        '"United Nations"',
        '"Security Council"',
    ),
    "filter": [
        {"q": "سوريا", "source": ENAB},
        {"q": "قصف", "section": "تقارير"},
        {"q": "اتفاق", "language": "ar"},
        {"q": "ceasefire", "language": "en"},
        {"q": "الحكومة", "year": "2015"},
        {"q": "اللاجئين", "tag": "لاجئون"},
        {"q": "مفاوضات", "source": [ALJAZEERA, ARABY]},
        {"q": "غارات", "year": ["2016", "2017"]},
        {"q": "هجوم", "source": AAWSAT, "section": "سياسة"},
        {"q": "النفط", "section": "اقتصاد", "year": "2020"},
        {"q": "حلب", "tag": ["سوريا", "لاجئون"]},
        {"q": "attack", "source": REUTERS},
        {"q": "refugees", "source": [MEE, SYRIA_DIRECT], "language": "en"},
        {"q": "قوات", "source": BBC, "year": "2012"},
        {"q": "المعارضة", "tag": "مفاوضات", "section": "دوليات"},
        {"q": "انتخابات", "section": ["سياسة", "محليات"]},
        {"q": "الحوثيين", "tag": "اليمن"},
        {"q": "مساعدات", "tag": "المساعدات الإنسانية", "year": "2019"},
        {"q": "كهرباء", "section": "اقتصاد"},
        {"q": "تعذيب", "section": "حقوق وحريات", "language": "ar"},
        {"q": '"مجلس الأمن"', "year": "2018"},
        {"q": "دمشق", "source": ALJAZEERA, "tag": "سوريا"},
        {"q": "غزة", "year": ["2014", "2021", "2023"]},
        {"q": "الليرة", "section": "اقتصاد", "source": ENAB},
        {"q": "اعتقال", "tag": "معتقلون"},
        {"q": "النظام", "source": [ALJAZEERA, ARABY, AAWSAT, ENAB, BBC]},
        {"q": "بيان", "section": "رأي", "year": "2024"},
        {"q": "الموصل", "tag": "العراق", "source": AAWSAT},
        {"q": "سوريا", "section": "تقارير", "year": "2013", "tag": "سوريا"},
        {"q": "Syria", "tag": "Syria"},
    ],
    "date_range": [
        {"q": "قصف", "from": "2015-01-01", "to": "2015-12-31"},
        {"q": "اتفاق", "from": "2020-03-01", "to": "2020-03-31"},
        {"q": "سوريا", "from": "2011-03-15", "to": "2012-03-15"},
        {"q": "الحكومة", "from": "2024-01-01"},
        {"q": "مفاوضات", "to": "2013-12-31"},
        {"q": "اللاجئين", "from": "2015-06-01", "to": "2016-06-01"},
        {"q": "غارات", "from": "2019-01-01", "to": "2019-01-31"},
        {"q": "انتخابات", "from": "2018-05-01", "to": "2018-05-12"},
        {"q": "حلب", "from": "2016-07-01", "to": "2016-12-31"},
        {"q": '"وقف إطلاق النار"', "from": "2016-01-01", "to": "2017-12-31"},
        {"q": "النفط", "from": "2014-06-01", "to": "2016-01-31", "section": "اقتصاد"},
        {"q": "هجوم", "from": "2017-01-01", "to": "2017-12-31", "sort": "newest"},
        {"q": "غزة", "from": "2023-10-07", "to": "2024-10-07", "source": ARABY},
        {"q": "attack", "from": "2014-01-01", "to": "2014-12-31"},
        {"q": "قوات", "from": "2021-01-01", "to": "2021-12-31", "sort": "oldest"},
    ],
    "or": _q(
        "حلب OR إدلب",
        "الحوثيين أو صنعاء",
        "كهرباء OR وقود",
        "الموصل OR الرقة",
        "تعذيب OR إعدام",
        "بنغازي OR طرابلس",
        "اغتيال OR اختطاف",
        "الليرة OR الدولار",
        "كوليرا OR وباء",
        "عدن OR تعز OR الحديدة",
        "غارات روسية OR تركية",
        "drone OR drones",
    ),
    "exclude": _q(
        "سوريا -داعش",
        "اتفاق -روسيا",
        "اللاجئين -لبنان",
        'قصف -"وقف إطلاق النار"',
        "الحكومة -انتخابات",
        "غارات -طائرات",
        "مفاوضات -جنيف",
        "النفط -أسعار",
        "حلب -إدلب -حماة",
        "المعارضة -تركيا",
        "غزة -حماس",
        "attack -hostages",
    ),
    "prefix": _q(
        "انتخاب*",
        "لاجئ*",
        "مفاوض*",
        "اقتصاد*",
        "مستشف*",
        "سور*",
        "الحوث*",
        "عسكري*",
        "اعتقال*",
        "refuge*",
        "قصف*",
        "دبلوماس*",
    ),
    "sorted": [
        {"q": "سوريا", "sort": "newest"},
        {"q": "مجلس", "sort": "oldest"},
        {"q": "قوات", "page": "2"},
        {"q": "قوات", "sort": "newest", "page": "2"},
        {"q": "اللاجئين", "sort": "newest"},
        {"q": "مفاوضات", "sort": "oldest", "page": "2"},
        {"q": "هجوم", "sort": "relevance", "page": "2"},
        {"q": "الحكومة", "sort": "newest", "language": "ar"},
        {"q": "حلب", "sort": "newest"},
        {"q": "النفط", "sort": "oldest"},
        {"q": '"الأمم المتحدة"', "sort": "newest"},
        {"q": "government", "sort": "newest"},
    ],
    "typo": _q(
        "سورياا",
        "مفاوضتات",
        "الحكوممة",
        "اقتصدي",
        "governmnet",
    ),
    "browse": [
        {},
        {"page": "2"},
        {"page": "3"},
        {"page": "5"},
        {"sort": "oldest"},
        {"sort": "newest"},
        {"sort": "oldest", "page": "2"},
        {"sort": "newest", "page": "4"},
        {"sort": "relevance"},
        {"page": "1"},
    ],
    "browse_filtered": [
        {"source": ENAB},
        {"section": "سياسة"},
        {"language": "en"},
        {"year": "2014"},
        {"tag": "اليمن"},
        {"from": "2016-01-01", "to": "2016-12-31"},
        {"source": [ALJAZEERA, ARABY], "section": "تقارير"},
        {"year": ["2020", "2021"], "language": "ar"},
        {"tag": ["سوريا", "العراق"], "sort": "oldest"},
        {"section": "اقتصاد", "tag": "نفط"},
        {"from": "2023-01-01"},
        {"to": "2012-06-30", "sort": "oldest"},
        {"source": REUTERS, "year": "2019"},
        {"section": "حقوق وحريات", "from": "2015-01-01", "to": "2018-12-31"},
        {"source": AAWSAT, "tag": "لاجئون", "year": ["2015", "2016"]},
    ],
}


def queries() -> Iterator[tuple[str, Params]]:
    """(category, GET parameters) for every query of the mix, in a fixed order."""
    for category, entries in QUERY_MIX.items():
        for params in entries:
            yield category, params


def size() -> int:
    return sum(len(entries) for entries in QUERY_MIX.values())
