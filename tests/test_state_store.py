"""Audit log and conversation state in the records database (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from assistant.conversation import ConversationState, ConversationStore, session_owner
from assistant.errors import ConversationNotFound, InvalidQuestion
from connectors import RecordStore
from connectors.db import alembic_config


@pytest.fixture
def store(database_url: str) -> RecordStore:
    return RecordStore.open(database_url, sample_subjects=0)


def test_migration_0002_adds_both_tables_and_downgrades(store: RecordStore) -> None:
    from alembic import command

    tables = set(inspect(store.engine).get_table_names())
    assert {"audit_log", "conversations", "subjects"} <= tables
    config = alembic_config(store.engine)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert not {"audit_log", "conversations"} & set(inspect(store.engine).get_table_names())
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert {"audit_log", "conversations"} <= set(inspect(store.engine).get_table_names())


def test_audit_entries_are_appended_read_newest_first_and_purged(store: RecordStore) -> None:
    store.audit.write(
        "key:aaaa", "subject_status", "91350100M000100Y43", client="10.0.0.1", channel="chat", subject_id=7
    )
    store.audit.write("key:bbbb", "repair_plan", "某某公司", channel="stream")
    newest, older = store.audit.recent(10)
    assert (newest.who, newest.action, newest.channel, newest.subject_id) == (
        "key:bbbb",
        "repair_plan",
        "stream",
        None,
    )
    assert (older.target, older.client, older.subject_id) == ("91350100M000100Y43", "10.0.0.1", 7)
    assert older.at.tzinfo is not None and abs(older.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert [e.action for e in store.audit.recent(10, action="subject_status")] == ["subject_status"]
    assert store.audit.purge(dt.timedelta(days=1)) == 0 and len(store.audit.recent(10)) == 2
    assert store.audit.purge(dt.timedelta(0)) == 2 and store.audit.recent(10) == []


def test_conversation_state_survives_another_store_and_is_purged(
    store: RecordStore, database_url: str
) -> None:
    first = ConversationStore(store.conversations)
    state = first.get(None, "key:aaaa")
    state.subject_id, state.subject_mention, state.last_route = 12, "翁源县青云茶业有限公司", "subject_status"
    first.save(state)
    state.locality = "翁源"
    first.save(state)  # the second save of a conversation updates it
    other_worker = ConversationStore(RecordStore.open(database_url, sample_subjects=0).conversations)
    loaded = other_worker.get(state.conversation_id, "key:aaaa")
    assert loaded == state
    assert other_worker.get("never-seen", "key:aaaa") == ConversationState("never-seen", "key:aaaa")
    with pytest.raises(ConversationNotFound):  # another caller's conversation does not exist for it
        other_worker.get(state.conversation_id, "key:bbbb")
    with pytest.raises(InvalidQuestion):
        other_worker.get("x" * 65, "key:aaaa")
    assert store.conversations.purge(dt.timedelta(days=1)) == 0
    assert store.conversations.purge(dt.timedelta(0)) == 1
    assert other_worker.get(state.conversation_id, "key:aaaa").subject_id is None


def test_anonymous_callers_keep_a_conversation_only_with_a_session(store: RecordStore) -> None:
    conversations = ConversationStore(store.conversations)
    one_off = conversations.get(None, None)
    conversations.save(one_off)
    assert store.conversations.load(one_off.conversation_id) is None  # never stored
    with pytest.raises(ConversationNotFound):
        conversations.get("some-id", None)
    session = session_owner("a-session-token-of-the-caller")
    state = conversations.get(None, session)
    conversations.save(state)
    assert state.conversation_id.startswith("anon-") and "a-session-token" not in str(
        store.conversations.load(state.conversation_id)
    )
    assert conversations.get(state.conversation_id, session).owner == session
    with pytest.raises(ConversationNotFound):  # a session continues only conversations made for it
        conversations.get("chosen-by-the-caller", session)


def test_retention_settings_decide_what_purge_deletes(store: RecordStore, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.bootstrap import purge_expired
    from assistant.settings import Settings

    store.audit.write("key:aaaa", "subject_status", "x")
    store.conversations.save("c1", {"conversation_id": "c1"})
    keep = Settings(data_dir=tmp_path)
    assert purge_expired(keep, store) == {"audit": 0, "conversations": 0}
    with store.engine.begin() as connection:  # age both rows by 10 days
        from sqlalchemy import text

        connection.execute(
            text("UPDATE audit_log SET at = :t"), {"t": dt.datetime.now(dt.UTC) - dt.timedelta(days=10)}
        )
        connection.execute(
            text("UPDATE conversations SET updated_at = :t"),
            {"t": dt.datetime.now(dt.UTC) - dt.timedelta(days=10)},
        )
    assert purge_expired(keep, store) == {"audit": 0, "conversations": 1}  # 7 days for conversations
    short = Settings(data_dir=tmp_path, database={"audit_retention_days": 5})  # type: ignore[arg-type]
    assert purge_expired(short, store) == {"audit": 1, "conversations": 0}
