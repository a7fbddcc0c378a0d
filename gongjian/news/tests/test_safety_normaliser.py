"""The scan's normaliser: every case it undoes, and the way back to the input's offsets."""

import pytest

from gongjian.news.safety.chars import HARD, INVISIBLE, SOFT, char_table
from gongjian.news.safety.detect import Scanner
from gongjian.news.safety.markup import hiding_style, looks_like_html
from gongjian.news.safety.normalise import normalise, normalise_term
from gongjian.news.safety.offsets import OffsetMap

# A scanner without the database: one brand, one term, one allowed phrase.
TERMS = [("永利", "brand", "block", "gambling"), ("真人荷官", "term", "block", "gambling"), ("时时彩", "term", "review", "gambling")]


@pytest.fixture
def scanner():
    return Scanner(TERMS, ["永利路"], ["12371.cn"])


def only(verdict):
    assert len(verdict.findings) == 1, verdict.findings
    return verdict.findings[0]


# --- each normalisation -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "&#27704;&#21033;官网",  # decimal character references
        "&#x6c38;&#X5229;官网",  # hexadecimal ones
        "永利&#23448;&#32593;",
        "永利官网&nbsp;",
    ],
)
def test_it_unescapes_html_entities(scanner, text):
    finding = only(scanner.scan(text))
    assert finding.rule == "brand"
    assert finding.start == 0 and text[finding.start : finding.end].startswith(text[:2])


def test_it_maps_entity_offsets_back_to_the_input(scanner):
    text = "示例学院&amp;77779193&#27704;&#21033;官网"
    finding = only(scanner.scan(text))
    assert finding.excerpt == "77779193&#27704;&#21033;官网"
    assert (finding.start, finding.end) == (9, len(text))


def test_it_folds_full_width_characters(scanner):
    text = "党委，７７７７９１９３永利官网"
    finding = only(scanner.scan(text))
    assert finding.rule == "seo_number"
    assert finding.excerpt == "７７７７９１９３永利官网"
    assert normalise("ＡＢＣ１２３").text == "abc123"


@pytest.mark.parametrize("digits", ["⑦⑦⑦⑦⑨", "𝟕𝟕𝟕𝟕𝟗", "７７７７９", "⁷⁷⁷⁷⁹"])
def test_it_reads_look_alike_digits_as_digits(scanner, digits):
    finding = only(scanner.scan(digits + "永利官网"))
    assert finding.rule == "seo_number"
    assert finding.start == 0


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad", "\u0301", "\ufe0f"])
def test_it_skips_zero_width_and_invisible_characters(scanner, invisible):
    text = f"永{invisible}利{invisible}官网"
    finding = only(scanner.scan(text))
    assert (finding.start, finding.end) == (0, len(text))


@pytest.mark.parametrize("text", ["永 利 官 网", "永  利　官　网", "永\t利官网", "永 利 娱 乐"])
def test_it_matches_spaced_out_characters(scanner, text):
    assert only(scanner.scan(text)).tier == "block"


@pytest.mark.parametrize("text", ["永-利.官网", "永_利/官*网", "永·利·官·网", "永★利●官◆网", "永🎰利官网", "永|利~官网", "真.人.荷.官"])
def test_it_matches_characters_split_by_punctuation_and_symbols(scanner, text):
    assert only(scanner.scan(text)).tier == "block"


@pytest.mark.parametrize("text", ["永利官網", "永利娛樂", "真人荷官", "時時彩"])
def test_it_reads_traditional_characters_as_simplified(scanner, text):
    assert not scanner.scan(text).ok
    assert normalise("澳門大學").text == "澳门大学"


def test_it_folds_case(scanner):
    assert only(Scanner([("bet365", "brand", "block", "gambling")]).scan("BET365官网")).excerpt == "BET365官网"
    assert normalise("Casino ＣＡＳＩＮＯ").text == "casino casino"


def test_it_does_not_join_words_across_clause_punctuation_or_lines(scanner):
    for text in ("永利，官网", "永利。官网", "永利\n官网", "永利“官网”", "永利（官网）", "永利, 官网", "永利：官网"):
        assert scanner.scan(text).ok, text


def test_it_keeps_one_character_per_character_so_offsets_are_the_input_s():
    text = "示例学院，永利路８８号\u200b党群服务站"
    assert len(normalise(text).text) == len(text)
    assert normalise(text).maps == (None, None)


def test_it_maps_offsets_through_characters_that_expand(scanner):
    # ㈠ becomes three characters, ﬁ two: the finding after them still points at the input.
    text = "㈠ﬁ永利官网"
    finding = only(scanner.scan(text))
    assert (finding.start, finding.end) == (2, len(text))
    assert finding.excerpt == "永利官网"


def test_it_reads_characters_beyond_the_list_table():
    # U+2F8xx compatibility ideographs normalise through the dict table.
    assert normalise("\U0002f800").text == "丽"
    assert normalise("𝟕𝟕").text == "77"


def test_it_turns_raw_marker_characters_of_the_input_into_invisible_ones(scanner):
    text = "永\x03利官网\x02"
    normal = normalise(text)
    assert HARD not in normal.text and SOFT not in normal.text
    assert only(scanner.scan(text)).excerpt == "永\x03利官网"


def test_it_classifies_characters():
    table = char_table()
    assert table[ord("，")] == HARD and table[ord("。")] == HARD and table[ord("\n")] == HARD
    assert table[ord("\u200b")] == INVISIBLE and table[ord("\u00ad")] == INVISIBLE
    assert table[ord("★")] == SOFT and table[ord("·")] == SOFT
    assert table[ord("\u3000")] == " " and table[ord("\u00a0")] == " "
    assert table[ord("網")] == "网" and table[ord("Ａ")] == "a"
    assert ord(".") not in table and ord("永") not in table


def test_it_normalises_terms_without_separators():
    assert normalise_term(" 永 利-官網 ") == "永利官网"
    assert normalise_term("BET 365") == "bet365"
    assert normalise_term("，。 ★") == ""


# --- HTML -----------------------------------------------------------------------


def test_it_reads_inline_tags_as_invisible_and_block_tags_as_breaks(scanner):
    assert only(scanner.scan("<p>永<b>利</b><span>官</span>网</p>", html=True)).rule == "brand"
    assert scanner.scan("<p>永利</p><p>官网</p>", html=True).ok
    assert scanner.scan("永利<br>官网", html=True).ok


def test_it_scans_alt_and_title_text_in_place(scanner):
    text = '<img src="/a.jpg" alt="永利官网"><a href="/x" title="真人荷官">x</a>'
    findings = scanner.scan(text, html=True).findings
    assert [text[f.start : f.end] for f in findings] == ["永利官网", "真人荷官"]


def test_it_leaves_tag_names_and_other_attributes_alone(scanner):
    assert scanner.scan('<div class="yongli 永利 官网" data-x="永利官网">示例学院</div>', html=True).ok


def test_it_skips_style_elements_and_comments(scanner):
    assert scanner.scan("<style>.永利官网{color:red}</style><!-- 永利官网 --><p>示例</p>", html=True).ok


def test_it_reads_html_entities_in_text_but_not_as_markup(scanner):
    assert only(scanner.scan("<p>&#27704;&#21033;官网</p>", html=True)).rule == "brand"
    assert scanner.scan("<p>&lt;b&gt;永利&lt;/b&gt;路</p>", html=True).ok


def test_it_recognises_markup():
    assert looks_like_html("<p>示例</p>") and looks_like_html('<span style="x">a') and looks_like_html("a<!-- b")
    assert not looks_like_html("a < b and c > d") and not looks_like_html("示例学院") and not looks_like_html("")


# --- CSS that hides ---------------------------------------------------------------


@pytest.mark.parametrize(
    "style",
    [
        "display:none",
        "DISPLAY : None !important",
        "visibility:hidden",
        "font-size:0",
        "font-size:0px",
        "font-size: .0em",
        "font-size:1px",
        "opacity:0",
        "opacity:0.01",
        "position:absolute;left:-9999px",
        "position:absolute;top:-5000px",
        "text-indent:-9999px",
        "margin-left:-3000px",
        "height:0;overflow:hidden",
        "max-height:0px;overflow:hidden",
        "width:0;overflow:hidden",
        "color:transparent",
        "transform:scale(0)",
        "position:absolute;clip:rect(0,0,0,0)",
        "display:/* a comment */none",
        "dis\\play:none",
        "\\64isplay:none",
    ],
)
def test_it_finds_hiding_styles(style):
    assert hiding_style(style)


@pytest.mark.parametrize(
    "style",
    [
        "",
        "display:block",
        "font-size:16px",
        "font-size:0.9em",
        "opacity:0.9",
        "margin-left:-10px",
        "text-indent:2em",
        "height:0",
        "overflow:hidden",
        "color:#333",
    ],
)
def test_it_leaves_ordinary_styles_alone(style):
    assert not hiding_style(style)


# --- the offset map ------------------------------------------------------------------


def test_it_maps_spans_through_replaced_chunks():
    offsets = OffsetMap()
    offsets.add(0, 2, 0, 2)  # "ab" kept
    offsets.add(2, 1, 2, 5)  # "&amp;" → "&"
    offsets.add(3, 2, 7, 2)  # "cd" kept
    assert offsets.span(0, 2) == (0, 2)
    assert offsets.span(2, 3) == (2, 7)
    assert offsets.span(1, 4) == (1, 8)
    assert offsets.span(3, 5) == (7, 9)


def test_it_merges_one_to_one_segments():
    offsets = OffsetMap()
    offsets.add(0, 3, 0, 3)
    offsets.add(3, 4, 3, 4)
    assert offsets.segments == [(0, 7, 0, 7)]
