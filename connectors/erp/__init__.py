"""Odoo (JSON-RPC / JSON-2 external API) connector."""

from connectors.erp.source import erp_source

__all__ = ["erp_source"]
