"""Shopify's search syntax (the ``query`` argument) for the fields a sync needs.

Supported: ``updated_at``, ``created_at``, ``processed_at`` with ``:``, ``:>``,
``:>=``, ``:<``, ``:<=`` and an ISO date or timestamp (quoted or not), ``id``
with the same comparators, ``email:``; terms joined by ``AND`` or a space.
Like Shopify, terms on fields it does not know are ignored rather than failing.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from graphql import GraphQLError

from sandbox.simulators.timefmt import sort_key

_TERM = re.compile(r"^(?P<field>[a-z_]+):(?P<op><=|>=|<|>|=)?(?P<value>.+)$")
_TIME_FIELDS = {"updated_at": "updated_at", "created_at": "created_at",
                "processed_at": "processed_at"}


def search_to_sql(query: str | None) -> tuple[str, list[Any]]:
    """A SQL condition (on the store's columns) and its parameters."""
    if not query or not query.strip():
        return "", []
    try:
        tokens = shlex.split(query)
    except ValueError as exc:
        raise GraphQLError(f"Invalid search query: {exc}") from exc
    conds: list[str] = []
    params: list[Any] = []
    for token in tokens:
        if token.upper() == "AND":
            continue
        if token.upper() == "OR":
            raise GraphQLError("OR is not supported by the sandbox search")
        match = _TERM.match(token)
        if not match:
            continue
        field, op, value = match["field"], match["op"] or "=", match["value"].strip("'\"")
        if field in _TIME_FIELDS:
            stamp = sort_key(value)
            if stamp is None:
                raise GraphQLError(f"Invalid date in search query: {value}")
            conds.append(f"{_TIME_FIELDS[field]} {op} ?")
            params.append(stamp)
        elif field == "id":
            conds.append(f"num {op} ?")
            params.append(int(value.rsplit("/", 1)[-1]))
        elif field == "email" and op == "=":
            conds.append("email = ?")
            params.append(value.lower())
    return " AND ".join(conds), params
