"""Mailchimp's ``fields`` / ``exclude_fields`` response projection.

Paths are dotted (``members.email_address``) and reach through lists, so
``members.merge_fields.FNAME`` keeps that key in every member.
"""

from __future__ import annotations

from typing import Any


def _tree(spec: str) -> dict:
    root: dict = {}
    for path in filter(None, (p.strip() for p in spec.split(","))):
        node = root
        parts = path.split(".")
        for i, part in enumerate(parts):
            if i == len(parts) - 1:
                node[part] = True
            else:
                child = node.get(part)
                if child is True:
                    break
                node = node.setdefault(part, {})
    return root


def _keep(value: Any, tree: dict) -> Any:
    if isinstance(value, list):
        return [_keep(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: v if tree[k] is True else _keep(v, tree[k]) for k, v in value.items() if k in tree}


def _drop(value: Any, tree: dict) -> Any:
    if isinstance(value, list):
        return [_drop(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: v if k not in tree else _drop(v, tree[k])
            for k, v in value.items() if tree.get(k) is not True}


def project(body: dict, fields: str | None, exclude: str | None) -> dict:
    """The body with only ``fields`` kept and ``exclude`` removed."""
    if fields:
        body = _keep(body, _tree(fields))
    if exclude:
        body = _drop(body, _tree(exclude))
    return body
