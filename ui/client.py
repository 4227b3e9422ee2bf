"""The UI's only way to the API: a small httpx client (UI and API may run on different machines).

It calls the API with the key of the user signed in to this browser session (ui/session.py) and with no key
before sign-in; the UI has no key of its own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

SESSION_KEY = "api_key"  # where the signed-in user's key lives in Streamlit's session state


def signed_in_key() -> str:
    """The key of the user signed in to this Streamlit session; empty before sign-in or outside a session."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return ""
    return str(st.session_state.get(SESSION_KEY, ""))


class ApiError(Exception):
    """An API problem response; `message` is the Chinese detail to show."""

    def __init__(self, message: str, status: int, body: dict | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.body = message, status, body or {}


@dataclass
class ApiClient:
    base_url: str = field(
        default_factory=lambda: os.environ.get("CREDIT_UI_API_URL", "http://127.0.0.1:8000")
    )
    api_key: str = field(default_factory=lambda: signed_in_key())
    timeout: float = 60.0

    def _client(self) -> httpx.Client:
        headers = {"X-API-Key": self.api_key} if self.api_key else {}
        return httpx.Client(base_url=self.base_url, timeout=self.timeout, headers=headers)

    def _check(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ApiError(
                body.get("detail", f"请求失败（{response.status_code}）"), response.status_code, body
            )
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        try:
            with self._client() as client:
                return self._check(
                    client.get(path, params={k: v for k, v in params.items() if v is not None})
                )
        except httpx.HTTPError as exc:
            raise ApiError(f"无法连接后端服务：{exc}", 0) from exc

    def ask(self, question: str, conversation_id: str | None = None) -> dict:
        try:
            with self._client() as client:
                return self._check(
                    client.post("/v1/ask", json={"question": question, "conversation_id": conversation_id})
                )
        except httpx.HTTPError as exc:
            raise ApiError(f"无法连接后端服务：{exc}", 0) from exc

    def ask_stream(
        self, question: str, conversation_id: str | None = None, locality: str | None = None
    ) -> Iterator[tuple[str, dict]]:
        """(event, data) pairs of the server-sent events: meta, delta…, done. `locality`: the region filter."""
        body = {"question": question, "conversation_id": conversation_id, "stream": True, "locality": locality}
        try:
            with self._client() as client, client.stream("POST", "/v1/ask", json=body) as response:
                if response.status_code >= 400:
                    response.read()
                    self._check(response)
                event = "message"
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        yield event, json.loads(line[5:].strip())
        except httpx.HTTPError as exc:
            raise ApiError(f"无法连接后端服务：{exc}", 0) from exc

    def import_records(self, filename: str, data: bytes, record_type: str | None) -> dict:
        try:
            with self._client() as client:
                files = {"file": (filename, data)}
                form = {"record_type": record_type} if record_type else {}
                return self._check(client.post("/v1/records/import", files=files, data=form))
        except httpx.HTTPError as exc:
            raise ApiError(f"无法连接后端服务：{exc}", 0) from exc

    def upload_eval(self, filename: str, data: bytes) -> dict:
        """Start an eval run; a bad set raises ApiError whose body lists `errors` (row, column, reason)."""
        try:
            with self._client() as client:
                return self._check(client.post("/v1/evals", files={"file": (filename, data)}))
        except httpx.HTTPError as exc:
            raise ApiError(f"无法连接后端服务：{exc}", 0) from exc

    def send(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any other request (files=, json=), its JSON body; a problem response raises ApiError."""
        try:
            with self._client() as client:
                return self._check(client.request(method, path, **kwargs))
        except httpx.HTTPError as exc:
            raise ApiError(f"无法连接后端服务：{exc}", 0) from exc

    def upload_documents(self, files: list[tuple[str, bytes]]) -> dict:
        """Start a document job for one or several files; the job (poll `job(id)`)."""
        return dict(self.send("POST", "/v1/documents", files=[("files", item) for item in files]))

    def replace_document(self, doc_id: str, filename: str, data: bytes) -> dict:
        return dict(self.send("PUT", f"/v1/documents/{doc_id}", files={"file": (filename, data)}))

    def correct_document(self, doc_id: str, fields: dict[str, Any]) -> dict:
        return dict(self.send("PATCH", f"/v1/documents/{doc_id}", json=fields))

    def delete_document(self, doc_id: str) -> dict:
        return dict(self.send("DELETE", f"/v1/documents/{doc_id}"))

    def job(self, job_id: str) -> dict:
        return dict(self.get(f"/v1/jobs/{job_id}"))

    def download(self, path: str, **params: Any) -> bytes:
        """A file the API serves (report.html, results.xlsx, measures.html) as bytes."""
        try:
            with self._client() as client:
                response = client.get(path, params={k: v for k, v in params.items() if v is not None})
                if response.status_code >= 400:
                    self._check(response)
                return response.content
        except httpx.HTTPError as exc:
            raise ApiError(f"无法连接后端服务：{exc}", 0) from exc

    def conversations(self) -> list[dict]:
        """The signed-in user's conversations, most recent first."""
        return list(self.get("/v1/conversations"))

    def conversation(self, conversation_id: str) -> dict:
        return dict(self.get(f"/v1/conversations/{conversation_id}"))

    def delete_conversation(self, conversation_id: str) -> None:
        try:
            with self._client() as client:
                response = client.delete(f"/v1/conversations/{conversation_id}")
                if response.status_code >= 400:
                    self._check(response)
        except httpx.HTTPError as exc:
            raise ApiError(f"无法连接后端服务：{exc}", 0) from exc

    def give_feedback(self, conversation_id: str, turn: int, feedback: dict[str, Any]) -> dict:
        return dict(self.send("POST", f"/v1/conversations/{conversation_id}/turns/{turn}/feedback", json=feedback))
