"""The scan against its own corpus: spam must be caught, real party-building text left alone."""

from gongjian.news.safety.markup import looks_like_html

from .safety_helpers import corpus_lines


def test_it_has_a_corpus_of_both_kinds():
    rows = corpus_lines()
    spam = [text for _, expected, text in rows if expected != "ok"]
    clean = [text for _, expected, text in rows if expected == "ok"]
    assert len(spam) >= 60 and len(clean) >= 100
    assert "77779193永利官网" in spam
    assert any("display:none" in text for text in spam)


def test_it_makes_no_error_of_either_kind_on_the_corpus(scanner):
    false_positives, misses, wrong_tier = [], [], []
    rows = corpus_lines()
    for number, expected, text in rows:
        verdict = scanner.scan(text, html=looks_like_html(text))
        line = f"line {number}: expected {expected}, got {verdict.verdict}: {text!r} {verdict.reasons()}"
        if expected == "ok" and not verdict.ok:
            false_positives.append(line)
        elif expected != "ok" and verdict.ok:
            misses.append(line)
        elif expected != verdict.verdict:
            wrong_tier.append(line)
    spam = sum(1 for _, expected, _ in rows if expected != "ok")
    print(
        f"\nsafety corpus: {spam} spam lines, {len(rows) - spam} clean lines; "
        f"false_positives={len(false_positives)} misses={len(misses)} wrong_tier={len(wrong_tier)}"
    )
    assert not false_positives + misses + wrong_tier, "\n".join(false_positives + misses + wrong_tier)


def test_it_points_every_finding_at_its_span_in_the_input(scanner):
    for _, expected, text in corpus_lines():
        for finding in scanner.scan(text, html=looks_like_html(text)).findings:
            assert 0 <= finding.start < finding.end <= len(text)
            assert text[finding.start : finding.end].startswith(finding.excerpt.rstrip("…"))
