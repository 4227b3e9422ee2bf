"""Issue 20, hostile input: bounded uploads off the request loop (3), imports that never damage (6), ID numbers
that cannot be recovered (7), a 4xx with a Chinese detail for every bad input (8), no formulas in exported
spreadsheets (9), and the smaller leaks of (10). Real app, real database, real uvicorn server where it matters."""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.api.app import create_app
from assistant.settings import Settings
from connectors import ImportRejected, RecordStore
from connectors.models import Subject

KEY = {"X-API-Key": "test-key"}
CODE_A, CODE_B = "91350100M000100Y43", "9144030071526726XG"
PERSON_ID = "410901199001011234"
ENGLISH = re.compile(r"[A-Za-z]{3,} [A-Za-z]{2,} [A-Za-z]{2,}")  # "Input should be", "File is not a zip"


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


def chinese_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    texts = [body["detail"], *(str(e.get("reason", "")) for e in body.get("errors") or [])]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    assert not any(ENGLISH.search(text) for text in texts), texts  # no Python or library text
    return body


# ---- hostile spreadsheets, built here and bounded in size ----

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx_with_sheet(sheet_xml: str) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `sheet_xml`."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            target.writestr(part.filename, data)
    return out.getvalue()


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def far_corner_xlsx() -> bytes:
    """1.6 KB: a header and one cell at XFD1048576 under a declared A1:XFD1048576 — 16,384 × 1,048,576 cells
    for a reader that trusts the dimension (hours of work on the request loop before issue 20)."""
    header = "".join(_cell(f"{c}1", name) for c, name in zip("ABC", ("uscc", "name", "kind"), strict=True))
    return xlsx_with_sheet(
        f'<worksheet xmlns="{SHEET_NS}"><dimension ref="A1:XFD1048576"/><sheetData>'
        f'<row r="1">{header}</row><row r="1048576">{_cell("XFD1048576", "x")}</row>'
        "</sheetData></worksheet>"
    )


def expanding_xlsx(megabytes: int = 6) -> bytes:
    """A few KB whose sheet XML unzips to `megabytes` MB (one cell of repeated text): a small zip bomb."""
    filler = "信" * (megabytes * 1_000_000 // 3)
    return xlsx_with_sheet(
        f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1">{_cell("A1", "id")}{_cell("B1", "question")}'
        f'{_cell("C1", "route")}</row><row r="2">{_cell("A2", "1")}{_cell("B2", filler)}</row>'
        "</sheetData></worksheet>"
    )


def many_empty_rows_xlsx(rows: int = 300_000) -> bytes:
    """The bounded cousin of the issue's 5-million-empty-row file."""
    body = "".join(f'<row r="{i}"/>' for i in range(2, rows + 2))
    return xlsx_with_sheet(
        f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1">{_cell("A1", "uscc")}</row>{body}'
        "</sheetData></worksheet>"
    )


@pytest.fixture(scope="module")
def client(settings: Settings, assistant, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    own = settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("security-input")})
    with TestClient(create_app(own, assistant)) as test_client:
        yield test_client


@pytest.fixture
def store(tmp_path: Path) -> RecordStore:
    return RecordStore.open(f"sqlite:///{tmp_path / 'records.sqlite3'}", sample_subjects=0)


# ---- 3: uploads off the request loop, bounded ----


def _poll_health(url: str, stop: threading.Event, polls: list[bool]) -> None:
    with httpx.Client(timeout=1.0) as health:
        while not stop.is_set():
            try:
                polls.append(health.get(url + "/healthz").status_code == 200)
            except httpx.HTTPError:  # no answer within 1 s: the loop was held up
                polls.append(False)
            time.sleep(0.05)


@pytest.mark.parametrize(
    ("path", "name", "build"),
    [
        ("/v1/records/import", "subjects.xlsx", far_corner_xlsx),
        ("/v1/evals", "set.xlsx", far_corner_xlsx),
        ("/v1/records/import", "subjects.xlsx", many_empty_rows_xlsx),
        ("/v1/evals", "set.xlsx", expanding_xlsx),
    ],
)
def test_hostile_xlsx_is_refused_while_healthz_keeps_answering(
    live_api: str, path: str, name: str, build
) -> None:  # type: ignore[no-untyped-def]
    data = build()
    assert len(data) < 1_000_000  # a small upload (the limit is 20 MB)
    stop, polls = threading.Event(), []
    poller = threading.Thread(target=_poll_health, args=(live_api, stop, polls), daemon=True)
    poller.start()
    try:
        time.sleep(0.2)
        response = httpx.post(live_api + path, files={"file": (name, data)}, headers=KEY, timeout=120)
    finally:
        stop.set()
        poller.join(timeout=5)
    body = chinese_problem(response, 413)
    assert body["code"] == "upload_too_large"
    assert polls and all(polls), (
        f"{polls.count(False)} of {len(polls)} /healthz polls got no answer within 1 s"
    )


def test_readers_refuse_what_exceeds_the_limits_before_the_work() -> None:
    from connectors.readers import LimitExceeded, ReadError, ReadLimits, read_rows

    limits = ReadLimits(max_rows=5, max_columns=3, max_cell_chars=10)
    with pytest.raises(LimitExceeded, match="压缩比"):
        read_rows("set.xlsx", expanding_xlsx(2), limits)
    with pytest.raises(LimitExceeded, match="5 行"):
        read_rows("s.csv", _csv(["a", *["x"] * 6]), limits)
    with pytest.raises(LimitExceeded, match="3 列"):
        read_rows("s.jsonl", json.dumps({"a": 1, "b": 2, "c": 3, "d": 4}).encode(), limits)
    with pytest.raises(ReadError, match="10 个字符"):
        read_rows("s.csv", _csv(["a", "x" * 11]), limits)


# ---- 6: imports never damage ----


def _subject(store: RecordStore, code: str):  # type: ignore[no-untyped-def]
    subject = store.repository.by_uscc(code)
    assert subject is not None
    return subject


def test_absent_columns_keep_stored_values_and_an_empty_cell_clears(store: RecordStore) -> None:
    full = [
        "uscc,name,kind,locality,industry,legal_representative",
        f"{CODE_A},测试甲有限公司,法人,濮阳市,制造业,王伟",
    ]
    store.import_file("subjects.csv", _csv(full))
    assert (
        store.import_file("subjects.csv", _csv(["uscc,name,kind", f"{CODE_A},测试甲有限公司,法人"])).unchanged
        == 1
    )
    subject = _subject(store, CODE_A)
    assert (subject.locality, subject.industry, subject.legal_representative) == ("濮阳市", "制造业", "王伟")

    head = "uscc,decision_number,authority,decision_date,penalty_type,severity"
    paid = f"{CODE_A},测罚〔2025〕1号,测试局,2025-06-01,罚款,一般"
    store.import_file(
        "penalties.csv",
        _csv([head + ",facts,fine_amount,fulfilled_on", paid + ",未按规定公示,5000,2025-07-01"]),
    )
    again = store.import_file("penalties.csv", _csv([head, paid]))  # the short export of another system
    assert (again.updated, again.unchanged) == (0, 1)
    penalty = store.repository.profile(subject.id).penalties[0]
    assert (penalty.facts, penalty.fine_amount, str(penalty.fulfilled_on)) == (
        "未按规定公示",
        5000,
        "2025-07-01",
    )
    cleared = store.import_file("penalties.csv", _csv([head + ",fulfilled_on", paid + ","]))  # explicit empty
    assert cleared.updated == 1 and store.repository.profile(subject.id).penalties[0].fulfilled_on is None
    assert store.repository.profile(subject.id).penalties[0].facts == "未按规定公示"


def test_a_decision_number_of_another_subject_is_a_row_error(store: RecordStore) -> None:
    store.import_file(
        "subjects.csv",
        _csv(["uscc,name,kind", f"{CODE_A},测试甲有限公司,法人", f"{CODE_B},测试乙有限公司,法人"]),
    )
    head = "uscc,decision_number,authority,decision_date,penalty_type,severity"
    store.import_file("penalties.csv", _csv([head, f"{CODE_A},测罚〔2025〕7号,测试局,2025-06-01,警告,一般"]))
    with pytest.raises(ImportRejected) as caught:
        store.import_file(
            "penalties.csv", _csv([head, f"{CODE_B},测罚〔2025〕7号,测试局,2025-06-01,警告,一般"])
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "decision_number")]
    assert "另一主体" in caught.value.errors[0].reason
    assert [p.decision_number for p in store.repository.profile(_subject(store, CODE_A).id).penalties] == [
        "测罚〔2025〕7号"
    ]
    assert store.repository.profile(_subject(store, CODE_B).id).penalties == ()


def test_duplicate_rows_in_one_file_are_row_errors(store: RecordStore) -> None:
    with pytest.raises(ImportRejected) as caught:
        store.import_file(
            "subjects.csv", _csv(["uscc,name,kind", f"{CODE_A},甲公司,法人", f"{CODE_A},乙公司,法人"])
        )
    assert [(e.row, "第2行" in e.reason) for e in caught.value.errors] == [(3, True)]
    assert store.repository.count_subjects() == 0
    store.import_file("subjects.csv", _csv(["uscc,name,kind", f"{CODE_A},甲公司,法人"]))
    head = "uscc,decision_number,authority,decision_date,penalty_type,severity"
    row = f"{CODE_A},测罚〔2025〕8号,测试局,2025-06-01,警告,一般"
    with pytest.raises(ImportRejected) as caught:
        store.import_file("penalties.csv", _csv([head, row, row.replace("警告", "罚款")]))
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "decision_number")]
    first = store.import_file("penalties.csv", _csv([head, row]))
    assert (first.inserted, store.import_file("penalties.csv", _csv([head, row])).unchanged) == (1, 1)


# ---- 7: natural persons' ID numbers ----


def legacy_key(person_id: str) -> str:
    """What the first versions stored: an unkeyed salted SHA-256, brute-forced over birth dates in a second."""
    return hashlib.sha256(f"credit-assistant/person-id/v1:{person_id}".encode()).hexdigest()[:32]


def test_id_numbers_are_keyed_with_a_secret_outside_the_database(tmp_path: Path) -> None:
    from assistant.bootstrap import open_records

    settings = Settings(data_dir=tmp_path, database={"sample_subjects": 0})  # type: ignore[arg-type]
    records = open_records(settings)
    records.import_file("subjects.csv", _csv(["person_id,name,kind", f"{PERSON_ID},张三,自然人"]))
    with records.sessions() as session:
        key, masked = session.execute(select(Subject.subject_key, Subject.person_id_masked)).one()
    assert legacy_key(PERSON_ID) not in key and PERSON_ID not in key
    visible = [ch for ch in masked if ch != "*"]
    assert len(masked) == 18 and len(visible) <= 4 and "19900101" not in masked
    assert masked[6:14] == "*" * 8  # the birth date positions are hidden
    secret_file = tmp_path / "secrets" / "person_id.key"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert secret_file.read_text().strip() not in (tmp_path / "records.sqlite3").read_bytes().decode(
        "latin-1"
    )
    # Another secret (say, a copied database without the key file) cannot find the person.
    other = Settings(data_dir=tmp_path, database={"sample_subjects": 0, "person_id_secret": "x" * 64})  # type: ignore[arg-type]
    head = "person_id,decision_number,authority,decision_date,penalty_type,severity"
    with pytest.raises(ImportRejected, match="不存在的主体"):
        open_records(other).import_file(
            "penalties.csv", _csv([head, f"{PERSON_ID},测罚〔2025〕5号,测试局,2025-06-01,警告,一般"])
        )
    reopened = open_records(settings)  # the same key file: the same person
    assert (
        reopened.import_file(
            "penalties.csv", _csv([head, f"{PERSON_ID},测罚〔2025〕5号,测试局,2025-06-01,警告,一般"])
        ).inserted
        == 1
    )


def test_a_database_of_an_older_version_is_rekeyed_in_place(tmp_path: Path) -> None:
    from connectors.person_ids import PersonKeys

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = RecordStore.open(url, sample_subjects=0)
    with old.sessions.begin() as session:
        session.add(
            Subject(subject_key="P:" + legacy_key(PERSON_ID), uscc=None, person_id_masked="410901********1234",
                    name="李四", kind="自然人", locality="", industry="", legal_representative="")
        )  # fmt: skip
    secret = b"0123456789abcdef" * 4
    store = RecordStore.open(url, sample_subjects=0, person_secret=secret)
    with store.sessions() as session:
        key, masked = session.execute(select(Subject.subject_key, Subject.person_id_masked)).one()
    assert key == PersonKeys(secret).key(PERSON_ID) and masked == "41**************34"
    head = "person_id,decision_number,authority,decision_date,penalty_type,severity"
    assert (
        store.import_file(
            "penalties.csv", _csv([head, f"{PERSON_ID},测罚〔2025〕6号,测试局,2025-06-01,警告,一般"])
        ).inserted
        == 1
    )
    assert RecordStore.open(url, sample_subjects=0, person_secret=secret).repository.count_subjects() == 1


def test_the_sample_keeps_its_subjects_for_the_same_seed_whatever_the_key() -> None:
    from connectors.person_ids import PersonKeys
    from connectors.sample import SampleGenerator

    one = SampleGenerator(20201, person_keys=PersonKeys(b"a" * 32)).generate(400)
    two = SampleGenerator(20201, person_keys=PersonKeys(b"b" * 32)).generate(400)
    assert [(s["name"], s["uscc"], s["person_id_masked"]) for s in one.subjects] == [
        (s["name"], s["uscc"], s["person_id_masked"]) for s in two.subjects
    ]
    people = [s for s in one.subjects if s["kind"] == "自然人"]
    assert people and all(s["person_id_masked"][2:-2] == "*" * 14 for s in people)
    assert one.subjects[0]["name"] == "濮阳市恒达建材有限公司"  # the named subjects the dev sets rely on


# ---- 8: every bad input a 4xx with a Chinese detail ----


@pytest.mark.parametrize("stream", [False, True])
def test_a_lone_surrogate_in_a_question_is_422(client: TestClient, stream: bool) -> None:
    raw = '{"question": "\\ud800信用修复", "stream": %s}' % ("true" if stream else "false")
    response = client.post("/v1/ask", content=raw, headers={"content-type": "application/json"})
    assert chinese_problem(response, 422)["code"] == "invalid_question"
    raw = '{"question": "信用修复怎么办？", "conversation_id": "\\udfff"}'
    response = client.post("/v1/ask", content=raw, headers={"content-type": "application/json"})
    chinese_problem(response, 422)


def test_gbk_files_are_decoded(client: TestClient) -> None:
    line = {"id": "G1", "question": "开展诚信教育可以收费吗？", "route": "policy_qa"}
    response = client.post(
        "/v1/evals",
        files={"file": ("gbk.jsonl", json.dumps(line, ensure_ascii=False).encode("gbk"))},
        headers=KEY,
    )
    assert response.status_code == 202, response.text
    created = response.json()["created_at"]
    assert re.search(r"(Z|[+-]\d\d:\d\d)$", created), created  # 10: a date-time carries its offset
    gbk = "uscc,name,kind,locality\n91410928MA7GBK2018,国标编码测试有限公司,法人,濮阳市\n".encode("gbk")
    imported = client.post("/v1/records/import", files={"file": ("subjects.csv", gbk)}, headers=KEY)
    assert imported.status_code == 200 and imported.json()["inserted"] + imported.json()["unchanged"] == 1


@pytest.mark.parametrize("path", ["/v1/records/import", "/v1/evals"])
def test_a_csv_field_over_the_csv_limit_is_422(client: TestClient, path: str) -> None:
    data = ("id,question,route\n1," + "长" * 131_073 + ",policy_qa\n").encode()
    chinese_problem(client.post(path, files={"file": ("subjects.csv", data)}, headers=KEY), 422)


def test_eval_sets_pass_the_run_checks_before_anything_runs(client: TestClient) -> None:
    before = client.get("/v1/evals", headers=KEY).json()
    rows = [
        {"id": "L", "question": "信" * 501, "type": "fact"},
        {"id": "C", "question": "信用修复\x01怎么办？", "type": "fact"},
        {"id": "T", "question": "信用修复怎么办？", "type": "$\\foo{$"},
        {"id": "S", "question": "信用修复\ud800怎么办？", "type": "fact"},
        {"id": "B", "question": "   ", "type": "fact"},
        {"id": "OK", "question": "信用修复怎么办？", "type": "procedure"},
    ]
    data = "\n".join(json.dumps(r) for r in rows).encode()  # ASCII escapes keep the lone surrogate
    body = chinese_problem(client.post("/v1/evals", files={"file": ("qa.jsonl", data)}, headers=KEY), 422)
    blamed = {(e["row"], e["column"]) for e in body["errors"]}
    assert blamed == {(1, "question"), (2, "question"), (3, "type"), (4, "question"), (5, "question")}
    assert client.get("/v1/evals", headers=KEY).json() == before  # nothing was queued


def test_library_text_never_reaches_the_client(client: TestClient) -> None:
    not_zip = client.post("/v1/records/import", files={"file": ("subjects.xlsx", b"hello")}, headers=KEY)
    assert "zip" not in chinese_problem(not_zip, 422)["detail"]
    not_zip = client.post("/v1/evals", files={"file": ("set.xlsx", b"hello")}, headers=KEY)
    assert "zip" not in chinese_problem(not_zip, 422)["detail"]
    row = {"uscc": CODE_A, "name": "测试甲有限公司", "kind": "法人", "locality": 123}
    body = chinese_problem(
        client.post(
            "/v1/records/import", files={"file": ("subjects.jsonl", json.dumps(row).encode())}, headers=KEY
        ),
        422,
    )
    assert body["errors"] == [{"row": 1, "column": "locality", "reason": "应为文本"}]


# ---- 9: formula injection ----


def test_exported_cells_that_look_like_formulas_are_text() -> None:
    from openpyxl import load_workbook

    from evals.export import results_workbook

    hostile = [
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://example.invalid","点我")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
    ]
    rows = [
        {"kind": "qa", "id": str(i), "question": q, "answer": q, "passed": False}
        for i, q in enumerate(hostile)
    ]
    data = results_workbook(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    for excel_row, question in zip(sheet.iter_rows(min_row=2), hostile, strict=True):
        for cell in (excel_row[header.index("问题")], excel_row[header.index("回答")]):
            assert (cell.value, cell.data_type, cell.quotePrefix) == (question, "s", True)


# ---- 10: smaller leaks ----


def test_an_invalid_code_is_not_echoed_at_full_length(client: TestClient) -> None:
    long_code = "9" * 1000
    body = chinese_problem(client.get(f"/v1/subjects/{long_code}", headers=KEY), 422)
    assert len(body["detail"]) < 100 and long_code not in json.dumps(body)
