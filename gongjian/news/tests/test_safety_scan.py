"""The scan's rules, tiers, allowlists and entry points, and the lists' own validation."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gongjian.news.models import AllowedDomain, AllowedPhrase, SafetyTerm
from gongjian.news.safety.detect import Scanner
from gongjian.news.safety.publishing import is_publishable, scan, scan_many, validate_publishable
from gongjian.news.safety.verdicts import Verdict

# --- rules and tiers (the seeded lists) ----------------------------------------------------


def test_it_blocks_the_real_defacement_and_points_at_it(scanner):
    title = "区域化党建聚合力 组团式激发新动能——77779193永利官网"
    verdict = scanner.scan(title)
    assert verdict.verdict == "block"
    [finding] = verdict.findings
    assert title[finding.start : finding.end] == "77779193永利官网" == finding.excerpt
    assert finding.rule == "seo_number"
    assert "77779193永利官网" in finding.message() and str(finding.start + 1) in finding.message()


def test_it_flags_a_brand_only_with_a_number_or_an_advertising_word(scanner):
    assert scanner.scan("永利电器维修部").ok
    assert scanner.scan("永利集团党支部").ok
    assert scanner.scan("永利平台注册").verdict == "block"
    assert scanner.scan("8888888永利").verdict == "block"
    assert scanner.scan("金沙体育").verdict == "block"


def test_it_needs_five_digits_for_the_number_pattern(scanner):
    assert scanner.scan("2023娱乐").ok
    assert scanner.scan("20230娱乐").verdict == "block"
    assert scanner.scan("66666平台").verdict == "review"
    assert scanner.scan("12345平台").ok  # the citizens' hotline, an allowed phrase


def test_it_reports_one_finding_for_a_match_inside_a_longer_one(scanner):
    verdict = scanner.scan("77779193永利官网")
    assert [f.rule for f in verdict.findings] == ["seo_number"]


def test_it_drops_findings_inside_allowed_phrases_only(scanner):
    assert scanner.scan("电话57001234银河街道党群服务中心").ok
    assert scanner.scan("位于永利路的77779193永利官网").verdict == "block"


def test_it_holds_review_terms_and_blocks_block_terms(scanner):
    assert scanner.scan("重庆时时彩").verdict == "review"
    assert scanner.scan("时时彩平台").verdict == "block"  # the longer term wins
    assert scanner.scan("稳赚不赔，日赚千元").verdict == "block"


def test_it_leaves_anti_gambling_and_anti_fraud_publicity_alone(scanner):
    for text in ("开展禁毒禁赌宣传，远离赌博", "警惕境外博彩平台诈骗", "谨防裸聊敲诈", "严厉打击网络赌博"):
        assert scanner.scan(text).ok, text


def test_it_holds_links_to_domains_off_the_allowlist(scanner):
    assert scanner.scan("见 https://www.12371.cn/a.html 与 news.cn").ok
    verdict = scanner.scan("见 https://evil.example.top/x")
    assert verdict.verdict == "review" and verdict.findings[0].rule == "external_link"
    assert "evil.example.top" in verdict.findings[0].reason
    assert scanner.scan("投稿邮箱 dangwei@qq.com").ok
    assert scanner.scan("文件 report.docx 与 v1.2.3").ok


def test_it_allows_the_sites_own_hosts(seeded, settings):
    settings.ALLOWED_HOSTS = ["dangjian.example.org", ".example.net", "*"]
    own = Scanner.from_db()
    assert own.scan("https://dangjian.example.org/news/1/").ok
    assert own.scan("https://www.example.net/").ok


def test_it_blocks_hidden_links_and_holds_hidden_text(scanner):
    hidden_link = '<p>示例</p><div style="display:none"><a href="http://spam.cc/">好站</a></div>'
    verdict = scanner.scan(hidden_link, html=True)
    assert verdict.verdict == "block"
    hidden = next(f for f in verdict.findings if f.rule == "hidden_css")
    assert hidden_link[hidden.start : hidden.end] == '<div style="display:none"><a href="http://spam.cc/">好站</a></div>'
    assert "display:none" in hidden.reason
    assert scanner.scan('<p style="font-size:0">一段说明</p>', html=True).verdict == "review"
    # A hidden link to an allowed site is hidden text, not spam.
    assert scanner.scan('<div hidden><a href="https://www.12371.cn/">共产党员网</a></div>', html=True).verdict == "review"


def test_it_finds_what_a_style_sheet_hides(scanner):
    text = '<style>.a{color:red} #seo, div.x > .y {display:none}</style><div id="seo"><a href="http://x.cc">x</a></div>'
    assert scanner.scan(text, html=True).verdict == "block"
    printed = "<style>@media print { .nav { display:none } }</style><p class=nav>导航</p>"
    assert scanner.scan(printed, html=True).ok


def test_it_finds_the_extent_of_unclosed_and_nested_elements(scanner):
    text = '<div><span style="display:none"><b>永利官网</b></div><p>正文</p>'
    hidden = next(f for f in scanner.scan(text, html=True).findings if f.rule == "hidden_css")
    assert text[hidden.start : hidden.end] == '<span style="display:none"><b>永利官网</b>'
    unclosed = '<p>正文</p><div style="display:none">永利官网'
    hidden = next(f for f in scanner.scan(unclosed, html=True).findings if f.rule == "hidden_css")
    assert hidden.end == len(unclosed)


def test_it_blocks_script_links_and_reads_refresh_targets(scanner):
    assert scanner.scan('<a href=" javascript:alert(1)">x</a>', html=True).verdict == "block"
    refresh = '<meta http-equiv="refresh" content="0;url=http://77779193.com/">'
    assert scanner.scan(refresh, html=True).findings[0].rule == "external_link"


def test_it_scans_text_inside_script_elements(scanner):
    assert scanner.scan("<script>document.write('77779193永利官网')</script>", html=True).verdict == "block"


def test_it_survives_hostile_input_quickly(scanner):
    import time

    started = time.perf_counter()
    for text in ("1" * 200_000, "永" + " " * 200_000 + "x", "a." * 100_000, "<" * 100_000, "<div " + '"' * 50_000, "&#" * 100_000):
        scanner.scan(text, html=True)
        scanner.scan(text)
    assert time.perf_counter() - started < 10


def test_it_scans_empty_text():
    assert Scanner().scan("").ok and Scanner().scan("", html=True).ok
    assert Verdict.of([]).verdict == "ok"


# --- entry points and the database ---------------------------------------------------------


def test_it_reads_only_active_terms(seeded):
    assert scan("免费裸聊").blocked
    SafetyTerm.objects.filter(term="免费裸聊").update(is_active=False)
    assert scan("免费裸聊").ok


def test_it_reads_the_lists_anew_for_each_batch(seeded):
    assert scan("示例学院新词").ok
    SafetyTerm.objects.create(term="示例新词", tier="review", category="other")
    assert scan("示例新词").verdict == "review"
    AllowedPhrase.objects.create(phrase="示例新词组")
    assert scan("示例新词组").ok


def test_it_builds_the_matcher_once_per_batch(seeded, django_assert_num_queries):
    with django_assert_num_queries(3):
        verdicts = scan_many(["77779193永利官网", "示例学院", "<p hidden>隐藏</p>"], html=None)
    assert [v.verdict for v in verdicts] == ["block", "ok", "review"]


def test_it_judges_texts_shown_together(seeded):
    verdict = is_publishable("示例学院项目", "", '<span style="display:none">永利官网</span>')
    assert verdict.blocked and {f.rule for f in verdict.findings} == {"hidden_css", "brand"}
    assert is_publishable("示例学院项目", "茸城e家").ok


def test_it_refuses_blocked_fields_with_a_message_on_the_field(seeded):
    class Thing:
        title = "77779193永利官网党委"
        brand = "重庆时时彩"  # review: not refused here
        goals = "示例"

    with pytest.raises(ValidationError) as raised:
        validate_publishable(Thing(), ["title", "brand", "goals"])
    errors = raised.value.message_dict
    assert list(errors) == ["title"]
    assert "77779193永利官网" in errors["title"][0] and "1–12" in errors["title"][0]


# --- the lists' validation ------------------------------------------------------------------


def test_it_refuses_terms_that_normalise_to_less_than_two_characters(db):
    for term in ("永", " ★ ", "，。"):
        with pytest.raises(ValidationError) as raised:
            SafetyTerm(term=term).full_clean()
        assert "term" in raised.value.message_dict


def test_it_refuses_a_second_spelling_of_a_term(seeded):
    with pytest.raises(ValidationError) as raised:
        SafetyTerm(term="娛樂城", kind="term").full_clean()
    assert "term" in raised.value.message_dict
    with pytest.raises(ValidationError):
        SafetyTerm(term="CASINO").full_clean()
    term = SafetyTerm.objects.get(term="新葡京")
    term.note = "澳门"
    term.full_clean()  # itself is no duplicate


def test_it_cleans_allowed_domains(db):
    domain = AllowedDomain(domain=" https://WWW.Example.CN/path?q=1 ")
    domain.full_clean()
    assert domain.domain == "www.example.cn"
    idn = AllowedDomain(domain="党建.中国")
    idn.full_clean()
    assert idn.domain.startswith("xn--")
    for bad in ("", "localhost", "not a domain", "http://", "a..b.cn"):
        with pytest.raises(ValidationError):
            AllowedDomain(domain=bad).full_clean()


def test_it_allows_subdomains_of_allowed_domains():
    allowed = Scanner(domains=["gov.cn"])
    assert allowed.domain_allowed("www.songjiang.gov.cn") and allowed.domain_allowed("GOV.CN.")
    assert not allowed.domain_allowed("gov.cn.evil.com") and not allowed.domain_allowed("notgov.cn")


# --- Chinese messages (need the news catalogue with the strings of /tmp/tr/news_safety.py) ---------


def test_it_explains_findings_in_chinese(scanner):
    with translation.override("zh-hans"):
        [finding] = scanner.scan("77779193永利官网").findings
        assert finding.reason == "SEO 注入：数字后接“永利官网”"
        assert finding.message() == "“77779193永利官网”（第 1–12 个字符）：SEO 注入：数字后接“永利官网”"
        hidden = scanner.scan('<div style="display:none"><a href="http://x.cc">x</a></div>', html=True)
        assert "隐藏链接：被 CSS（display:none）隐藏的内容含有链接或违禁词" in hidden.reasons()


def test_it_refuses_in_chinese(seeded):
    class Thing:
        title = "永利官网"

    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        validate_publishable(Thing(), ["title"])
    assert raised.value.message_dict["title"] == ["内容安全检查未通过：“永利官网”（第 1–4 个字符）：博彩广告（“永利官网”）"]
