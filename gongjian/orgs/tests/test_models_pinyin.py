"""pinyin_keys reads each name once; its answers must stay those of the two-pass version it replaced,
since stored keys and search terms typed by users are compared with each other."""

import random

import pytest
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT

from gongjian.orgs.models import pinyin_keys


def two_pass_pinyin_keys(*names: str) -> tuple[str, str]:
    """The implementation before the single pass: FIRST_LETTER, then NORMAL."""
    initials, full = [], []
    for name in names:
        if name:
            initials.append("".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower())
            full.append("".join(lazy_pinyin(name, errors="default")).lower())
    return " ".join(initials), " ".join(full)


NAMES = [
    "",
    "广富林街道党工委",
    "上海云创信息科技有限公司党支部",
    "示例学院党委/工业设计系教工党支部",
    # Heteronyms, read by phrase: 重庆 chong, 银行 hang, 长宁 chang, 行长 hang zhang, 单于 chan, 朝阳 chao.
    "重庆银行长宁支行行长",
    "重要的重量",
    "单于朝阳乐山音乐厅",
    "曾经的曾家湾解放路解家村",
    "朝阳区朝夕社区",
    # Latin letters, digits and mixtures keep their spelling (lower-cased).
    "IBM",
    "ABC科技123号",
    "上海AI创新中心2号楼",
    "第3党支部",
    "12345",
    "x",
    "云创科技co.,ltd",
    # Punctuation, full-width forms and spaces.
    "上海（松江）新材料有限公司",
    "“两新”组织联合党支部",
    "中共·上海市委—松江区委",
    "龙腾路1000号、2000号；3000号",
    "Ａ１ｂ２党小组",
    "  空格 前后  ",
    "\t制表\n换行",
    # Characters outside the dictionary, and rare ones inside the Han range.
    "〇",
    "豈更車",
    "𠀀𠀁𪚥",
    "党建🚩先锋",
    "Ünïcödé党委",
    "ㄅㄆㄇ",
    "ひらがなカタカナ",
    "한국어党支部",
]


@pytest.mark.parametrize("name", NAMES)
def test_it_answers_as_the_two_pass_version_for_one_name(name):
    assert pinyin_keys(name) == two_pass_pinyin_keys(name)


@pytest.mark.parametrize("names", [("上海云创信息科技有限公司党支部", "云创科技"), ("松江区委", ""), ("", "简称"), ("", ""), ()])
def test_it_answers_as_the_two_pass_version_for_a_name_and_short_name(names):
    assert pinyin_keys(*names) == two_pass_pinyin_keys(*names)


def test_it_answers_as_the_two_pass_version_for_every_character_with_pinyin():
    # In runs of 40, so phrases across neighbouring characters are read as pypinyin segments them.
    chars = "".join(chr(code) for code in sorted(PINYIN_DICT))
    runs = [chars[i : i + 40] for i in range(0, len(chars), 40)]
    assert [pinyin_keys(run) for run in runs] == [two_pass_pinyin_keys(run) for run in runs]


def test_it_answers_as_the_two_pass_version_for_mixed_random_names():
    rng = random.Random(20250301)
    alphabet = "上海松江重庆长宁银行行长单于乐音朝阳曾解党委支部科技有限公司" + "ABCxyz0123456789" + "（）()、，,.·—- " + "〇豈𠀀🚩"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(2000)]
    assert [pinyin_keys(name) for name in names] == [two_pass_pinyin_keys(name) for name in names]


def test_it_answers_the_same_the_second_time_a_word_is_seen():
    assert pinyin_keys("重庆银行") == pinyin_keys("重庆银行") == ("cqyh", "chongqingyinhang")
    assert pinyin_keys("行长") == ("hz", "hangzhang")
