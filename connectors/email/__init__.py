"""Mailchimp (Marketing API 3.0) connector."""

from connectors.email.source import base_url_for_key, email_source

__all__ = ["base_url_for_key", "email_source"]
