"""Email addresses as match keys.

Sources hold the same mailbox in different spellings (``Ann.Lee+shop@GoogleMail.com``
in the shop, ``annlee@gmail.com`` in the newsletter). The key folds provider
aliasing so those compare equal; anything that is not shaped like an address
becomes ``None`` so placeholders never link records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from identity.settings import EmailRules
from identity.standardise.vector import map_distinct

# Pragmatic shape check, not RFC 5322: one @, a dotted domain with a 2+ letter TLD.
_EMAIL_RE = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$"
)


def clean_email(value: object) -> str | None:
    """Trim and lower-case an address; ``None`` when it is not shaped like one.

    This is the form kept on the golden profile: the mailbox the person gave.
    """
    if not isinstance(value, str):
        return None
    text = value.strip().strip("<>").strip().lower()
    if text.startswith("mailto:"):
        text = text[len("mailto:"):]
    return text if _EMAIL_RE.match(text) else None


def email_key(
    value: object,
    strip_plus_tags: bool = True,
    plus_tag_domains: Iterable[str] = (),
    dot_insensitive_domains: Iterable[str] = ("gmail.com",),
    domain_aliases: Mapping[str, str] | None = None,
) -> str | None:
    """The match key of an address: cleaned, with provider aliasing folded.

    ``plus_tag_domains`` empty means ``+tag`` is stripped for every domain.
    """
    email = clean_email(value)
    if email is None:
        return None
    local, domain = email.rsplit("@", 1)
    aliases = {"googlemail.com": "gmail.com"} if domain_aliases is None else domain_aliases
    domain = aliases.get(domain, domain)
    tag_domains = tuple(plus_tag_domains)
    if strip_plus_tags and (not tag_domains or domain in tag_domains) and "+" in local:
        local = local.split("+", 1)[0]
    if domain in tuple(dot_insensitive_domains):
        local = local.replace(".", "")
    if not local:
        return None
    return f"{local}@{domain}"


def email_keys(values: pd.Series, rules: EmailRules | None = None) -> pd.Series:
    """Vectorised :func:`email_key`: computed once per distinct value."""
    rules = rules or EmailRules()
    return map_distinct(
        values,
        lambda v: email_key(
            v,
            strip_plus_tags=rules.strip_plus_tags,
            plus_tag_domains=rules.plus_tag_domains,
            dot_insensitive_domains=rules.dot_insensitive_domains,
            domain_aliases=rules.domain_aliases,
        ),
    )


def clean_emails(values: pd.Series) -> pd.Series:
    """Vectorised :func:`clean_email`."""
    return map_distinct(values, clean_email)
