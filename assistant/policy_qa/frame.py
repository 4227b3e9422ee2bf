"""Question frame (pure): what a policy question asks, in which parts, about which places, years and documents.

The frame is built from the question's own grammar — interrogatives, clause boundaries, place names of
the gazetteer — not from the words of any particular question set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.policy_qa.question import QuestionShape, localities_in, shape_of

# What is asked, by interrogative. Order matters: the first aspect found is the main one.
ASPECT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "who",
        re.compile(
            r"谁|哪(个|些|几个|几家)?(部门|单位|机关|机构|方面)|牵头|负责|主管|认定的|来管|责任(单位|部门)"
        ),
    ),
    (
        "quantity",
        re.compile(
            r"多少|(?<!哪)几(个|次|项|天|年|月|条|类|种|级|档|号)|多久|多长|多大(?!范围|程度|力度|作用|影响)|比例|百分之|什么(期限|时限)"
            r"|(哪|第几|什么)一?(版|个版本)"
        ),
    ),
    ("when", re.compile(r"什么时候|何时|哪年|哪一年|几月几[日号]|截止(到|日期|时间)|时间节点|什么时间")),
    ("definition", re.compile(r"定义|是指|指的是|指什么|什么是|什么叫|是什么意思|含义|是干什么|干什么的")),
    ("items", re.compile(r"哪些|哪几|什么内容|包括|有什么|列了|清单|几方面|特点|组成")),
    ("how", re.compile(r"怎么|如何|怎样|咋|什么(方式|办法|途径|程序|流程)|步骤")),
    ("whether", re.compile(r"能不能|能否|可不可以|可以吗|是否|会不会|有没有|吗[？?]?$")),
)
DOCUMENT_ASPECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "basis",
        re.compile(
            r"依据|(贯彻|落实|根据|执行)(的是)?(哪|什么|国务院|省里|上级)|上级文件|哪份文件|哪个文件|转的是"
        ),
    ),
    ("recipients", re.compile(r"主送|下发|发给|发到|印发给|哪些单位(收|执行)")),
    (
        "parts",
        re.compile(r"组成|几部分|哪几部分|附件|结构|(正文|全文|通篇).{0,4}(多少|几)(个|大)?(部分|项|条)"),
    ),
    (
        "issuer",
        re.compile(
            r"谁发|哪个(部门|单位|机关)(印?发|出)|发文(单位|机关)|印发单位|制发"
            r"|(哪个|哪一?[级届]|什么)[^，,？?]{0,4}(机关|部门|单位|会议|人大|常委会)[^，,？?]{0,8}(通过|批准|制定|公布|颁布)"
            r"|由谁(制定|通过|批准|公布|颁布)|(制定|通过|批准|颁布)(机关|单位)"
        ),
    ),
    ("number", re.compile(r"文号|字号|几号文|令号|第?几号令|第几号|几号公布")),
    (
        "date",
        re.compile(
            r"(什么时候|哪天|哪一天|哪年|何时|几月几[日号]|什么时间|啥时候)[^，,？?]{0,16}"
            r"(发|印发|出台|发布|公布|颁布|施行|实施|生效|通过|批准)"
            r"|成文日期|发布时间|印发时间|落款|(施行|生效|通过|公布|批准)(日期|时间)"
        ),
    ),
)
_DOCUMENT_WORDS = re.compile(
    r"(这份|那份|该|本)?(文件|方案|意见|通知|细化方案|实施方案|实施意见|条例|规定|办法|细则|规章|法规)"
)
_PART_SPLIT = re.compile(r"[？?；;]")
_SECOND_PART = re.compile(r"[，,](?=(还|另外|同时|此外|以及|并且))")
_YEAR = re.compile(r"(20\d{2})\s*年")
# Which administrative level a question speaks of when it names no place ("区里", "全县", "省里的方案").
LEVEL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("district", re.compile(r"区里|区级|本区|全区|区政府")),
    ("county", re.compile(r"县里|县级|本县|全县|县政府")),
    ("city", re.compile(r"市里|市级|本市|全市|市政府")),
    ("province", re.compile(r"省里|省级|本省|全省|省政府")),
)
_NOT_A_PLACE_START = ("各", "全", "本", "该", "我", "市", "县", "区", "省", "镇", "乡", "两", "多")
PLACE_SUFFIXES = (
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "园区",
    "新区",
    "开发区",
    "自治州",
    "保护区",
    "试验区",
    "街道",
)


_ASKED_UNIT = re.compile(
    r"(?:几|多少)个?(工作日|个月|月|天|日|年|周|万元|元|条|次|项|家|分|倍|级|批|期)|(?:哪|第几|什么)一?个?(版)"
)
_UNIT_FAMILY = {"个月": "月", "日": "(?:工作)?[日天]", "天": "(?:工作)?[日天]", "工作日": "工作日"}


_ASKED_DURATION = re.compile(r"多久|多长(?!度)|多少时间")  # 多长度 is no question of time
DURATION = "时长"  # how long a state lasts (公示多久): a span answers it (三年, 3个月), a deadline (7个工作日内) does not
WITHIN = (
    "时限"  # how long until something is done (多久要给结果): any span of time answers it, a date does not
)
# "V多久" with a verb of lasting asks how long the state lasts; any other 多久 asks how soon (a deadline answers).
_ASKED_LASTING = re.compile(
    r"(公示|公开|挂|保留|保存|展示|披露|有效|持续|限制|禁止|不得担任|影响|关注|列入|纳入)[^，,。？?]{0,6}(多久|多长时间|多少时间|几年)"
)
_SPAN_PATTERN = (
    r"(?<![\d年月第])(?:\d{1,3}|[一二三四五六七八九十两百半]+)\s*个?\s*(?:工作日|小时|[日天周月年])(?!底|初|末){within}"
    r"|[每按]个?(?:季度|半年|年度?|月度?|周|日|天)"  # how often: 多久报送一次 → 每季度
)


def colloquial(text: str) -> str:
    """Colloquial interrogatives in their written form (啥 → 什么), for matching what is asked."""
    return text.replace("啥", "什么")


def asked_unit(question: str) -> str | None:
    """The measure word a how-many question asks in (几个工作日 → 工作日, 多少万元 → 万元), or a span of
    time for a how-long question (多久, 多长时间)."""
    match = _ASKED_UNIT.search(question)
    if match:
        return match.group(1) or match.group(2)
    if not _ASKED_DURATION.search(question):
        return None
    return DURATION if _ASKED_LASTING.search(question) else WITHIN


_LASTING_SPAN = re.compile(
    _SPAN_PATTERN.replace("{within}", r"(?!\s*[之以]?内)")
)  # 7个工作日内 is a deadline
_ANY_SPAN = re.compile(_SPAN_PATTERN.replace("{within}", ""))


def holds_unit(text: str, unit: str) -> bool:
    """Does the text give a number in that unit (7个工作日, 三个月, 5万元)?"""
    if unit in (DURATION, WITHIN):
        return bool((_LASTING_SPAN if unit == DURATION else _ANY_SPAN).search(text))
    pattern = _UNIT_FAMILY.get(unit, re.escape(unit))
    return bool(re.search(rf"[\d一二三四五六七八九十两百千万]+\s*个?\s*{pattern}", text))


@dataclass(frozen=True, slots=True)
class QuestionFrame:
    question: str
    aspects: tuple[str, ...]  # who / quantity / when / items / how / whether, main first
    parts: tuple[str, ...]  # sub-questions of a multi-part question (one when it is a single question)
    localities: tuple[str, ...]  # corpus localities named, in order
    places: tuple[str, ...]  # every place-like phrase named (also those outside the corpus)
    years: tuple[str, ...]
    document_aspects: tuple[str, ...]  # basis / recipients / parts / issuer / number / date
    shape: QuestionShape
    unit: str | None = None  # the measure word a how-many question asks in
    level: str | None = None  # district / county / city / province when spoken of without a place name
    synonyms: tuple[str, ...] = ()  # the corpus terms its words stand for (市场监管 → 市场监督管理)

    @property
    def main_aspect(self) -> str:
        return self.aspects[0] if self.aspects else "what"

    @property
    def is_comparison(self) -> bool:
        return len(self.localities) >= 2

    @property
    def is_document_question(self) -> bool:
        return bool(self.document_aspects)

    @property
    def asks_channel(self) -> bool:
        """Does the question ask where online something is done (哪个网站, 网址, 在哪里下载)? Its answer names
        the channel; a clause that only says 向社会公布 does not answer it."""
        return bool(_CHANNEL_ASKED.search(self.question))

    @property
    def asks_article(self) -> bool:
        """Does the question ask which article says something ("哪一条规定了…")? Its answer names the article."""
        return bool(_ARTICLE_ASKED.search(self.question))

    @property
    def asks_document(self) -> bool:
        """Does the question ask which document governs something ("按哪个条例来办", "按什么规定来管")? Its
        answer names the document before quoting it."""
        return bool(_DOCUMENT_ASKED.search(self.question))


def level_of(question: str) -> str | None:
    """The one administrative level the question speaks of ("区里…" → district); None when none or several."""
    levels = [name for name, pattern in LEVEL_PATTERNS if pattern.search(question)]
    return levels[0] if len(levels) == 1 else None


def aspects_of(text: str) -> tuple[str, ...]:
    return tuple(name for name, pattern in ASPECT_PATTERNS if pattern.search(text))


# an online channel asked for by name: 哪个网站/平台/系统, 什么网址, 在哪里下载/查询
_CHANNEL_ASKED = re.compile(
    r"哪个(网站|网|平台|系统|网址|栏目|客户端)|什么(网站|平台|网址|系统|栏目)|网址"
    r"|(在|从|去|到|上)哪(里|儿)?(可以|能)?(下载|查询|查到|查看|找到|获取|看到)"
)
_DOCUMENT_ASKED = re.compile(
    r"(?:按|依|根据|适用|执行|遵守|参照|遵循|依照|按照)(?:的是)?(?:哪|什么)(?:一|个|份|部|一部|一个)?"
    r"(?:条例|规定|办法|法规|规章|法律|文件|政策)"
)
_ARTICLE_ASKED = re.compile(r"哪[一个]?条(?![件例])|第几条|哪[一个]?款|哪个条款|什么条款")


def document_aspects_of(text: str) -> tuple[str, ...]:
    """What is asked about a document itself (only when the question speaks of a document; a question
    asking which article says something is about the article's content, not the document)."""
    if _ARTICLE_ASKED.search(text):
        return ()
    found = tuple(name for name, pattern in DOCUMENT_ASPECTS if pattern.search(text))
    if not found:
        return ()
    strong = {"recipients", "parts", "issuer", "number", "basis"}
    return found if _DOCUMENT_WORDS.search(text) or strong & set(found) - {"basis"} else ()


def without_question_words(text: str) -> str:
    """What a (part of a) question is about: the text without its interrogatives ("具体哪几个部门负责" → "具体")."""
    for _, pattern in (*ASPECT_PATTERNS, *DOCUMENT_ASPECTS):
        text = pattern.sub("", text)
    return text


def side_question(question: str, locality: str, others: Sequence[str]) -> str:
    """One side of a comparison: the other places (with their 省/市/县/区 and the document they issued:
    "河南省的方案和") and the words that refer to a document rather than its content are removed."""
    side = question
    for other in others:
        if other != locality:
            side = re.sub(
                rf"{re.escape(other)}[省市县区]?(的|那份|这份)?(文件|方案|意见|通知)?[和与跟及、]?", "", side
            )
    return _DOCUMENT_WORDS.sub("", side)


def split_parts(question: str) -> tuple[str, ...]:
    """Sub-questions: split at question marks and semicolons, or before "，还/另外…" in one sentence."""
    pieces = [p.strip(" ，,。") for p in _PART_SPLIT.split(question)]
    pieces = [p for p in pieces if len(p) >= 4]
    if len(pieces) == 1:
        pieces = [p.strip(" ，,。") for p in _SECOND_PART.split(pieces[0]) if p and len(p.strip()) >= 6]
        pieces = [p for p in pieces if not re.fullmatch(r"还|另外|同时|此外|以及|并且", p)]
    return tuple(pieces) or (question,)


def places_in(tagged: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """Place names from part-of-speech tags: a place word (ns) and the place-suffixed words after it."""
    places = []
    for i, (word, flag) in enumerate(tagged):
        if flag != "ns":
            continue
        name = word
        for following, _ in tagged[i + 1 : i + 3]:
            if not following.endswith(PLACE_SUFFIXES):
                break
            name += following
        if name.endswith(PLACE_SUFFIXES) and len(name) >= 3 and not name.startswith(_NOT_A_PLACE_START):
            places.append(name)
    return tuple(dict.fromkeys(places))


def is_nominal(flag: str) -> bool:
    """A noun-like part-of-speech tag (a place name is not: it scopes, it does not name the topic)."""
    return (flag.startswith("n") and flag != "ns") or flag in ("vn", "j", "an")


def noun_chunks(tagged: Sequence[tuple[str, str]]) -> list[str]:
    """Maximal runs of noun-like words (公共信用信息 + 管理 + 平台 → 公共信用信息管理平台)."""
    chunks, run = [], ""
    for word, flag in (*tagged, ("", "x")):
        if is_nominal(flag):
            run += word
        elif run:
            chunks.append(run)
            run = ""
    return chunks


def resolve_ellipsis(first: Sequence[tuple[str, str]], later: Sequence[tuple[str, str]]) -> str:
    """A later part of a question names its topic by the head of a phrase of the first part ("…公共信用信息
    管理平台要建成…？平台安全上又有什么要求？"): the bare head stands for the whole phrase."""
    chunks = [chunk for chunk in noun_chunks(first) if len(chunk) >= 4]
    words = []
    for i, (word, flag) in enumerate(later):
        bare = is_nominal(flag) and len(word) >= 2 and not (i and is_nominal(later[i - 1][1]))
        longer = [chunk for chunk in chunks if bare and chunk.endswith(word) and chunk != word]
        words.append(max(longer, key=len) if longer else word)
    return "".join(words)


def frame_question(question: str, tagged: Sequence[tuple[str, str]] = ()) -> QuestionFrame:
    """`tagged`: the question's (word, part-of-speech) pairs, for place names outside the gazetteer."""
    parts = split_parts(question)
    localities = localities_in(question)
    # A later part inherits the places of the first ("…在濮阳…？具体由谁负责？").
    if len(parts) > 1 and localities:
        parts = tuple(p if localities_in(p) else f"{localities[0]} {p}" for p in parts)
    return QuestionFrame(
        question=question,
        aspects=aspects_of(colloquial(question)),
        parts=parts,
        localities=localities,
        places=places_in(tagged),
        years=tuple(_YEAR.findall(question)),
        document_aspects=document_aspects_of(colloquial(question)),
        shape=shape_of(question),
        unit=asked_unit(colloquial(question)),
        level=None if localities else level_of(question),
    )
