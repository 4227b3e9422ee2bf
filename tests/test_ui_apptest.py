"""Streamlit pages with streamlit.testing's AppTest, talking to the real API over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.access import key_id

APP = str(Path(__file__).resolve().parents[1] / "ui" / "app.py")


@pytest.fixture
def ui_env(live_api: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CREDIT_UI_API_URL", live_api)
    monkeypatch.setenv("CREDIT_UI_API_KEY", "a-key-the-ui-must-not-use")  # the old way of giving the UI a key
    return live_api


def signed_in(app: AppTest, key: str = "test-key", role: str = "admin") -> AppTest:
    """A session whose user has signed in (what the login form leaves in the session state)."""
    app.session_state["api_key"], app.session_state["api_role"] = key, role
    app.session_state["api_who"] = key_id(key)
    return app


def all_text(app: AppTest) -> str:
    return "\n".join(str(m.value) for m in app.markdown) + "\n".join(str(e.label) for e in app.expander)


def test_no_pages_folder_beside_the_entry_script() -> None:
    """A pages/ folder there makes Streamlit show "Page not found" on the first deep link (/evals)."""
    assert not (Path(APP).parent / "pages").exists()


def test_the_ui_asks_to_sign_in_and_then_calls_the_api_with_the_users_own_key(ui_env: str, records) -> None:  # type: ignore[no-untyped-def]
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception and not app.chat_input  # nothing but the sign-in form
    assert app.title[0].value.startswith("登录") and app.text_input[0].label == "API 密钥"
    app.text_input[0].set_value("wrong-key")
    app.button[0].click().run()
    assert "API 密钥无效" in app.error[0].value and not app.chat_input
    app.text_input[0].set_value("test-key")
    app.button[0].click().run()
    assert not app.exception and app.chat_input
    assert any(key_id("test-key") in str(c.value) for c in app.caption)  # who is signed in, by key hash
    app.chat_input[0].set_value("朝阳市北方粮油贸易有限公司的信用状况怎么样？").run()
    entry = records.audit.recent(1)[0]
    assert (entry.who, entry.channel) == (key_id("test-key"), "stream")


def test_outside_a_signed_in_session_the_client_has_no_key(ui_env: str) -> None:
    from ui.client import ApiClient

    assert ApiClient().api_key == ""  # neither the first configured key nor CREDIT_UI_API_KEY


def test_chat_page_shows_cited_answer(ui_env: str) -> None:
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    assert not app.exception
    app.chat_input[0].set_value("开展诚信教育可以收费吗？").run()
    assert not app.exception
    text = all_text(app)
    assert "不得收费" in text and "濮信用〔2020〕3号" in text


def render_page(module: str) -> AppTest:
    def script(module_name: str) -> None:
        import importlib
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path.cwd()))
        importlib.import_module(f"ui.views.{module_name}").render()

    return signed_in(AppTest.from_function(script, args=(module,), default_timeout=60))


def test_subject_page_status_cards_and_plan(ui_env: str) -> None:
    app = render_page("subject_page").run()
    app.text_input[0].set_value("朝阳市北方粮油贸易有限公司").run()
    assert not app.exception and not app.metric  # nothing is shown before the user picks a subject
    picker = app.radio[0]
    assert picker.value is None and picker.options[0].startswith("朝阳市北方粮油贸易有限公司（")
    picker.set_value(picker.options[0]).run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["行政处罚"] == "2" and metrics["信用评价"] == "B"
    assert "可立即申请" in all_text(app)


def test_measures_page_lists_sources(ui_env: str) -> None:
    app = render_page("measures_page").run()
    assert not app.exception
    text = all_text(app)
    assert "守信联合激励措施" in [h.value for h in app.subheader] and "其他地区文件中的同类措施" in text
    app.text_input[0].set_value("濮阳市恒达建材有限公司").run()
    app.radio[0].set_value(app.radio[0].options[0]).run()
    assert not app.exception
    assert "失信联合惩戒措施" in [h.value for h in app.subheader]
    assert any("适用类别" in str(m.value) for m in app.markdown)


def test_documents_page_shows_section_tree(ui_env: str) -> None:
    app = render_page("documents_page").run()
    assert not app.exception
    assert "章节结构" in all_text(app)


def test_evals_page_without_a_run(ui_env: str, tmp_path: Path) -> None:
    app = render_page("evals_page").run()
    assert not app.exception


def finished_eval(api_url: str, name: str, data: str) -> str:
    import time

    import httpx

    headers = {"X-API-Key": "test-key"}
    run = httpx.post(f"{api_url}/v1/evals", files={"file": (name, data.encode())}, headers=headers).json()
    for _ in range(1500):  # bounded wait for the background run
        if httpx.get(f"{api_url}/v1/evals/{run['id']}", headers=headers).json()["status"] in (
            "done",
            "failed",
        ):
            break
        time.sleep(0.2)
    return str(run["id"])


def test_evals_page_shows_a_run_filters_failures_and_compares(ui_env: str) -> None:
    csv = (
        "id,question,type,must_include\n"
        "U1,开展诚信教育可以收费吗？,fact,不得收费\n"
        "U2,开展诚信教育可以收费吗？,fact,不得收费|一个回答里不会有的词\n"
    )
    first = finished_eval(ui_env, "ui_a.csv", csv)
    second = finished_eval(ui_env, "ui_b.csv", csv.replace("|一个回答里不会有的词", ""))
    app = render_page("evals_page").run()
    assert not app.exception
    assert app.selectbox[0].value == second  # the newest run is shown first
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["严格通过率"] == "1.000"
    app.selectbox[0].set_value(first).run()
    table = next(str(m.value) for m in app.markdown if "class='evq'" in str(m.value))
    assert "U1" in table and "U2" in table and "缺少要点：一个回答里不会有的词" in table
    app.radio[0].set_value("未通过").run()
    table = next(str(m.value) for m in app.markdown if "class='evq'" in str(m.value))
    assert "U2" in table and "U1" not in table
    compare = [s for s in app.selectbox if s.label.startswith("评测 A")]
    assert compare and "A 未通过 → B 通过（1 题）" in all_text(app)


def test_per_question_table_shows_markdown_bold_as_bold_and_escapes_the_rest() -> None:
    from ui.eval_results import _cells

    row = {"id": "Q1", "passed": False, "answer": "措施如下：\n**重点关注对象监管措施**\n<script>x</script>"}
    answer = next(cell for cell in _cells(row) if "重点关注" in cell)
    assert "<b>重点关注对象监管措施</b>" in answer and "**" not in answer
    assert "<script>" not in answer and "&lt;script&gt;" in answer


def test_answer_lines_stay_lines_on_screen() -> None:
    """Markdown joins single newlines: each lead, quote and 依据 entry must end in a hard break instead."""
    from ui.components import answer_markdown

    text = "甲规定：不得收费。[1]\n依据：\n[1] 《甲》第一条\n\n**失信联合惩戒措施**\n- 【市场性惩戒】限制…[2]"
    shown = answer_markdown(text).split("\n")
    assert shown[:3] == ["甲规定：不得收费。[1]  ", "依据：  ", "[1] 《甲》第一条  "]
    assert shown[3] == "" and shown[5] == "- 【市场性惩戒】限制…[2]"
