"""The file kinds cdpkit knows out of the box, in the same shape a user's YAML declares.

`erp_partners` is Odoo's partner export (`res.partner`, the fields cdpkit's
ERP connector reads over the API); `crm_contacts` is a typical CRM contact
export (HubSpot, Salesforce, Pipedrive all export these columns under one
name or another). Patterns match any supported extension: the extension
decides the reader (`.csv`, `.jsonl`/`.ndjson`, `.parquet`, optionally `.gz`).
"""

from __future__ import annotations

from typing import Any

BUILTIN_KINDS: dict[str, Any] = {
    "kinds": {
        "erp_partners": {
            "patterns": ["erp_partners*", "res_partner*", "res.partner*"],
            "primary_key": ["id"],
            "updated_column": "write_date",
            "columns": {
                "id": {"type": "bigint", "required": True},
                "name": {"type": "text", "required": True},
                "email": "text",
                "phone": "text",
                "mobile": "text",
                "street": "text",
                "street2": "text",
                "city": "text",
                "zip": "text",
                "country_code": "text",
                "vat": "text",
                "is_company": "bool",
                "active": "bool",
                "write_date": {"type": "timestamp", "required": True},
            },
        },
        "crm_contacts": {
            "patterns": ["crm_contacts*", "contacts_export*"],
            "primary_key": ["contact_id"],
            "updated_column": "updated_at",
            "columns": {
                "contact_id": {"type": "text", "required": True},
                "first_name": "text",
                "last_name": "text",
                "email": "text",
                "phone": "text",
                "company": "text",
                "city": "text",
                "country_code": "text",
                "opted_out": "bool",
                "created_at": "timestamp",
                "updated_at": {"type": "timestamp", "required": True},
            },
        },
    }
}
