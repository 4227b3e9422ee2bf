"""What a law or regulation states about itself: the dated events of its head (题注), its 令号, level and basis.

Head lines read `2020年7月24日 山东省第十三届人民代表大会常务委员会第二十二次会议通过`,
`2014年8月7日 中华人民共和国国务院令第654号公布`, `2013年10月1日 施行`, or one parenthesised line with
several events; the body adds `本条例自2020年10月1日起施行` and `有效期…`.
"""

from __future__ import annotations

import re

from corpus.models import DatedEvent
from corpus.patterns import CN_DATE

EVENT_VERBS = ("通过", "批准", "公布", "发布", "印发", "施行", "修正", "修订", "修改", "废止")
_VERB_AT_END = re.compile(rf"({'|'.join(EVENT_VERBS)})[）)\s]*$")
_ORDER_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{2,30}?(?:令|公告))\s*[（(]?\s*第\s*([\d一二三四五六七八九十百零〇]+)\s*号"
)
_SESSION = re.compile(r"第[一二三四五六七八九十百零〇\d]+(届|次)")
_MEETING = re.compile(r"(审判委员会|检察委员会)?(常务)?(会议|全体会议)$")
_EFFECTIVE = re.compile(
    r"自\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起\s*(?:施行|实施|执行|生效)"
)
_VALIDITY = re.compile(
    r"有效期(?:为|限为)?\s*(?:至\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[\d一二三四五六七八九十两]+\s*年)"
)
_TRAILING_LINK = re.compile(r"[\s，,；;]*(根据|依据|并|和|自)?[\s，,；;]*$")
_ON_EVENT = re.compile(r"自(公布|发布|印发)之日起(?:施行|实施|执行|生效)")
_BASIS = re.compile(r"(?:根据|依据)([^。；]*)")
_BASIS_END = re.compile(r"制定|结合|现将|印发")


def iso_date(match: re.Match[str]) -> str:
    year, month, day = (int(g) for g in match.groups()[:3])
    return f"{year:04d}-{month:02d}-{day:02d}"


def acting_body(text: str) -> str:
    """`山东省第十三届人民代表大会常务委员会第二十二次会议` → `山东省人民代表大会常务委员会`;
    `国家市场监督管理总局令第45号` → `国家市场监督管理总局`; `国务院第57次常务会议` → `国务院`."""
    text = re.sub(r"\s+", "", text).strip("（()）起自，,").split("《", 1)[0]
    if not text:
        return ""
    order = _ORDER_NUMBER.search(text)
    if order:
        return order.group(1).removesuffix("令").removesuffix("公告")
    text = _MEETING.sub("", _SESSION.sub("", text))
    return text


def head_events(line: str) -> list[DatedEvent]:
    """The dated events of one head line (each date with the words up to the next date)."""
    dates = list(CN_DATE.finditer(line))
    events = []
    for index, match in enumerate(dates):
        stop = dates[index + 1].start() if index + 1 < len(dates) else len(line)
        segment = _TRAILING_LINK.sub("", _ON_EVENT.sub("", line[match.end() : stop])).strip(" ，,；;\u3000")
        verb = _VERB_AT_END.search(segment)
        if verb is None:
            continue
        body = acting_body(segment[: verb.start()])
        events.append(DatedEvent(verb.group(1), iso_date(match), body, line.strip()))
    return events


def order_numbers(lines: list[str]) -> tuple[str, ...]:
    """令号/公告号 stated in head lines (`国家市场监督管理总局令第45号`, also split over two lines)."""
    text = " ".join(CN_DATE.sub(" ", line) for line in lines)
    found = [re.sub(r"\s+", "", m.group(0)) for m in _ORDER_NUMBER.finditer(text)]
    return tuple(dict.fromkeys(found))


def effective_events(text: str) -> list[DatedEvent]:
    """`本条例自2020年10月1日起施行` in the body: the 施行 date with its sentence."""
    events = []
    for match in _EFFECTIVE.finditer(text):
        start = max(text.rfind("\n", 0, match.start()), text.rfind("。", 0, match.start())) + 1
        end = text.find("。", match.end())
        sentence = text[start : end + 1 if end >= 0 else len(text)].strip()
        date = CN_DATE.search(match.group(1))
        if date:
            events.append(DatedEvent("施行", iso_date(date), "", sentence))
    return events


def effective_on_event(text: str, events: list[DatedEvent]) -> list[DatedEvent]:
    """`自公布之日起施行`: the 施行 date is the date of the event it names (公布, 发布; 印发 for a notice)."""
    match = _ON_EVENT.search(text)
    if match is None:
        return []
    kinds = (match.group(1), "成文") if match.group(1) == "印发" else (match.group(1),)
    event = next((e for e in events if e.kind in kinds), None)
    if event is None:
        return []
    start = max(text.rfind("\n", 0, match.start()), text.rfind("。", 0, match.start())) + 1
    end = text.find("。", match.end())
    return [DatedEvent("施行", event.date, "", text[start : end + 1 if end >= 0 else len(text)].strip())]


def validity(text: str) -> str:
    """`有效期5年`, `有效期至2025年12月31日`, as stated; empty when the document states none."""
    match = _VALIDITY.search(text)
    return re.sub(r"\s+", "", match.group(0)) if match else ""


def cited_basis(text: str, own_title: str) -> tuple[str, ...]:
    """Titles the document names as its basis: the 《…》 after 根据/依据, up to 制定/结合 or the sentence end."""
    titles = []
    for match in _BASIS.finditer(text):
        span = _BASIS_END.split(match.group(1), maxsplit=1)[0]
        titles += re.findall(r"《([^》]+)》", span)
    own = {own_title, *re.findall(r"《([^》]+)》", own_title)}
    return tuple(dict.fromkeys(t for t in titles if t not in own))


def primary_date(events: tuple[DatedEvent, ...]) -> str | None:
    """A regulation's date: when it was published (公布/发布), else adopted (通过)."""
    for kind in ("公布", "发布", "通过"):
        date = next((e.date for e in events if e.kind == kind), None)
        if date:
            return date
    return None


def issuing_body(events: tuple[DatedEvent, ...]) -> str:
    """The body that adopted the document (通过), else the one that published it."""
    for kind in ("通过", "公布", "发布", "印发", "批准"):
        body = next((e.body for e in events if e.kind == kind and e.body), "")
        if body:
            return body
    return ""
