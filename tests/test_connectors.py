"""Connectors against a real database: SQLite always, PostgreSQL when reachable (CI requires it)."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors import (
    ImportRejected,
    RecordStore,
    USCCError,
    make_uscc,
    normalise_uscc,
    validate_uscc,
)
from connectors.uscc import CHARSET

ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(
    authority=st.sampled_from("159Y"),
    entity=st.sampled_from("123"),
    division=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    body=st.text(alphabet=ORG_CHARS, min_size=8, max_size=8),
)
def test_generated_codes_validate(authority: str, entity: str, division: str, body: str) -> None:
    code = make_uscc(authority, entity, division, body)
    assert validate_uscc(code).code == code
    assert validate_uscc(code.lower()).code == code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert validate_uscc(full_width).code == code


@given(st.integers(0, 16), st.sampled_from(CHARSET))
def test_any_single_character_change_is_caught(position: int, replacement: str) -> None:
    code = "91350100M000100Y43"
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code and changed[2:8].isdigit():
        with pytest.raises(USCCError):
            validate_uscc(changed)


@pytest.mark.parametrize("code", ["9144030071526726XG", "91110000802100433B", "91350100M000100Y43"])
def test_known_valid_codes(code: str) -> None:
    assert validate_uscc(code).code == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91410900MA45XK3R2Q", "校验位错误"),
        ("9141090", "应为18位"),
        ("91410900MA45XK3R2O", "不允许的字符"),
    ],
)
def test_invalid_codes_get_chinese_reasons(code: str, reason: str) -> None:
    with pytest.raises(USCCError, match=reason):
        validate_uscc(code)


def test_normalise_removes_spaces_and_width() -> None:
    assert normalise_uscc(" ９１３５ 0100m000100y43 ") == "91350100M000100Y43"


@pytest.fixture
def store(database_url: str) -> RecordStore:
    return RecordStore.open(database_url, sample_subjects=300, seed=7)


def test_sample_is_deterministic_and_lookups_work(store: RecordStore, database_url: str) -> None:
    repo = store.repository
    assert repo.count_subjects() == 300
    named = repo.by_name("朝阳市北方粮油贸易有限公司")
    assert len(named) == 1 and named[0].score == 100
    by_code = repo.by_uscc(named[0].subject.uscc or "")
    assert by_code is not None and by_code.name == "朝阳市北方粮油贸易有限公司"
    profile = repo.profile(by_code.id)
    assert {p.severity for p in profile.penalties} == {"一般"}
    second = RecordStore.open(
        database_url.replace("records", "records2") if "sqlite" in database_url else database_url, 0
    )
    if "sqlite" in database_url:
        second.reset_sample(300, 7)
        assert second.repository.by_name("朝阳市北方粮油贸易有限公司")[0].subject.uscc == by_code.uscc


def test_ambiguous_name_returns_candidates(store: RecordStore) -> None:
    resolution = store.repository.resolve("恒达建材")
    assert resolution.subject is None
    names = [m.subject.name for m in resolution.candidates]
    assert "濮阳市恒达建材有限公司" in names and "濮阳市恒达建材销售有限公司" in names


def test_malformed_code_resolution_says_why(store: RecordStore) -> None:
    resolution = store.repository.resolve("91410900MA45XK3R2Q")
    assert resolution.error and "校验位错误" in resolution.error


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_import_is_transactional_with_row_errors(store: RecordStore) -> None:
    before = store.repository.count_subjects()
    data = _csv(
        [
            "uscc,name,kind,locality",
            "91350100M000100Y43,测试甲有限公司,法人,河南省濮阳市",
            "91410900MA45XK3R2Q,测试乙有限公司,法人,河南省濮阳市",
            "9144030071526726XG,测试丙有限公司,公司,河南省濮阳市",
        ]
    )
    with pytest.raises(ImportRejected) as caught:
        store.import_file("subjects.csv", data)
    errors = {(e.row, e.column) for e in caught.value.errors}
    assert errors == {(3, "uscc"), (4, "kind")}
    assert any("校验位错误" in e.reason for e in caught.value.errors)
    assert store.repository.count_subjects() == before


def test_another_process_sees_subjects_imported_elsewhere_within_the_check_interval(
    store: RecordStore, database_url: str
) -> None:
    """An answering process or another worker has its own name filter and fuzzy table over the same database."""
    import time

    from connectors import repository

    elsewhere = RecordStore.open(database_url, sample_subjects=0)
    assert elsewhere.repository.existing_names(["测试乙新材料有限公司"]) == set()  # its filter is now built
    assert not any(m.subject.name == "测试乙新材料有限公司" for m in elsewhere.repository.by_name("测试乙新材料"))
    store.import_file(
        "subjects.csv", _csv(["uscc,name,kind,locality", "91350100M000100Y43,测试乙新材料有限公司,法人,河南省濮阳市"])
    )
    time.sleep(repository.NAME_INDEX_CHECK_SECONDS + 0.1)
    assert elsewhere.repository.existing_names(["测试乙新材料有限公司"]) == {"测试乙新材料有限公司"}
    assert elsewhere.repository.by_name("测试乙新材料有限公司")[0].score == 100


def test_import_is_idempotent_across_formats(store: RecordStore) -> None:
    subjects = _csv(["uscc,name,kind,locality", "91350100M000100Y43,测试甲有限公司,法人,河南省濮阳市"])
    first = store.import_file("subjects.csv", subjects)
    again = store.import_file("subjects.csv", subjects)
    assert (first.inserted, again.inserted, again.unchanged) == (1, 0, 1)
    penalty = {
        "uscc": "91350100M000100Y43",
        "decision_number": "测罚〔2025〕1号",
        "authority": "测试局",
        "decision_date": "2025-06-01",
        "penalty_type": "罚款",
        "fine_amount": "5000",
        "severity": "一般",
    }
    jsonl = (json.dumps(penalty, ensure_ascii=False) + "\n").encode()
    assert store.import_file("penalties.jsonl", jsonl).inserted == 1
    assert store.import_file("penalties.jsonl", jsonl).unchanged == 1

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["uscc", "list_type", "authority", "date_in", "reason"])
    sheet.append(["91350100M000100Y43", "重点关注对象名单", "测试局", "2025-07-01", "测试"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert store.import_file("list_entries.xlsx", buffer.getvalue()).inserted == 1
    subject = store.repository.by_uscc("91350100M000100Y43")
    assert subject is not None
    profile = store.repository.profile(subject.id)
    assert profile.penalties[0].fine_amount == 5000 and profile.lists[0].list_type == "重点关注对象名单"


def test_records_for_unknown_subject_are_rejected_whole(store: RecordStore) -> None:
    rows = _csv(
        [
            "uscc,decision_number,authority,decision_date,penalty_type,severity",
            "91110000802100433B,测罚〔2025〕9号,测试局,2025-06-01,警告,一般",
        ]
    )
    with pytest.raises(ImportRejected, match="不存在的主体"):
        store.import_file("penalties.csv", rows)


def test_bad_dates_and_broken_rows_are_reported(store: RecordStore) -> None:
    rows = _csv(
        [
            "uscc,decision_number,authority,decision_date,penalty_type,severity",
            "91350100M000100Y43,测罚〔2025〕2号,测试局,2025-13-45,罚款,一般",
            "91350100M000100Y43,测罚〔2025〕3号,测试局,2025-01-01,罚款,一般,多余",
        ]
    )
    with pytest.raises(ImportRejected) as caught:
        store.import_file("penalties.csv", rows)
    reasons = {e.row: e.reason for e in caught.value.errors}
    assert "日期格式" in reasons[2] and "列数" in reasons[3]


def test_natural_persons_are_stored_masked(store: RecordStore) -> None:
    data = _csv(["person_id,name,kind", "410901199001011234,张三,自然人"])
    store.import_file("subjects.csv", data)
    match = store.repository.by_name("张三")[0].subject
    assert match.person_id_masked == "41**************34"  # no birth date shown
    assert match.uscc is None
