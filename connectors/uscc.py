"""统一社会信用代码 (GB 32100-2015): normalise, validate with the check character, generate."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
REGISTRATION_AUTHORITIES = frozenset("12356789ANY")  # 1 机构编制 … 9 市场监管, Y 其他
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
USCC_LENGTH = 18


class USCCError(ValueError):
    """An invalid code; the message is Chinese and says why."""


@dataclass(frozen=True, slots=True)
class USCCCheck:
    code: str
    warnings: tuple[str, ...] = ()


def normalise_uscc(text: str) -> str:
    """Full-width → half-width, spaces and hyphens removed, upper case."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-－").upper()


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _org_code_ok(org: str) -> bool:
    body, check = org[:8], org[8]
    if any(ch not in _ORG_CHARSET for ch in body):
        return False
    total = sum(_ORG_CHARSET.index(ch) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    expected = "X" if value == 10 else "0" if value == 11 else str(value)
    return check == expected


ECHO_CHARS = 24  # characters of a wrong-length code repeated in its error message


def validate_uscc(text: str) -> USCCCheck:
    """The normalised code, or USCCError with a Chinese reason. Soft problems become warnings."""
    code = normalise_uscc(text)
    if len(code) != USCC_LENGTH:
        shown = code if len(code) <= ECHO_CHARS else code[:ECHO_CHARS] + "…"  # never echo a long input whole
        raise USCCError(f"统一社会信用代码应为18位，当前为{len(code)}位：{shown}")
    bad = [ch for ch in code if ch not in CHARSET]
    if bad:
        raise USCCError(
            f"统一社会信用代码含有不允许的字符：{'、'.join(dict.fromkeys(bad))}（不使用 I、O、S、V、Z）"
        )
    if not code[2:8].isdigit():
        raise USCCError(f"统一社会信用代码第3至8位应为行政区划代码（6位数字）：{code[2:8]}")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise USCCError(f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”")
    warnings = []
    if code[0] not in REGISTRATION_AUTHORITIES:
        warnings.append(f"登记管理部门代码“{code[0]}”不常见")
    if not _org_code_ok(code[8:17]):
        warnings.append("组织机构代码（第9至17位）校验不一致，请核对")
    return USCCCheck(code, tuple(warnings))


def is_valid_uscc(text: str) -> bool:
    try:
        validate_uscc(text)
    except USCCError:
        return False
    return True


def make_uscc(authority: str, entity_type: str, division: str, org_body: str) -> str:
    """Build a valid code from its parts; `org_body` is the 8-character organisation code body."""
    body = org_body.upper()
    total = sum(_ORG_CHARSET.index(ch) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    org_check = "X" if value == 10 else "0" if value == 11 else str(value)
    first17 = f"{authority}{entity_type}{division}{body}{org_check}"
    if any(ch not in CHARSET for ch in first17):
        raise USCCError("生成的代码含有不允许的字符")
    return first17 + check_character(first17)
