"""X API v2 field sets: what each object returns by default and what may be asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.simulators.base import Request

DEFAULTS = {
    "user": ("id", "name", "username"),
    "tweet": ("id", "text", "edit_history_tweet_ids"),
    "dm_event": ("id", "event_type", "text"),
}
FIELDS = {
    "user.fields": (
        "affiliation", "connection_status", "created_at", "description", "entities", "id",
        "location", "most_recent_tweet_id", "name", "pinned_tweet_id", "profile_banner_url",
        "profile_image_url", "protected", "public_metrics", "receives_your_dm",
        "subscription_type", "url", "username", "verified", "verified_type", "withheld"),
    "tweet.fields": (
        "article", "attachments", "author_id", "card_uri", "context_annotations",
        "conversation_id", "created_at", "display_text_range", "edit_controls",
        "edit_history_tweet_ids", "entities", "geo", "id", "in_reply_to_user_id", "lang",
        "media_metadata", "non_public_metrics", "note_tweet", "organic_metrics",
        "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets",
        "reply_settings", "scopes", "source", "text", "withheld"),
    "dm_event.fields": (
        "attachments", "created_at", "dm_conversation_id", "entities", "event_type", "id",
        "participant_ids", "referenced_tweets", "sender_id", "text"),
    "expansions": (
        "affiliation.user_id", "article.cover_media", "article.media_entities",
        "attachments.media_keys", "attachments.media_source_tweet", "attachments.poll_ids",
        "author_id", "edit_history_tweet_ids", "entities.mentions.username", "geo.place_id",
        "in_reply_to_user_id", "entities.note.mentions.username", "participant_ids",
        "pinned_tweet_id", "referenced_tweets.id", "referenced_tweets.id.attachments.media_keys",
        "referenced_tweets.id.author_id", "sender_id"),
}


def validate_list(req: Request, param: str) -> list[str]:
    """The comma-separated values of a fields/expansions parameter (400 on unknown ones)."""
    from sandbox.simulators.x_api import invalid

    raw = req.arg(param)
    if not raw:
        return []
    values = [v.strip() for v in raw.split(",") if v.strip()]
    allowed = FIELDS.get(param, ())
    for value in values:
        if allowed and value not in allowed:
            raise invalid(param, value, f"The `{param}` query parameter value [{value}] is not "
                          f"one of [{','.join(allowed)}]")
    return values


def pick(doc: dict, defaults: tuple[str, ...], requested: list[str]) -> dict[str, Any]:
    """Default fields plus the requested ones, in the record's own key order."""
    wanted = set(defaults) | set(requested)
    return {k: v for k, v in doc.items() if k in wanted and v is not None}
