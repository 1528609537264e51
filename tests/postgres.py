"""Scratch databases on the local PostgreSQL server (127.0.0.1:5432, trust auth) for the
tests that build on Postgres: the dbt project's and the Dagster instance's."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

#: the local server, as psycopg2.connect's keywords; `dbname` is the one that always exists
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}


@contextmanager
def scratch_postgres_database(prefix: str) -> Iterator[str]:
    """A database of its own on the local server, dropped afterwards; its name.

    Its sessions run in a time zone other than UTC, so what a test reads back cannot
    depend on the server's zone happening to be UTC.
    """
    import psycopg2

    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = psycopg2.connect(**POSTGRES)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'create database "{name}"')
        cursor.execute(f"alter database \"{name}\" set timezone = 'Europe/Berlin'")
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'drop database if exists "{name}" with (force)')
        admin.close()
