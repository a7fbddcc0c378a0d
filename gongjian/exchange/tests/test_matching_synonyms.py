"""Synonyms asked for at query time: the shipped thesaurus, its parsing, and expansion of a need's text."""

from gongjian.exchange.matching import synonyms


def test_it_parses_groups_of_two_or_more_words_and_skips_comments():
    lines = ["# a comment", "残疾人 残障人士  # trailing note", "", "单独", "ＡＢ ab 青少年"]
    assert synonyms.parse(lines) == [("残疾人", "残障人士"), ("ab", "青少年")]


def test_it_ships_a_thesaurus_with_the_cases_the_issue_names():
    groups = synonyms.thesaurus()
    assert any({"残疾人", "残障人士"} <= set(group) for group in groups)
    assert any({"未成年人", "青少年"} <= set(group) for group in groups)
    # Words with several meanings stay out: 体检 of people, houses or trees, 充电 of phones, cars or members.
    assert not any(word in group for group in groups for word in ("体检", "充电"))


def test_it_asks_for_the_other_words_of_a_group_the_text_uses():
    found = synonyms.expand("残障人士就业", ["残障人士", "就业"], [("残疾人", "残障人士"), ("老人", "长者")])
    assert found == {"残疾": synonyms.SYNONYM_WEIGHT, "残疾人": synonyms.SYNONYM_WEIGHT}


def test_it_adds_nothing_the_text_already_has_or_no_group_covers():
    assert synonyms.expand("残疾人和残障人士", ["残疾人", "残障人士"], [("残疾人", "残障人士")]) == {}
    assert synonyms.expand("采样亭改造", ["采样亭", "改造"], synonyms.thesaurus()) == {}
