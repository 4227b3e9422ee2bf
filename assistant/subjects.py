"""Subject detection: where a question names a 统一社会信用代码 or an enterprise (pure, given a name lookup).

Three kinds of mention, in order of trust:
- codes: 18 code characters, tolerant of spaces/hyphens between groups, lower case and full width;
- stored names: any span of the question that is exactly a subject name in the records database
  (found through `NameLookup`, which filters all spans at once); an exact name never needs a question back;
- name-like phrases: "…有限公司/合作社/厂…" spans that are not stored; they go to fuzzy candidates.
The mention's role (asked about, or only the asker's context) is decided by the router.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from connectors.name_index import name_spans
from corpus.places import find_places

NameLookup = Callable[[Sequence[str]], set[str]]  # candidate strings → those that are stored names

_RUN = re.compile(r"[0-9A-Za-z]+(?:[ \-]{1,2}[0-9A-Za-z]+)*")
_GROUP = re.compile(r"[0-9A-Za-z]+")
CODE_CHARS = 18
# Forms a registered market entity's name ends in. An agency or institution (…中心, …医院, …部门, 人民法院)
# is no subject unless the records hold it by that exact name (stored names are found separately).
_NAME_SUFFIX = (
    "有限责任公司|股份有限公司|有限公司|集团公司|分公司|公司|专业合作社|合作社|经营部|商行|工作室|"
    "大药房|药房|超市|商店|门市部|加工厂|食品厂|厂|店|事务所"
)
_NAME = re.compile(rf"([\u4e00-\u9fff（）()A-Za-z0-9]{{2,40}}?(?:{_NAME_SUFFIX}))")
_LEADING_NOISE = re.compile(
    r"^(?:.*?(?:我们公司|我公司|我司|我们|本公司|帮我查一下|帮我查查|帮我查|查一下|查下|查询|请问|问一下|"
    r"叫做|名叫|叫|是|的|这家|那家|关于|对于|看看|看下|了解|帮我|朋友说|听说|据说))+"
)
_GENERIC_NAMES = {"公司", "企业", "有限公司", "商店", "中心", "我们公司", "这家公司", "该公司", "本公司"}
BACK_REFERENCES = (
    "它们",
    "它",
    "该企业",
    "该公司",
    "该主体",
    "该单位",
    "该合作社",
    "这家企业",
    "这家公司",
    "这个企业",
    "这个公司",
    "这家",
    "那家",
    "上述企业",
    "他们",
    "他家",
)
OWN_REFERENCES = ("我们公司", "我公司", "我司", "本公司", "我们单位", "我单位", "我们企业", "我们合作社")


@dataclass(frozen=True, slots=True)
class SubjectMention:
    text: str  # exactly as written in the question
    kind: str  # "code" | "name"
    start: int = -1
    end: int = -1
    stored: bool = False  # a name stored exactly in the records (codes are checked on lookup)


def fold_chars(text: str) -> str:
    """NFKC per character where that keeps one character (full-width → half-width), so offsets hold."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out).replace("\u3000", " ")


def _code_windows(run: str, offset: int) -> list[tuple[int, int]]:
    """Spans of consecutive alphanumeric groups of the run holding exactly 18 characters."""
    groups = [(offset + m.start(), offset + m.end()) for m in _GROUP.finditer(run)]
    windows = []
    for i in range(len(groups)):
        total = 0
        for j in range(i, len(groups)):
            total += groups[j][1] - groups[j][0]
            if total == CODE_CHARS:
                windows.append((groups[i][0], groups[j][1]))
            if total >= CODE_CHARS:
                break
    return windows


def _codelike(chars: str) -> bool:
    return sum(ch.isdigit() for ch in chars) >= 8


def find_codes(question: str) -> list[SubjectMention]:
    """Code mentions as written: exact 18-character groups first; a near-length code-like run otherwise.

    A run of 15–20 code characters that is not 18 long is still a code mention, so the answer can say
    what is wrong with it instead of ignoring it.
    """
    folded = fold_chars(question)
    mentions = []
    for run in _RUN.finditer(folded):
        windows = [w for w in _code_windows(run.group(), run.start()) if _codelike(folded[w[0] : w[1]])]
        if windows:
            start, end = windows[0]
        else:
            chars = re.sub(r"[ \-]", "", run.group())
            if not (15 <= len(chars) <= 20 and _codelike(chars)):
                continue
            start, end = run.span()
        mentions.append(SubjectMention(question[start:end], "code", start, end))
    return mentions


def find_stored_names(
    question: str, lookup: NameLookup, blocked: Sequence[tuple[int, int]] = ()
) -> list[SubjectMention]:
    """Stored subject names inside the question: leftmost-longest, non-overlapping."""
    spans = name_spans(question, blocked)
    stored = lookup([question[s:e] for s, e in spans])
    found = sorted(
        ((s, e) for s, e in spans if question[s:e] in stored), key=lambda x: (x[0], -(x[1] - x[0]))
    )
    mentions: list[SubjectMention] = []
    for start, end in found:
        if mentions and start < mentions[-1].end:
            continue
        mentions.append(SubjectMention(question[start:end], "name", start, end, stored=True))
    return mentions


def trim_name(raw: str) -> str:
    """Drop the words before a name: from the first place name on, else known lead-in phrases."""
    places = find_places(raw)
    raw = raw[places[0].start :] if places else _LEADING_NOISE.sub("", raw)
    return raw.strip("（）() ")


GenericCheck = Callable[[str], bool]  # is this phrase a generic term (征信公司, 小额贷款公司), not a name?


_FUNCTION_CHARS = re.compile(r"[的了吗呢会还被把将要能可在是和与或就都也很]")


def specific(name: str, generic: GenericCheck | None = None) -> bool:
    """A name says which enterprise: after its place (深圳市…) it names one by words of its own, not a kind
    of company (深圳的征信公司, 本市信用服务公司); without a place it is at least three characters before its
    legal suffix and reads as a name, not a clause ("失信记录还会影响公司" holds function words)."""
    places = [place for place in find_places(name) if place.start == 0]
    if places:  # after a place, a name of its own: not "的…" and not a kind the corpus speaks of
        rest = name[places[0].end :].lstrip("省市县区")
        core = re.sub(rf"(?:{_NAME_SUFFIX})$", "", rest)
        return not rest.startswith("的") and len(core) >= 2 and not (generic is not None and generic(rest))
    core = re.sub(rf"(?:{_NAME_SUFFIX})$", "", name)
    if _FUNCTION_CHARS.search(core):
        return False
    return len(core) >= 3


def find_name_phrases(
    question: str, blocked: Sequence[tuple[int, int]] = (), generic: GenericCheck | None = None
) -> list[SubjectMention]:
    """Enterprise-like phrases (…有限公司, …合作社, …厂) that are not stored names nor generic terms."""
    mentions = []
    for match in _NAME.finditer(question):
        name = trim_name(match.group(1))
        end = match.end(1)
        start = end - len(name)
        if len(name) < 4 or name in _GENERIC_NAMES or name.startswith(OWN_REFERENCES) or not specific(name, generic):
            continue
        if generic is not None and generic(name):
            continue
        if any(start < b_end and b_start < end for b_start, b_end in blocked):
            continue
        mentions.append(SubjectMention(name, "name", start, end))
    return mentions


def detect_subjects(
    question: str, lookup: NameLookup | None = None, generic: GenericCheck | None = None
) -> list[SubjectMention]:
    """Every subject mention of the question, in reading order."""
    codes = find_codes(question)
    blocked = [(m.start, m.end) for m in codes]
    stored = find_stored_names(question, lookup, blocked) if lookup is not None else []
    blocked += [(m.start, m.end) for m in stored]
    phrases = find_name_phrases(question, blocked, generic)
    return sorted([*codes, *stored, *phrases], key=lambda m: m.start)


def main_mention(mentions: Sequence[SubjectMention]) -> SubjectMention | None:
    """A code first (it is unambiguous), then a stored name, then a name-like phrase; earliest first."""
    ranked = sorted(mentions, key=lambda m: (m.kind != "code", not m.stored, m.start))
    return ranked[0] if ranked else None


def find_subject(
    question: str, lookup: NameLookup | None = None, generic: GenericCheck | None = None
) -> SubjectMention | None:
    """The main mention of the question, if any."""
    return main_mention(detect_subjects(question, lookup, generic))


def mask_mentions(question: str, mentions: Sequence[SubjectMention], placeholder: str) -> str:
    """The question with each mention replaced by one placeholder (for the router's text features)."""
    out, last = [], 0
    for mention in sorted(mentions, key=lambda m: m.start):
        out.append(question[last : mention.start])
        out.append(placeholder)
        last = mention.end
    out.append(question[last:])
    return "".join(out)


def back_reference(question: str) -> str | None:
    """The pronoun a follow-up uses for a subject named earlier (它/该企业/这家), if any."""
    return next((word for word in BACK_REFERENCES if word in question), None)


def own_reference(question: str) -> str | None:
    """How the asker names their own organisation (我们公司/本公司), if at all."""
    return next((word for word in OWN_REFERENCES if word in question), None)


def refers_back(question: str) -> bool:
    return back_reference(question) is not None
