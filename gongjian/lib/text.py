"""Chinese text for search and matching: jieba-compatible segmentation (rjieba) plus a domain dictionary.

`tokenize(text)` gives the terms a document is indexed under, in search mode: a long word yields the word and the
dictionary words inside it, so a query for 设计 finds 空间设计 and a query for 党群服务站 finds exactly that.
Words from gongjian/lib/dict/domain.txt (党群服务站, 采样亭, 智能制造 …) are never cut apart.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import rjieba

DOMAIN_DICTIONARY = Path(__file__).with_name("dict") / "domain.txt"

# Function words and the verbs every need or resource uses ("we need to carry out…"): they only add noise to scores.
STOP_WORDS = frozenset(
    """
    的 了 和 与 及 或 等 在 为 对 把 被 将 从 向 以 于 由 之 其 这 那 也 都 就 还 又 并 而 但 且 则 即 每 各 该 本 此 如 若 个 名 次 位 项
    我们 你们 他们 我们的 大家 自己 一些 一批 一个 一次 一名 一位 一方面 这个 那个 这些 那些 这样 那样 如何 什么 怎么 哪些
    以及 或者 并且 而且 同时 通过 根据 按照 关于 对于 由于 因为 所以 为了 其中 之一 之间 以上 以下 以内 左右 目前 现在 今年 明年 近期
    需要 需求 希望 想要 期待 请求 邀请 寻求 征集 招募 提供 可以 可 能够 能 愿意 欢迎 有意 拟 计划 准备 打算 开展 进行 组织 协助 帮助 支持
    相关 有关 方面 工作 情况 问题 内容 形式 方式 活动 服务 单位 部门 一起 共同 积极 主要 重点 具体 若干 多 少 较 更 很 非常 比较
    每周 每月 每年 长期 短期 定期 不定期 若干名 人员 人 名额 对方 联系 联系人 完成 部分 时间 安排 参加 了解 反映 大家 有意向 意向 期待 推进 欢迎 认领 我 你 他 她 它 一下 帮忙 其他 其它 另外 此外 可能 需 要 有 是 做 来 去 到 给 让 使 请
    """.split()
)

_PUNCTUATION = re.compile(r"^[\W_]+$")
_WORDY = re.compile(r"\w", re.UNICODE)


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case, so ＡＲ, Ar and ar are one term."""
    return unicodedata.normalize("NFKC", text or "").lower()


def domain_words() -> list[str]:
    words = []
    for line in DOMAIN_DICTIONARY.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(normalize(line.split()[0]))
    return words


@cache
def segmenter() -> rjieba.Jieba:
    """A private rjieba instance with the domain dictionary, so other users of rjieba keep its defaults."""
    jieba = rjieba.Jieba()
    for word in domain_words():
        # suggest_freq gives the frequency that keeps the word whole against the default dictionary's splits.
        jieba.add_word(word, max(jieba.suggest_freq(word), 3), None)
    return jieba


def _keep(term: str) -> bool:
    if term in STOP_WORDS or _PUNCTUATION.match(term) or not _WORDY.search(term):
        return False
    if term.isdigit():
        return False  # "25 个" or "2023 年" say nothing about what is offered
    return len(term) >= 2


def tokenize(text: str) -> list[str]:
    """Index terms of text, with repeats (term frequency counts), in search mode."""
    text = normalize(text)
    if not text.strip():
        return []
    return [term for term in segmenter().cut_for_search(text) if _keep(term.strip()) and term == term.strip()]


def cut(text: str) -> list[str]:
    """Plain segmentation (no sub-words), stop words and punctuation removed: for display and term lists."""
    text = normalize(text)
    return [term for term in segmenter().cut(text) if _keep(term.strip()) and term == term.strip()]


def search_terms(query: str) -> list[str]:
    """Distinct terms of a query, in order of first appearance."""
    return list(dict.fromkeys(tokenize(query)))


def longest_terms(terms: Iterable[str]) -> list[str]:
    """Drop terms contained in a longer one: show 空间设计, not also 空间 and 设计."""
    unique = list(dict.fromkeys(terms))
    return [term for term in unique if not any(term != other and term in other for other in unique)]
