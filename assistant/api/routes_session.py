"""GET /v1/me: who a key is (the UI's sign-in checks the key with it)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant import messages
from assistant.access import ROLE_ACTIONS
from assistant.api.problems import problem_responses
from assistant.api.security import Caller
from assistant.errors import Unauthorized

router = APIRouter(prefix="/v1", tags=["session"])


class Identity(BaseModel):
    who: str = Field(description="审计日志中的调用方名称（密钥的哈希，不含密钥本身）")
    role: str = Field(description="角色：window / admin / evaluator")
    actions: list[str] = Field(description="该角色可以进行的操作")


@router.get(
    "/me",
    response_model=Identity,
    summary="当前 API 密钥的身份与角色（界面登录时校验密钥）",
    responses=problem_responses(401, codes=("unauthorized",)),
)
def me(caller: Caller) -> Identity:
    if caller.role is None:
        raise Unauthorized(messages.SIGN_IN_NEEDS_KEY)
    return Identity(who=caller.who, role=caller.role, actions=sorted(ROLE_ACTIONS[caller.role]))
