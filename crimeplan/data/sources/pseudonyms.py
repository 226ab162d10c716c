"""Pseudonyms for people's ids (callers, victims): sha256 of the store's own salt and the id.

The salt is made on first use and kept inside the store, so the same person gets the same
pseudonym in every import into that store (repeat victims and callers) and a different one
in any other store. The ids themselves are never stored.
"""

from __future__ import annotations

import secrets

from crimeplan.data.sources.sql import lit, text
from crimeplan.data.store import Store

SALT_TABLE = "crimeplan_pseudonym_salt"
PSEUDONYM_PATTERN = "[0-9a-f]{64}"


def store_salt(store: Store) -> str:
    """The store's own secret salt for pseudonyms, made on first use."""
    row = store.con.execute(f"SELECT salt FROM {SALT_TABLE} LIMIT 1").fetchone()
    if row:
        return str(row[0])
    salt = secrets.token_hex(32)
    store.con.execute(f"INSERT INTO {SALT_TABLE} VALUES (?)", [salt])
    return salt


def pseudonym(name: str, salt: str, *, keep_pseudonyms: bool = False) -> str:
    """SQL: sha256(salt || id) as 64 hex digits; blank stays NULL.

    With ``keep_pseudonyms`` a value that already is 64 lower-case hex digits is kept as is.
    """
    hashed = f"sha256({lit(salt)} || {text(name)})"
    if keep_pseudonyms:
        return (
            f"CASE WHEN regexp_full_match({text(name)}, {lit(PSEUDONYM_PATTERN)}) "
            f"THEN {text(name)} ELSE {hashed} END"
        )
    return hashed
