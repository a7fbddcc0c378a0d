"""The tokenizer behind matching and search (gongjian/lib/text.py)."""

import rjieba

from gongjian.lib.text import cut, domain_words, longest_terms, normalize, search_terms, tokenize


def test_it_keeps_domain_words_whole():
    words = cut("广富林街道党群服务站采样亭改造，推进智能制造")
    assert {"党群服务站", "采样亭", "智能制造"} <= set(words)
    assert "亭" not in words and "采样" not in words


def test_it_keeps_every_dictionary_word_whole():
    split = [word for word in domain_words() if cut(word) != [word]]
    assert split == []


def test_it_does_not_change_the_shared_rjieba_dictionary():
    # Our words go into a private segmenter; other users of rjieba keep its defaults.
    tokenize("采样亭")
    assert rjieba.cut("采样亭", False) != ["采样亭"]


def test_it_adds_search_sub_words_so_parts_of_long_words_match():
    terms = tokenize("为居民区做空间设计")
    assert "空间设计" in terms and "设计" in terms and "空间" in terms
    assert {"党群", "服务站", "党群服务站"} <= set(tokenize("党群服务站"))


def test_it_finds_two_character_words():
    assert tokenize("设计") == ["设计"]
    assert search_terms("社区 设计") == ["社区", "设计"]


def test_it_drops_stop_words_punctuation_and_bare_numbers():
    terms = tokenize("我们需要的，是：25 名志愿者！！ 2023年")
    assert "志愿者" in terms
    for noise in ("我们", "需要", "的", "是", "，", "：", "！", "25", "2023", "年"):
        assert noise not in terms


def test_it_normalises_width_and_case():
    assert normalize("ＡＲ展示") == "ar展示"
    assert "ar" in tokenize("ＡＲ 展示") and "ar" in tokenize("Ar展示")
    assert "3d打印" in tokenize("3D打印课程")


def test_it_counts_repeated_terms():
    assert tokenize("设计，设计，再设计").count("设计") == 3
    assert search_terms("设计，设计，再设计") == ["设计"]


def test_it_is_empty_for_empty_text():
    assert tokenize("") == [] and tokenize(None) == [] and tokenize("，。！") == []


def test_it_keeps_only_the_longest_of_nested_terms():
    assert longest_terms(["空间", "设计", "空间设计", "社区"]) == ["空间设计", "社区"]
    assert longest_terms(["设计", "设计"]) == ["设计"]
