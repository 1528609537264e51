"""Odoo search domains and ``order`` specs, translated to SQL over the store.

Domains are Polish-notation lists: leaves ``[field, operator, value]`` and the
prefix operators ``'&'``, ``'|'``, ``'!'``; consecutive terms are implicitly
ANDed. Values follow Odoo's rules: ``False`` matches unset fields, many2one
fields compare their id with numbers and their display name with text, ``like``
and ``ilike`` wrap the value in ``%``, ``=like``/``=ilike`` take it as a pattern.
"""

from __future__ import annotations

from typing import Any

OPERATORS = {"=", "!=", "<>", ">", ">=", "<", "<=", "in", "not in", "like", "not like",
             "ilike", "not ilike", "=like", "=ilike", "=?"}
COLUMNS = {"id": "num", "write_date": "write_date", "active": "active"}


class DomainError(ValueError):
    """A domain or order Odoo itself would reject (raised as ValueError)."""


class Translator:
    """Turns domains and orders into SQL for one model's field set."""

    def __init__(self, model: str, fields: dict[str, dict]) -> None:
        self.model = model
        self.fields = fields
        self.mentions_active = False

    def expr(self, field: str, want_name: bool = False) -> str:
        """The SQL expression of a field (many2one: id, or display name)."""
        if field not in self.fields and field != "id":
            raise DomainError(f"Invalid field {field!r} on model {self.model!r}")
        if field in COLUMNS:
            return COLUMNS[field]
        if self.fields[field].get("type") == "many2one":
            return f"json_extract(doc, '$.\"{field}\"[{1 if want_name else 0}]')"
        return f"json_extract(doc, '$.\"{field}\"')"

    def where(self, domain: list | None) -> tuple[str, list[Any]]:
        """SQL condition and parameters for a whole domain (implicit AND)."""
        self.mentions_active = False
        items = list(domain or [])
        parts: list[str] = []
        params: list[Any] = []
        pos = 0
        while pos < len(items):
            sql, p, pos = self._term(items, pos)
            parts.append(sql)
            params.extend(p)
        return (" AND ".join(f"({x})" for x in parts) if parts else ""), params

    def _term(self, items: list, pos: int) -> tuple[str, list[Any], int]:
        if pos >= len(items):
            raise DomainError("Domain is malformed: an operator is missing its operands")
        tok = items[pos]
        if tok == "!":
            sql, p, nxt = self._term(items, pos + 1)
            return f"NOT ({sql})", p, nxt
        if tok in ("&", "|"):
            left, lp, nxt = self._term(items, pos + 1)
            right, rp, nxt = self._term(items, nxt)
            joiner = " AND " if tok == "&" else " OR "
            return f"({left}){joiner}({right})", lp + rp, nxt
        if isinstance(tok, list | tuple) and len(tok) == 3:
            sql, p = self._leaf(*tok)
            return sql, p, pos + 1
        raise DomainError(f"Invalid leaf {tok!r}")

    def _leaf(self, field: Any, op: Any, value: Any) -> tuple[str, list[Any]]:
        if field in (0, 1) and op == "=" and value == 1:  # TRUE_LEAF / FALSE_LEAF
            return ("1=1" if field == 1 else "1=0"), []
        if not isinstance(field, str) or op not in OPERATORS:
            raise DomainError(f"Invalid leaf {[field, op, value]!r}")
        if field == "active":
            self.mentions_active = True
        if op == "=?":
            if value is False or value is None:
                return "1=1", []
            op = "="
        by_name = isinstance(value, str) and self.fields.get(field, {}).get("type") == "many2one"
        col = self.expr(field, want_name=by_name)
        if op in ("in", "not in"):
            return self._in(col, op, value)
        if "like" in op:
            neg = op.startswith("not ")
            bare = op.removeprefix("not ")
            pattern = str(value) if bare.startswith("=") else f"%{value}%"
            sql = f"odoo_like({col}, ?, {1 if bare in ('like', '=like') else 0})"
            return (f"NOT {sql}" if neg else sql), [pattern]
        op = "!=" if op == "<>" else op
        if value is False or value is None:
            if op == "=":
                return f"({col} IS NULL OR {col} = 0)", []
            if op == "!=":
                return f"({col} IS NOT NULL AND {col} != 0)", []
            return "1=0", []
        if value is True:
            value = 1
        if op == "!=":
            return f"({col} IS NULL OR {col} != ?)", [value]
        return f"{col} {op} ?", [value]

    def _in(self, col: str, op: str, value: Any) -> tuple[str, list[Any]]:
        values = list(value) if isinstance(value, list | tuple) else [value]
        plain = [1 if v is True else v for v in values if v is not False and v is not None]
        has_false = len(plain) != len(values)
        parts = []
        if plain:
            parts.append(f"{col} IN ({', '.join('?' for _ in plain)})")
        if has_false:
            parts.append(f"({col} IS NULL OR {col} = 0)")
        sql = " OR ".join(parts) if parts else "1=0"
        return (f"NOT ({sql})" if op == "not in" else f"({sql})"), plain

    def order(self, spec: str | None, default: str) -> str:
        """SQL ORDER BY for an Odoo order string like ``"write_date asc, id asc"``."""
        out = []
        for part in (spec or default).split(","):
            words = part.split()
            if not words:
                continue
            direction = words[1].upper() if len(words) > 1 else "ASC"
            if direction not in ("ASC", "DESC"):
                raise DomainError(f"Invalid order {spec!r} for model {self.model!r}")
            nulls = " ".join(words[2:]).upper()
            col = self.expr(words[0], want_name=True)
            suffix = f" {nulls}" if nulls in ("NULLS FIRST", "NULLS LAST") else ""
            out.append(f"{col} {direction}{suffix}")
        return ", ".join([*out, "rid ASC"])
