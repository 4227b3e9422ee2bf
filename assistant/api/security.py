"""API key check for record endpoints, and the audit log of record lookups."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from assistant.errors import AssistantError


class Unauthorized(AssistantError):
    code = "unauthorized"
    status = 401


def key_id(api_key: str | None) -> str:
    return "anonymous" if not api_key else "key:" + hashlib.sha256(api_key.encode()).hexdigest()[:8]


# Documented in OpenAPI as the security scheme "ApiKeyAuth"; the check (and its 401 problem) is ours.
API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKeyAuth",
    description="API 密钥（查询或导入主体记录时必需）",
    auto_error=False,
)


def require_api_key(request: Request, x_api_key: str | None = Security(API_KEY_HEADER)) -> str:
    settings = request.app.state.settings
    if settings.api.auth_disabled:
        return key_id(x_api_key)
    if not x_api_key or x_api_key not in settings.api.api_keys:
        raise Unauthorized("需要有效的 API 密钥（请求头 X-API-Key）才能查询或导入主体记录。")
    return key_id(x_api_key)


class AuditLog:
    """Append-only JSON Lines: who looked up what, when. Never holds a full personal ID."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, who: str, action: str, target: str, client: str = "") -> None:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "who": who,
            "action": action,
            "target": target,
            "client": client,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
