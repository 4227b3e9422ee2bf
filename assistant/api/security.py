"""Who is calling: the X-API-Key header becomes a Principal (anonymous when absent or not valid).

What a principal may do is decided in one place, `assistant.access.authorize`, inside the service.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from assistant.access import Principal, authorize, key_id, role_of_key
from assistant.errors import Unauthorized

__all__ = ["Caller", "RecordCaller", "Unauthorized", "caller", "key_id", "require_caller"]


async def caller(
    request: Request,
    x_api_key: Annotated[str | None, Header(description="API 密钥；查询主体记录时必填")] = None,
) -> Principal:
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


Caller = Annotated[Principal, Depends(caller)]
RecordCaller = Annotated[Principal, Depends(require_caller)]
