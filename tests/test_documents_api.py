"""Managing documents while serving: upload → ask → delete → ask again over a real uvicorn server while other
questions keep coming, bad files, roles, corrections that survive a re-parse."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.settings import Settings
from indexes.embedding_cache import CACHE_DIR
from indexes.token_cache import CACHE_DIR as TOKEN_CACHE_DIR
from indexes.versions import current_version
from tests.conftest_helpers import free_port, wait_until_ok
from tests.document_samples import (
    ONLY_IN_POINTS,
    POINTS_ANSWER,
    POINTS_NOTICE,
    shared_documents_dir,
    write_pdf,
)
from tests.test_index_swap import ask_until

ADMIN, WINDOW = "docs-admin-key", "docs-window-key"
OTHER_QUESTIONS = ["开展诚信教育可以收费吗？", "信用修复有哪些方式？", "濮阳市对失信主体采取哪些惩戒措施？"]
POINTS_FILE = "青川县企业信用积分管理办法.txt"
POINTS_ID = "青川县企业信用积分管理办法"


@pytest.fixture(scope="module")
def server(settings: Settings, assistant, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The real API on a loopback port over its own data dir (the bundled five; the session's embedding, token
    and route-model caches spare embedding them again) and its own records database."""
    import uvicorn

    from assistant.api.app import create_app
    from assistant.bootstrap import open_records
    from assistant.runtime import load_policy_corpus
    from assistant.service import Assistant

    data = tmp_path_factory.mktemp("library")
    for cache in (CACHE_DIR, TOKEN_CACHE_DIR, "models"):  # models: the fitted route model's vectors
        if (settings.data_dir / cache).is_dir():
            shutil.copytree(settings.data_dir / cache, data / cache)
    own = Settings(
        data_dir=data,
        today=settings.today,
        api={"api_keys": [ADMIN], "key_roles": {WINDOW: "window"}},  # type: ignore[arg-type]
        database={"sample_subjects": 50},  # type: ignore[arg-type]
        documents={"max_files": 3, "max_file_bytes": 2_000_000},  # type: ignore[arg-type]
    )
    served = Assistant(own, load_policy_corpus(own, progress=False), open_records(own))
    port = free_port()
    app = create_app(own, served)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_until_ok(url + "/readyz")
    yield url, own, served
    server.should_exit = True
    thread.join(timeout=10)


def admin(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=120, headers={"X-API-Key": ADMIN})


def wait_for_job(client: httpx.Client, started: httpx.Response) -> dict[str, Any]:
    assert started.status_code == 202, started.text
    location = started.headers["location"]
    assert location == started.json()["url"]
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        job = client.get(location).json()
        if job["status"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.3)
    raise AssertionError(f"job {location} did not finish")


def cited(client: httpx.Client, question: str) -> set[str]:
    answer = client.post("/v1/ask", json={"question": question}).json()
    return {c["doc_id"] for c in answer["citations"]}


def listed(client: httpx.Client) -> dict[str, dict[str, Any]]:
    return {d["doc_id"]: d for d in client.get("/v1/documents").json()}


def test_only_an_admin_key_manages_documents(server) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = server
    files = {"files": (POINTS_FILE, POINTS_NOTICE.encode())}
    anonymous = httpx.post(url + "/v1/documents", files=files)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"
    window = httpx.Client(base_url=url, headers={"X-API-Key": WINDOW})
    for response in (
        window.post("/v1/documents", files=files),
        window.delete("/v1/documents/puyang-2020"),
        window.patch("/v1/documents/puyang-2020", json={"issuer": "某机关"}),
        window.put("/v1/documents/puyang-2020", files={"file": ("a.txt", b"x")}),
        window.get("/v1/jobs"),
    ):
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "forbidden"
    assert "puyang-2020" in listed(window)  # reading the list needs no role


def test_bad_files_are_refused_and_leave_corpus_and_index_as_they_were(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, own, _ = server
    client = admin(url)
    before, version = listed(client), current_version(own.index_dir)
    refused = client.post("/v1/documents", files={"files": ("名单.xls", b"\xd0\xcf\x11\xe0")})
    assert refused.status_code == 422 and "不受支持" in refused.json()["detail"]
    too_many = [("files", (f"n{i}.txt", POINTS_NOTICE.encode())) for i in range(4)]
    assert client.post("/v1/documents", files=too_many).status_code == 422
    big = client.post("/v1/documents", files={"files": ("大.txt", b"x" * 2_000_001)})
    assert big.status_code == 413 and "过大" in big.json()["detail"]
    exists = client.post("/v1/documents", files={"files": ("puyang-2020.txt", POINTS_NOTICE.encode())})
    assert exists.status_code == 409 and exists.json()["code"] == "document_exists"

    scanned = write_pdf(tmp_path / "扫描件.pdf", None)
    cases = [
        ("乱码.txt", b"\x00\x01\x02binary\x00" * 50, "乱码.txt"),
        ("扫描件.pdf", scanned.read_bytes(), "扫描"),
    ]
    for name, data, expected in cases:
        job = wait_for_job(client, client.post("/v1/documents", files={"files": (name, data)}))
        assert job["status"] == "failed", job
        assert name in job["message"] and expected in job["message"]
    assert listed(client) == before
    assert current_version(own.index_dir) == version
    assert not own.documents_dir.exists()  # the library was never touched


def test_upload_ask_delete_ask_while_other_questions_are_answered(server) -> None:  # type: ignore[no-untyped-def]
    url, own, _ = server
    client = admin(url)
    shenzhen = shared_documents_dir() / "深圳经济特区社会信用条例.docx"
    stop, outcomes = threading.Event(), Counter[str]()
    askers = [threading.Thread(target=ask_until, args=(stop, url, q, outcomes)) for q in OTHER_QUESTIONS]
    try:
        for asker in askers:
            asker.start()
        assert POINTS_ID not in cited(client, ONLY_IN_POINTS)
        files = [
            ("files", (POINTS_FILE, POINTS_NOTICE.encode())),
            ("files", (shenzhen.name, shenzhen.read_bytes())),
        ]
        job = wait_for_job(client, client.post("/v1/documents", files=files))
        assert job["status"] == "done", job
        assert set(job["doc_ids"]) == {POINTS_ID, shenzhen.stem} and job["progress"] == 1.0
        assert current_version(own.index_dir) == job["index_version"]
        answer = client.post("/v1/ask", json={"question": ONLY_IN_POINTS}).json()  # the next question
        assert not answer["refused"] and POINTS_ANSWER in answer["text"], answer["text"]
        assert answer["citations"][0]["doc_id"] == POINTS_ID

        documents = listed(client)
        assert {POINTS_ID, shenzhen.stem, "puyang-2020"} <= set(documents)
        assert documents[shenzhen.stem]["original_name"] == shenzhen.name
        original = client.get(f"/v1/documents/{shenzhen.stem}/original")
        assert original.status_code == 200 and original.content == shenzhen.read_bytes()

        job = wait_for_job(client, client.delete(f"/v1/documents/{POINTS_ID}"))
        assert job["status"] == "done", job
        assert POINTS_ID not in cited(client, ONLY_IN_POINTS)
        assert client.get(f"/v1/documents/{POINTS_ID}").status_code == 404
        assert not (own.documents_dir / POINTS_FILE).exists()
        served = sum(outcomes.values())
        while sum(outcomes.values()) < served + len(OTHER_QUESTIONS):
            stop.wait(0.2)  # the askers keep being answered on the newest index
    finally:
        stop.set()
        for asker in askers:
            asker.join(timeout=300)
    assert set(outcomes) == {"200"}, outcomes  # not one failed request
    audit = [(e.action, e.target, e.channel, e.who) for e in server[2].records.audit.recent(20)]
    actions = {a for a, target, *_ in audit if POINTS_ID in target}
    assert {"document_upload", "document_delete"} <= actions
    assert all(
        who.startswith("key:") and channel == "api"
        for a, _, channel, who in audit
        if a.startswith("document")
    )


def test_parse_preview_lists_sections_in_document_order(server) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = server
    detail = httpx.get(url + "/v1/documents/chaoyang-2020", timeout=60).json()
    labels = [s["label"] for s in detail["sections"]]
    assert labels.index("一、创新事前环节信用监管") < labels.index("二、加强事中环节信用监管")
    assert sum(label.startswith("附件1") for label in labels) == 1  # not 附件1 and 附件1 <title>
    first = detail["sections"][0]["children"]
    assert [c["label"][:3] for c in first[:3]] == ["（一）", "（二）", "（三）"]
    assert "" not in detail["section_labels"] and detail["section_labels"][0] == "（文首）"
    assert detail["passages"] == len(detail["passage_list"])
    assert (
        detail["metadata"]["doc_id"] == "chaoyang-2020" and detail["metadata"]["locality"]["city"] == "朝阳市"
    )


def test_corrections_survive_a_reparse(server) -> None:  # type: ignore[no-untyped-def]
    url, own, _ = server
    client = admin(url)
    doc = "wengyuan-2023"
    job = wait_for_job(
        client, client.patch(f"/v1/documents/{doc}", json={"issuer": "翁源县人民政府", "date": "2023-03-20"})
    )
    assert job["status"] == "done", job
    detail = client.get(f"/v1/documents/{doc}").json()
    assert (detail["issuer"], detail["date"], detail["corrected"]) == (
        "翁源县人民政府",
        "2023-03-20",
        ["date", "issuer"],
    )
    original = client.get(f"/v1/documents/{doc}/original").content
    # Replace the file with a slightly changed copy: it is parsed again, the corrections are applied again.
    changed = original.decode("utf-8").replace("各镇政府", "各镇人民政府").encode("utf-8")
    job = wait_for_job(client, client.put(f"/v1/documents/{doc}", files={"file": ("新版.txt", changed)}))
    assert job["status"] == "done", job
    detail = client.get(f"/v1/documents/{doc}").json()
    assert "各镇人民政府" in detail["raw_text"]
    assert (detail["issuer"], detail["date"]) == ("翁源县人民政府", "2023-03-20")
    # A forced re-parse of everything (the CLI's `ingest --force`) keeps them too.
    from assistant.runtime import ensure_corpus
    from corpus import CorpusStore, ingest

    ingest([own.documents_dir], CorpusStore(own.corpus_dir), force=True, progress=False)
    store = ensure_corpus(own, progress=False)
    meta = next(m for m in store.documents() if m.doc_id == doc)
    assert (meta.issuer, meta.date) == ("翁源县人民政府", "2023-03-20")
    job = wait_for_job(client, client.patch(f"/v1/documents/{doc}", json={"issuer": None}))
    assert client.get(f"/v1/documents/{doc}").json()["corrected"] == ["date"]
    assert job["status"] == "done"
    audit = [e for e in server[2].records.audit.recent(20) if e.action == "document_correct"]
    assert audit and doc in audit[0].target
