"""/api/search end to end: Arabic matching, query syntax, facets, filters, sorting, paging."""

from datetime import date

import pytest


@pytest.fixture
def search(client):
    def get(**params):
        response = client.get("/api/search", params)
        assert response.status_code == 200, response.content
        return response.json()

    return get


def titles(data) -> list[str]:
    return [result["title"] for result in data["results"]]


@pytest.fixture
def archive(make_article, indexed):
    """A small archive covering the spelling variations readers type."""
    articles = {
        "coalition": make_article(
            "التحالف الدولي يجتمع في واشنطن",
            ["التحالف المكوّن من 79 عضواً بقيادة الولايات المتحدة يجتمع لإجراء نقاشات معمقة."],
            source="اندبندنت عربية",
            section="دوليات",
            published=date(2019, 2, 6),
            tags=["داعش"],
        ),
        "refugees": make_article(
            "مساعدات للاجئين في عرسال",
            ["وصلت قافلة مساعدات إلى مخيمات عرسال قبل العاصفة."],
            source="وكالة الأنباء",
            section="لبنان",
            published=date(2020, 1, 15),
        ),
        "embassy": make_article(
            "الأردن يعيد فتح سفارته",
            [
                "أعادت الحكومة فتح سفارتها في دمشق بعد إغلاق دام سنوات، وقالت حكومته إن القرار سيادي."
            ],
            source="وكالة الأنباء",
            section="سياسة",
            published=date(2018, 12, 27),
        ),
        "year": make_article(
            "ذكرى سقوط الموصل",
            ["في حزيران ٢٠١٤ سقطت مدينة الموصل، وبنى السكان حياتهم من جديد."],
            source="اندبندنت عربية",
            section="العراق",
            published=date(2017, 7, 10),
            tags=["الموصل", "داعش"],
        ),
        "persian": make_article(
            "تقرير عن سوریه",
            ["كتب المراسل عن أوضاع الكرد في سوریه والعراق."],
            source="وكالة الأنباء",
            section="دوليات",
        ),
        "tatweel": make_article(
            "الجيـــــش يعلن",
            ["قال المتحدث باسم القوات إن قواته تقدمت نحو المدينة، وإن إسرائيل لم تعلّق."],
            source="وكالة الأنباء",
            section="سياسة",
            published=date(2021, 5, 1),
        ),
        "english": make_article(
            "Ministers meet in Washington",
            ["Foreign ministers of the coalition met in Washington to discuss refugees."],
            source="Example Wire",
            section="World",
            language="en",
            published=date(2019, 2, 7),
        ),
    }
    indexed()
    return articles


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("مكون", "التحالف الدولي يجتمع في واشنطن"),  # no shadda in the query, shadda in the text
        ("المكوَّن", "التحالف الدولي يجتمع في واشنطن"),  # diacritics in the query only
        ("الاردن", "الأردن يعيد فتح سفارته"),  # hamza: ا for أ
        ("إسرائيل", "الجيـــــش يعلن"),
        ("اسرائيل", "الجيـــــش يعلن"),
        ("الجيش", "الجيـــــش يعلن"),  # tatweel in the title
        ("بنا", None),  # ى/ي must not become ا: nothing says بنا
        ("بني", "ذكرى سقوط الموصل"),  # ى written ي: بنى
        ("2014", "ذكرى سقوط الموصل"),  # Arabic-Indic digits in the text
        ("٢٠١٤", "ذكرى سقوط الموصل"),
        ("سوريه", "تقرير عن سوریه"),  # Persian ی in the text
        ("سورية", "تقرير عن سوریه"),  # ة typed for ه
        ("اللاجئين", "مساعدات للاجئين في عرسال"),  # ال vs لل clitics
        ("لاجئ", "مساعدات للاجئين في عرسال"),  # singular finds plural with clitic
        ("السفارة", "الأردن يعيد فتح سفارته"),  # ة before a pronoun written ت
        ("حكومة", "الأردن يعيد فتح سفارته"),
        ("قوات", "الجيـــــش يعلن"),  # قواته
        ("وبالتحالف", "التحالف الدولي يجتمع في واشنطن"),  # stacked clitics
        ("minister", "Ministers meet in Washington"),  # English stemming
    ],
)
def test_arabic_spelling_variants_find_the_article(search, archive, query, expected):
    found = titles(search(q=query))
    if expected is None:
        assert found == []
    else:
        assert expected in found, found


def test_broken_plurals_find_their_singulars_exact_form_first(search, make_article, indexed):
    make_article("مصنع كيميائي", ["زار الوفد مصنعاً كيميائياً للأسمدة."])
    make_article("تحقيق في هجوم", ["اتهامات باستخدام أسلحة كيميائية في الغوطة."])
    make_article("السلاح الكيميائي", ["تقرير عن سلاح كيميائي جديد."])
    indexed()
    assert titles(search(q="سلاح كيميائي")) == ["السلاح الكيميائي", "تحقيق في هجوم"]
    assert titles(search(q="أسلحة كيميائية")) == ["تحقيق في هجوم", "السلاح الكيميائي"]
    data = search(q="سلاح كيميائي")
    assert "<mark>أسلحة كيميائية</mark>" in data["results"][1]["snippet"]  # highlighted too


def test_stopword_is_not_confused_with_the_name_it_normalises_to(search, make_article, indexed):
    make_article("زيارة علي إلى بغداد", ["وصل علي إلى بغداد صباحاً."])
    make_article("خبر آخر", ["سقط المطر على بغداد."])
    indexed()
    assert titles(search(q="علي")) == ["زيارة علي إلى بغداد"]


def test_diacritised_word_is_highlighted_as_written(search, archive):
    data = search(q="مكون")
    assert "<mark>المكوّن</mark>" in data["results"][0]["snippet"]


def test_snippets_escape_html_from_the_text(search, make_article, indexed):
    make_article("تقرير", ['<script>alert("x")</script> انفجار في المدينة'])
    indexed()
    snippet = search(q="انفجار")["results"][0]["snippet"]
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>انفجار</mark>" in snippet


def test_words_are_anded(search, archive):
    assert titles(search(q="الموصل حزيران")) == ["ذكرى سقوط الموصل"]
    assert titles(search(q="الموصل واشنطن")) == []


def test_phrase_requires_adjacent_words(search, archive):
    assert titles(search(q='"مخيمات عرسال"')) == ["مساعدات للاجئين في عرسال"]
    assert titles(search(q='"عرسال مخيمات"')) == []


def test_phrase_highlight_marks_the_phrase_as_one(search, archive):
    snippet = search(q='"مخيمات عرسال"')["results"][0]["snippet"]
    assert "<mark>مخيمات عرسال</mark>" in snippet


def test_or_and_exclusion(search, archive):
    assert sorted(titles(search(q="عرسال OR الموصل"))) == [
        "ذكرى سقوط الموصل",
        "مساعدات للاجئين في عرسال",
    ]
    found = titles(search(q="دوليات OR التحالف -واشنطن"))
    assert "التحالف الدولي يجتمع في واشنطن" not in found


def test_exclusion_alone_lists_everything_else(search, archive):
    found = titles(search(q="-واشنطن"))
    # Washington is one place in both languages: the English article goes too.
    assert len(found) == len(archive) - 2
    assert "التحالف الدولي يجتمع في واشنطن" not in found
    assert "Ministers meet in Washington" in titles(search(q="-الموصل"))


def test_prefix_query(search, archive):
    found = titles(search(q="عرس*"))
    assert found == ["مساعدات للاجئين في عرسال"]


@pytest.mark.parametrize(
    "query",
    ['"غير مغلق', "(((", "OR", "AND OR -", "*", "-", 'a" OR "', "الموصل)", "\\", "x" * 2000],
)
def test_bad_syntax_never_fails(client, archive, query):
    response = client.get("/api/search", {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["count"], int)


def test_unbalanced_quote_falls_back_to_plain_words(search, archive):
    assert titles(search(q='"مخيمات عرسال')) == ["مساعدات للاجئين في عرسال"]


def test_facets_have_exact_whole_value_counts(search, archive):
    data = search(q="")
    sources = {f["value"]: (f["label"], f["count"]) for f in data["facets"]["source"]}
    assert sources["اندبندنت-عربية"] == ("اندبندنت عربية", 2)
    assert sources["وكالة-الأنباء"] == ("وكالة الأنباء", 4)
    sections = {f["value"]: f["count"] for f in data["facets"]["section"]}
    assert sections == {"دوليات": 2, "لبنان": 1, "سياسة": 2, "العراق": 1, "World": 1}
    assert {f["value"]: f["count"] for f in data["facets"]["tag"]} == {"داعش": 2, "الموصل": 1}
    assert {f["value"]: f["count"] for f in data["facets"]["language"]} == {"ar": 6, "en": 1}
    years = {f["value"]: f["count"] for f in data["facets"]["year"]}
    assert years == {"2017": 1, "2018": 1, "2019": 2, "2020": 1, "2021": 1}
    assert set(data["facets"]) == {
        "source",
        "section",
        "language",
        "year",
        "place",
        "person",
        "org",
        "tag",
    }


def test_text_search_facets_count_only_matches(search, archive):
    data = search(q="داعش OR التحالف OR الموصل")
    sources = {f["value"]: f["count"] for f in data["facets"]["source"]}
    assert sources == {"اندبندنت-عربية": 2}
    assert data["count"] == 2


def test_filters_or_within_and_across(search, archive):
    data = search(section=["دوليات", "لبنان"])
    assert data["count"] == 3
    data = search(section=["دوليات", "لبنان"], source="وكالة-الأنباء")
    assert sorted(titles(data)) == ["تقرير عن سوریه", "مساعدات للاجئين في عرسال"]
    # The same through the index, with a query.
    data = search(q="عرسال OR سوريه OR واشنطن", section=["دوليات", "لبنان"], source="وكالة-الأنباء")
    assert sorted(titles(data)) == ["تقرير عن سوریه", "مساعدات للاجئين في عرسال"]


def test_a_facet_counts_as_if_its_own_filter_were_off(search, archive):
    data = search(section="لبنان")
    sections = {f["value"]: f["count"] for f in data["facets"]["section"]}
    assert sections["دوليات"] == 2  # still offered, to widen the choice
    assert {f["value"]: f["count"] for f in data["facets"]["source"]} == {"وكالة-الأنباء": 1}


def test_year_language_and_tag_filters(search, archive):
    assert titles(search(year="2017")) == ["ذكرى سقوط الموصل"]
    assert titles(search(language="en")) == ["Ministers meet in Washington"]
    assert sorted(titles(search(tag="داعش"))) == [
        "التحالف الدولي يجتمع في واشنطن",
        "ذكرى سقوط الموصل",
    ]
    assert titles(search(q="الموصل", tag="داعش")) == ["ذكرى سقوط الموصل"]


@pytest.mark.parametrize("with_query", [False, True])
def test_date_range_is_inclusive(search, archive, with_query):
    q = "التحالف OR الحكومة OR ministers OR عرسال" if with_query else ""
    data = search(q=q, **{"from": "2018-12-27", "to": "2019-02-07"})
    expected = [
        "الأردن يعيد فتح سفارته",
        "التحالف الدولي يجتمع في واشنطن",
        "Ministers meet in Washington",
    ]
    assert sorted(titles(data)) == sorted(expected)


def test_browse_is_newest_first_with_unknown_dates_last(search, archive):
    found = titles(search())
    assert found[0] == "الجيـــــش يعلن"
    assert found[-1] == "تقرير عن سوریه"
    oldest = titles(search(sort="oldest"))
    assert oldest[0] == "ذكرى سقوط الموصل"
    assert oldest[-1] == "تقرير عن سوریه"


def test_sorting_a_text_search(search, archive):
    q = "التحالف OR الموصل OR ministers"
    assert titles(search(q=q, sort="newest")) == [
        "Ministers meet in Washington",
        "التحالف الدولي يجتمع في واشنطن",
        "ذكرى سقوط الموصل",
    ]
    assert titles(search(q=q, sort="oldest"))[0] == "ذكرى سقوط الموصل"


def test_title_and_exact_forms_rank_first(search, make_article, indexed):
    make_article("تقرير اقتصادي", ["تحدث الوزير عن المفاوضات الجارية وعن مفاوض جديد."])
    make_article("المفاوضات تتعثر", ["لا جديد."])
    indexed()
    assert titles(search(q="المفاوضات"))[0] == "المفاوضات تتعثر"


def test_zero_hits_suggests_a_spelling(search, archive):
    data = search(q="عرصال")
    assert data["count"] == 0
    assert data["suggestion"] == "عرسال"


def test_result_fields_follow_the_contract(search, archive):
    result = search(q="واشنطن", language="ar")["results"][0]
    assert result["id"] == archive["coalition"].pk
    assert result["url"] == f"/articles/{archive['coalition'].pk}/"
    assert result["source"] == "اندبندنت عربية"
    assert result["section"] == "دوليات"
    assert result["language"] == "ar"
    assert result["published"] == "2019-02-06"
    assert result["source_url"] is None
    assert "<mark>واشنطن</mark>" in result["snippet"] or result["snippet"]


def test_pagination(search, make_article, indexed, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    for n in range(5):
        make_article(f"خبر عن الحدود {n}", ["اشتباكات على الحدود."], published=date(2020, 1, n + 1))
    indexed()
    first = search(q="الحدود", sort="newest")
    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    last = search(q="الحدود", sort="newest", page=3)
    assert titles(last) == ["خبر عن الحدود 0"]
    browse = search(page=2)
    assert len(browse["results"]) == 2


def test_bad_parameters_are_400_with_the_field_named(client, db):
    response = client.get("/api/search", {"from": "yesterday"})
    assert response.status_code == 400
    assert "from" in response.json()["fields"]
    response = client.get("/api/search", {"page": "0"})
    assert response.status_code == 400
    response = client.get("/api/search", {"from": "2020-01-02", "to": "2020-01-01"})
    assert response.status_code == 400


def test_page_beyond_the_last_is_404(client, archive):
    assert client.get("/api/search", {"q": "الموصل", "page": 9}).status_code == 404
    assert client.get("/api/search", {"page": 99}).status_code == 404


def test_deep_pages_of_a_text_search_are_refused(client, archive):
    assert client.get("/api/search", {"q": "الموصل", "page": 5000}).status_code == 404


def test_too_many_filter_values_are_refused(client, db):
    response = client.get("/api/search", {"source": [f"s{i}" for i in range(30)]})
    assert response.status_code == 400


def test_deleted_and_edited_articles_leave_the_index(search, archive, indexed):
    archive["year"].delete()
    refugees = archive["refugees"]
    refugees.title = "قافلة إغاثة تصل إلى عرسال"
    refugees.save()
    indexed()
    assert titles(search(q="الموصل")) == []
    assert titles(search(q="قافلة إغاثة")) == ["قافلة إغاثة تصل إلى عرسال"]
    assert titles(search(q="مساعدات للاجئين")) == []


def test_timeline_counts_results_per_year_with_empty_years(make_article, indexed):
    from search.service import SearchParams, run_search

    for n, year in enumerate((2012, 2015, 2015, 2016)):
        make_article(f"خبر {n}", ["الحدود"], published=date(year, 3, 1))
    make_article("بلا تاريخ", ["الحدود"])
    indexed()
    for q in ("", "الحدود"):
        timeline = run_search(SearchParams(q=q)).timeline
        assert timeline.granularity == "year"
        assert [(bar.label, bar.count) for bar in timeline.bars] == [
            ("2012", 1),
            ("2013", 0),
            ("2014", 0),
            ("2015", 2),
            ("2016", 1),
        ]
        assert timeline.bars[0].start == date(2012, 1, 1)
        assert timeline.bars[0].end == date(2012, 12, 31)


def test_timeline_shows_months_over_a_short_span(make_article, indexed):
    from search.service import SearchParams, run_search

    make_article("خبر أول", ["الحدود"], published=date(2019, 11, 5))
    make_article("خبر ثان", ["الحدود"], published=date(2020, 2, 29))
    indexed()
    timeline = run_search(SearchParams(q="الحدود")).timeline
    assert timeline.granularity == "month"
    assert [(bar.label, bar.count) for bar in timeline.bars] == [
        ("2019-11", 1),
        ("2019-12", 0),
        ("2020-01", 0),
        ("2020-02", 1),
    ]
    assert timeline.bars[-1].end == date(2020, 2, 29)


def test_a_highlight_does_not_run_across_punctuation(search, make_article, indexed):
    make_article("تقرير", ['تبرز "قوات سوريا الديمقراطية" (قسد) في المنطقة.'])
    indexed()
    snippet = search(q='"قوات سوريا الديمقراطية" قسد')["results"][0]["snippet"]
    assert "<mark>قوات سوريا الديمقراطية</mark>&quot; (<mark>قسد</mark>)" in snippet


def test_prefix_matches_words_behind_the_article_and_clitics(search, make_article, indexed):
    make_article("الحوثيون يعلنون", ["أعلن الحوثيون هدنة."])
    make_article("غارات على مواقع للحوثيين", ["استهدفت الغارات مواقع للحوثيين في الحديدة."])
    make_article("حوثي سابق يتحدث", ["تحدث حوثي سابق إلى الصحافة."])
    make_article("تقرير آخر", ["لا علاقة له بالموضوع."])
    indexed()
    data = search(q="حوث*")
    assert data["count"] == 3
    assert "تقرير آخر" not in titles(data)
    snippets = " ".join(result["snippet"] for result in data["results"])
    assert "<mark>الحوثيون</mark>" in snippets
    assert "<mark>للحوثيين</mark>" in snippets


def test_browse_year_filter_takes_whole_years(search, make_article, indexed):
    make_article("آخر يوم في السنة", ["نص المقال الأول."], published=date(2019, 12, 31))
    make_article("أول يوم في السنة", ["نص المقال الثاني."], published=date(2020, 1, 1))
    make_article("مقال بلا تاريخ", ["نص المقال الثالث."])
    indexed()
    assert titles(search(year="2019")) == ["آخر يوم في السنة"]
    assert titles(search(year=["2019", "2020"])) == ["أول يوم في السنة", "آخر يوم في السنة"]
    # The same filter with words goes through the index: the same answer.
    assert titles(search(q="نص", year="2020")) == ["أول يوم في السنة"]
    assert search(year="عام")["count"] == 0
