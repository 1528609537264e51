"""Which rows at the cursor boundary an incremental read may skip: identical ones only.

Cursors with one-second precision (Shopify `updatedAt`, Odoo `write_date`,
Mailchimp `last_changed`) are read inclusively, so the rows stamped with the
stored cursor come back on the next sync. dlt drops those it saw before, and
by default it recognises them by primary key: a record written again within
that same second (a late update, or clock skew between app servers) would
then be dropped as "already loaded" and stay stale. Keyed on the whole row,
only truly unchanged rows are skipped; a changed one is loaded and merged on
the primary key.
"""

from __future__ import annotations

from typing import Any


def whole_row(row: dict[str, Any]) -> list[str]:
    """dlt incremental `primary_key` callable: every field of the row, in a stable order."""
    return sorted(row)
