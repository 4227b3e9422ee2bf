"""What a policy question asks for (pure): who, comparison, quantity, money, years, localities."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.places import find_places

WHO_WORDS = ("谁负责", "哪些单位", "哪个单位", "哪个部门", "哪些部门", "牵头", "责任单位", "由谁", "谁来")
COMPARE_WORDS = ("不同", "区别", "差异", "相比", "比较", "异同", "有何不同", "各自")
QUANTITY_WORDS = (
    "多少",
    "几个",
    "几次",
    "多久",
    "多长时间",
    "多大",
    "几天",
    "几年",
    "比例",
    "百分之",
    "降到",
    "降至",
    "期限",
)
MONEY_WORDS = ("费", "钱", "收费", "价格", "金额", "多少元")
_YEAR = re.compile(r"(20\d{2})\s*年")


@dataclass(frozen=True, slots=True)
class QuestionShape:
    who: bool
    compare: bool
    quantity: bool
    money: bool
    years: tuple[str, ...]
    localities: tuple[str, ...]


def localities_in(question: str) -> tuple[str, ...]:
    """Places of the national table named in the question, in order, as first written, each place once
    (濮阳市…濮阳 → 濮阳市). Adjacent names are one place (常州新北区, 北京朝阳区, 深圳经济特区): see
    `corpus.places.find_places`.
    """
    first: dict[object, str] = {}
    for mention in find_places(question):
        first.setdefault(mention.locality, mention.text)
    return tuple(first.values())


_AMOUNT_ASKED = re.compile(r"多少|几[百千万]?元|(?:金额|价格|标准)(?:是|为)?(?:多|几|什么)")


def asks_amount(question: str) -> bool:
    """Money is asked for only with an amount interrogative (交多少手续费), not when money is the topic
    (拖欠民营企业的钱) or a yes/no question (可以收费吗)."""
    return bool(_AMOUNT_ASKED.search(question))


def shape_of(question: str) -> QuestionShape:
    localities = localities_in(question)
    return QuestionShape(
        who=any(w in question for w in WHO_WORDS),
        compare=len(localities) >= 2 and any(w in question for w in COMPARE_WORDS),
        quantity=any(w in question for w in QUANTITY_WORDS),
        money=any(w in question for w in MONEY_WORDS) and asks_amount(question),
        years=tuple(_YEAR.findall(question)),
        localities=localities,
    )


_QUANTITY = re.compile(
    r"\d|[一二三四五六七八九十两百千万]+(个|项|次|年|月|日|天|周|季度|工作日|倍|成|元|万元)|每(年|季度|月|周|日)|%|％"
)
_MONEY = re.compile(r"[\d一二三四五六七八九十百千万两]+(\.\d+)?\s*(元|万元)|免费|不得收费|收费")


def has_quantity(text: str) -> bool:
    return bool(_QUANTITY.search(text))


def has_money(text: str) -> bool:
    return bool(_MONEY.search(text))
