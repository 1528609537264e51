"""X (Twitter) API v2 connector."""

from connectors.social.source import social_source

__all__ = ["social_source"]
