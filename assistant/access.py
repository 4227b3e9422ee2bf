"""Who may read subject records: principals, roles and the one authorisation rule.

Every path that produces a subject's records (chat, stream, LangChain tools, record endpoints, CLI, evals)
carries a `Principal` into the service, which calls `authorize` before any record is read and writes an
audit entry for every lookup it allows.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
from dataclasses import dataclass, replace
from typing import Literal

from assistant import messages
from assistant.errors import Forbidden, Unauthorized

Role = Literal["window", "admin", "evaluator"]
Action = Literal[
    "subject_status", "repair_plan", "measures", "subject_search", "import", "evals", "documents"
]

RECORD_ACTIONS: frozenset[str] = frozenset({"subject_status", "repair_plan", "measures", "subject_search"})
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "window": RECORD_ACTIONS,  # a service window: status, measures, repair plan (and finding the subject)
    "admin": RECORD_ACTIONS | {"import", "evals", "documents"},  # documents: upload, replace, correct, delete
    "evaluator": frozenset({"evals"}),
}
NEED_KEY: dict[str, str] = {"evals": messages.EVALS_NEED_KEY, "import": messages.IMPORT_NEED_KEY}
ROUTE_ACTIONS: dict[str, Action] = {
    "subject_status": "subject_status",
    "repair_steps": "repair_plan",
    "applicable_measures": "measures",
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request: an audit name, a role (None: not authenticated), where from and how."""

    who: str
    role: Role | None = None
    client: str = ""
    channel: str = "api"  # api / chat / stream / tool / cli / eval

    def via(self, channel: str) -> Principal:
        return replace(self, channel=channel)


ANONYMOUS = Principal("anonymous")


def local_operator(channel: str) -> Principal:
    """The operator running the CLI or the evals in-process (full access; still audited)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = "unknown"
    return Principal(f"local:{user}", "admin", "in-process", channel)


def key_id(api_key: str | None) -> str:
    """What the audit log names a key by: a short hash, never the key itself."""
    return "anonymous" if not api_key else "key:" + hashlib.sha256(api_key.encode()).hexdigest()[:8]


def role_of_key_id(who: str, api_keys: list[str], key_roles: dict[str, Role]) -> Role | None:
    """The role of the configured key an audit name (`key_id`) stands for, today; None when no key has it.

    A background job started by a caller acts as that caller: its role is looked up again when the job runs, so
    a key removed or demoted since the upload no longer reads records through it.
    """
    for key in [*key_roles, *api_keys]:
        if hmac.compare_digest(key_id(key), who):
            return role_of_key(key, api_keys, key_roles)
    return None


def role_of_key(api_key: str | None, api_keys: list[str], key_roles: dict[str, Role]) -> Role | None:
    """The role of a presented key: its entry in `key_roles`, else `admin` for a key in `api_keys`."""
    if not api_key:
        return None
    presented = api_key.encode()
    for key, role in key_roles.items():
        if hmac.compare_digest(presented, key.encode()):
            return role
    if any(hmac.compare_digest(presented, key.encode()) for key in api_keys):
        return "admin"
    return None


def may(caller: Principal, action: str) -> bool:
    return caller.role is not None and action in ROLE_ACTIONS[caller.role]


def authorize(caller: Principal, action: str) -> None:
    """The one access rule: raise Unauthorized (no valid key) or Forbidden (the key's role lacks `action`)."""
    if caller.role is None:
        raise Unauthorized(NEED_KEY.get(action, messages.RECORDS_NEED_KEY))
    if not may(caller, action):
        raise Forbidden(messages.ROLE_DENIED.format(role=caller.role), action=action)


def denial_text(caller: Principal, action: str) -> str:
    """The Chinese answer a question gets when `authorize(caller, action)` would refuse it."""
    try:
        authorize(caller, action)
    except (Unauthorized, Forbidden) as exc:
        return exc.message
    return ""
