"""Hypothesis strategies for the fuzz tests: text a reader or a scraper could send, and worse.

Plain `st.text()` rarely draws an Arabic letter; these mix Arabic (letters, marks, tatweel,
Persian forms, presentation forms, Arabic-Indic digits), Latin, the characters the query syntax
gives a meaning to, and invisible and bidi controls, with any code point now and then.
"""

from __future__ import annotations

from hypothesis import strategies as st

ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
ARABIC_OTHER = (
    "ًٌٍَُِّْٰٓٔٱیےکۀہھـ٫٬٠١٢٣٤٥٦٧٨٩۰۱۲۳ﷺﻻﻷﺍﺑ"  # marks, Persian forms, digits, ligatures
    "\u06d6\u06e5\u06ed\u0610\u061c\u0615"
)
SYNTAX = ' "*-()[]{}^~:!+\\|&<>=;,.،؛؟?«»“”'
INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2069\ufeff\u00ad"
)

_characters = st.one_of(
    st.sampled_from(ARABIC_LETTERS),
    st.sampled_from(ARABIC_OTHER),
    st.sampled_from(SYNTAX),
    st.sampled_from(INVISIBLE),
    st.characters(codec="utf-8"),
)
# Text of any kind, weighted towards what the archive meets.
mixed_text = st.text(_characters, max_size=80)
# Words of Arabic letters only (the analyser's main diet).
arabic_word = st.text(st.sampled_from(ARABIC_LETTERS), min_size=1, max_size=12)
# Queries: words, operators and oddities joined by spaces.
query_text = st.lists(
    st.one_of(
        arabic_word,
        mixed_text,
        st.sampled_from(["OR", "AND", "أو", "و", "-", "*", '"', "ا*", "-x", "ال*", '"حلب']),
    ),
    max_size=12,
).map(" ".join)
