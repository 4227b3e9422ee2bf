"""Who is calling: the X-API-Key header becomes a Principal (anonymous when absent or not valid).

What a principal may do is decided in one place, `assistant.access.authorize`, inside the service.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from assistant.access import Principal, authorize, key_id, role_of_key, role_of_key_id
from assistant.errors import Unauthorized
from assistant.settings import ApiSettings

__all__ = [
    "Caller",
    "RecordCaller",
    "Unauthorized",
    "caller",
    "key_id",
    "principal_of_key_id",
    "require_caller",
]


# Documented in OpenAPI as the security scheme "ApiKeyAuth"; the check (and its 401 problem) is ours.
API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKeyAuth",
    description="API 密钥（查询或导入主体记录时必需；政策问答不需要）",
    auto_error=False,
)
# Operations that answer without a key too (policy questions) but return records only with one.
OPTIONAL_KEY: dict[str, Any] = {"security": [{}, {"ApiKeyAuth": []}]}


async def caller(request: Request, x_api_key: str | None = Security(API_KEY_HEADER)) -> Principal:
    """The principal of this request; never raises, so policy questions work without a key."""
    api = request.app.state.settings.api
    client = request.client.host if request.client else ""
    if api.auth_disabled:
        return Principal(key_id(x_api_key), "admin", client)
    role = role_of_key(x_api_key, api.api_keys, api.key_roles)
    return Principal(key_id(x_api_key) if role else "anonymous", role, client)


async def require_caller(principal: Annotated[Principal, Depends(caller)]) -> Principal:
    """For endpoints that only serve records: no valid key is a 401 before anything else happens."""
    if principal.role is None:
        authorize(principal, "subject_status")  # raises Unauthorized with the Chinese message
    return principal


def principal_of_key_id(api: ApiSettings, who: str) -> Principal:
    """The principal a background job started by `who` (a key hash) acts as, with the key's role of today."""
    if api.auth_disabled:
        return Principal(who, "admin")
    role = role_of_key_id(who, api.api_keys, api.key_roles)
    return Principal(who if role else "anonymous", role)


Caller = Annotated[Principal, Depends(caller)]
RecordCaller = Annotated[Principal, Depends(require_caller)]
