"""Shopify (GraphQL Admin API) connector."""

from connectors.shop.source import shop_source

__all__ = ["shop_source"]
