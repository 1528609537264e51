"""Salted hashes of a person's identifiers: what the suppression list keeps instead of them.

After an erasure cdpkit must still recognise the person when a source that has not
deleted them yet serves them again, without keeping their address. A keyed hash
(HMAC-SHA256 with a secret salt) does that: the same identifier always gives the
same hash, and without the salt nobody can test guesses against the list.

Identifiers are normalised first so that spellings of one identifier hash alike:
emails trimmed and lower-cased, phones as E.164, source records as
`<source>:<source id>` in the form identity uses (`shop:gid://shopify/Customer/1`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from identity.standardise.phone import e164

SALT_ENV = "CDP_SUPPRESSION_SALT"
SALT_FILE = "privacy/suppression.salt"
KINDS = ("email", "phone", "record")


def load_salt(state_dir: Path) -> bytes:
    """The secret salt: env `CDP_SUPPRESSION_SALT`, else a file made once under `state_dir`.

    The file (mode 0600) lets a single machine work out of the box; a deployment
    sets the variable from its secret store so every process hashes alike.
    """
    from_env = os.environ.get(SALT_ENV)
    if from_env:
        return from_env.encode()
    path = state_dir / SALT_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def normalise(kind: str, value: object) -> str | None:
    """The one spelling of an identifier that gets hashed; None when there is nothing to hash."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    if kind == "email":
        return text.lower() if "@" in text else None
    if kind == "phone":
        return e164(text, None) or e164(text, "US")
    if kind == "record":
        return text
    raise ValueError(f"unknown identifier kind {kind!r}; known: {', '.join(KINDS)}")


def identifier_hash(salt: bytes, kind: str, value: object) -> str | None:
    """HMAC-SHA256 of `kind:normalised value`, hex; None when the value normalises to nothing."""
    normal = normalise(kind, value)
    if normal is None:
        return None
    return hmac.new(salt, f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()


def record_key(source: str, source_id: object) -> str:
    """A source record as identity names it: `shop:gid://shopify/Customer/1`, `erp:42`."""
    return f"{source}:{source_id}"
