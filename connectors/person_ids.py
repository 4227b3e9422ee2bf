"""Natural persons' ID numbers: never stored. A keyed HMAC names the subject; a short mask shows it.

The subject key is `P2:` + HMAC-SHA256(secret, digest), where digest is the salted SHA-256 the first
versions stored (`P:<digest>`). Without the secret — kept outside the database — the key cannot be
brute-forced from the 18-digit ID space; and because the old digest is the HMAC's input, databases written
before can be re-keyed in place without the ID numbers (`rekey_legacy_subjects`). The mask shows only the
first two and the last two characters (province, last sequence digit and check character), so the hidden
birth date cannot be narrowed down from what is shown.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sqlalchemy import Engine, select, update

from connectors.models import Subject

LEGACY_SALT = "credit-assistant/person-id/v1"
LEGACY_PREFIX = "P:"
KEY_PREFIX = "P2:"
SHOWN = 2  # characters shown at each end of a masked ID number


def legacy_digest(person_id: str) -> str:
    """The salted SHA-256 the first versions used as the key (now only the HMAC's input)."""
    return hashlib.sha256(f"{LEGACY_SALT}:{person_id.strip().upper()}".encode()).hexdigest()[:32]


def mask_person_id(person_id: str) -> str:
    """`41**************3X`: province and the last two characters; the birth date is never shown."""
    text = person_id.strip().upper()
    if len(text) <= 2 * SHOWN + 4:
        return "*" * len(text)
    return text[:SHOWN] + "*" * (len(text) - 2 * SHOWN) + text[-SHOWN:]


class PersonKeys:
    """Turns an ID number into its subject key with the service's secret."""

    def __init__(self, secret: bytes | None = None) -> None:
        # No secret: a random one for this object only (tests, benchmarks) — keys do not survive a restart.
        self._secret = secret if secret else secrets.token_bytes(32)

    def from_digest(self, digest: str) -> str:
        return KEY_PREFIX + hmac.new(self._secret, digest.encode(), hashlib.sha256).hexdigest()

    def key(self, person_id: str) -> str:
        return self.from_digest(legacy_digest(person_id))


def load_or_create_secret(path: Path) -> bytes:
    """The secret in `path`, created (random, mode 0600) on first use; safe when several workers race."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # atomic: the first worker's key wins, nobody reads half a file
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    text = path.read_text("ascii").strip()
    if len(text) < 32:
        raise ValueError(f"{path} 中的身份证号密钥过短（至少 32 个十六进制字符）")
    return text.encode()


def rekey_legacy_subjects(engine: Engine, keys: PersonKeys) -> int:
    """Re-key natural persons stored with the old unkeyed digest and shorten their masks; returns the count.

    Idempotent: rows already keyed with `P2:` are left alone. Runs in one transaction.
    """
    with engine.begin() as connection:
        rows = connection.execute(
            select(Subject.id, Subject.subject_key, Subject.person_id_masked).where(
                Subject.subject_key.like(LEGACY_PREFIX + "%")
            )
        ).all()
        for subject_id, key, masked in rows:
            connection.execute(
                update(Subject)
                .where(Subject.id == subject_id)
                .values(
                    subject_key=keys.from_digest(key.removeprefix(LEGACY_PREFIX)),
                    person_id_masked=mask_person_id(masked) if masked else masked,
                )
            )
    return len(rows)
