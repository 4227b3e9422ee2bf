"""A generated corpus for scale benchmarks: variants of the five bundled documents.

Each variant takes one bundled document and changes its locality (every name of the original place becomes
another city's or county's), its years and 文号, the numbers of its time limits, and the order of some
enumerated clauses. Deterministic for a seed. Pure functions except `write_corpus`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from corpus import bundled_corpus_dir

# The place names each bundled document uses for its own locality (longest first).
OWN_PLACES = {
    "puyang-2020": ("濮阳",),
    "changzhou-xinbei-2021": ("常州", "新北"),
    "wengyuan-2023": ("翁源", "韶关"),
    "wuyang-henan-2018": ("舞阳", "漯河"),
    "chaoyang-2020": ("朝阳",),
}
# Real place names (two characters) that none of the bundled documents uses.
PLACES = re.findall(
    r"\S+",
    "开封 洛阳 安阳 鹤壁 新乡 焦作 许昌 南阳 商丘 信阳 周口 无锡 徐州 南通 淮安 盐城 扬州 镇江 泰州 宿迁 "
    "梅州 汕尾 河源 阳江 清远 潮州 揭阳 云浮 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 邢台 保定 "
    "沧州 衡水 晋城 朔州 忻州 吕梁 赤峰 通辽 吉林 四平 辽源 通化 白山 松原 鸡西 鹤岗 双鸭 大庆 伊春 佳木 "
    "黑河 绥化 芜湖 蚌埠 淮南 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 莆田 三明 泉州 漳州 "
    "南平 龙岩 宁德 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海",
)
NUMBER_UNITS = r"(个工作日|个月|日内|天内|年内|年)"


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    text: str


def bundled_texts() -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted(bundled_corpus_dir().glob("*.txt"))}


def shift_years(text: str, delta: int) -> str:
    return re.sub(r"(20[012]\d)(年|〕)", lambda m: f"{int(m.group(1)) + delta}{m.group(2)}", text)


def vary_numbers(text: str, rng: random.Random) -> str:
    def change(match: re.Match[str]) -> str:
        value = int(match.group(1))
        return f"{max(1, value + rng.choice((-2, -1, 1, 2, 3)))}{match.group(2)}"

    return re.sub(r"(?<!\d)(\d{1,3})" + NUMBER_UNITS, change, text)


def shuffle_enumerations(text: str, rng: random.Random) -> str:
    """Reorder runs of enumerated clauses (paragraphs opening with （一）/1. …), keeping their labels in place."""
    paragraphs = text.split("\n")
    start = 0
    while start < len(paragraphs):
        end = start
        while end < len(paragraphs) and re.match(r"^（[一二三四五六七八九十]+）", paragraphs[end]):
            end += 1
        if end - start >= 3 and rng.random() < 0.5:
            labels = [re.match(r"^（[一二三四五六七八九十]+）", p).group(0) for p in paragraphs[start:end]]  # type: ignore[union-attr]
            bodies = [p[len(label) :] for p, label in zip(paragraphs[start:end], labels, strict=True)]
            rng.shuffle(bodies)
            paragraphs[start:end] = [label + body for label, body in zip(labels, bodies, strict=True)]
        start = max(end, start + 1)
    return "\n".join(paragraphs)


def make_variant(base: str, text: str, index: int, seed: int = 2026) -> Variant:
    rng = random.Random(seed * 100_003 + index)
    places = rng.sample(PLACES, len(OWN_PLACES[base]))
    for own, other in zip(OWN_PLACES[base], places, strict=True):
        text = text.replace(own, other)
        # the issuer's one-character abbreviation in its 文号, e.g. 濮信用〔2020〕3号
        text = re.sub(own[0] + r"(?=[\u4e00-\u9fff]{0,3}〔)", other[0], text)
    text = shift_years(text, rng.randint(-3, 3))
    text = vary_numbers(text, rng)
    text = shuffle_enumerations(text, rng)
    return Variant(f"{base}-{places[0]}-{index:05d}", text)


def generate(count: int, seed: int = 2026, start: int = 0) -> list[Variant]:
    texts = bundled_texts()
    bases = sorted(texts)
    return [
        make_variant(bases[i % len(bases)], texts[bases[i % len(bases)]], i, seed)
        for i in range(start, start + count)
    ]


def write_corpus(folder: Path, variants: list[Variant]) -> int:
    """Write each variant as a UTF-8 text file; the number of characters written."""
    folder.mkdir(parents=True, exist_ok=True)
    for variant in variants:
        (folder / f"{variant.name}.txt").write_text(variant.text, "utf-8")
    return sum(len(v.text) for v in variants)
