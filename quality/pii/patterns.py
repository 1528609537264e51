"""What a value looks like: an email address, a phone number, a street address, an
IP address (which identifies a person too, GDPR recital 30).

The scanner samples values and asks these questions of each; a column is only
as suspicious as its values. The patterns aim at data that identifies a person
and were written against the formats sources actually send (Shopify's E.164
phones, Odoo's free-form ones, Mailchimp merge fields, street lines in English,
German, French, Dutch, Spanish and Italian order); they leave alone what
warehouses are full of: ids, dlt load ids, amounts, dates, hashes.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

EMAIL = "email"
PHONE = "phone"
STREET_ADDRESS = "street_address"
IP_ADDRESS = "ip_address"
KINDS = (EMAIL, PHONE, STREET_ADDRESS, IP_ADDRESS)

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# a whole value that is a phone number: digits, optionally led by + or 00, with the
# separators people type; 8 to 15 digits (E.164's maximum)
_PHONE_SHAPE = re.compile(r"^(?:\+|00)?[\d(][\d ()./-]{6,20}\d$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_IPV4 = re.compile(r"^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$")
_IPV6 = re.compile(r"^(?=.*:.*:)[0-9a-f:]{2,39}$", re.IGNORECASE)
# regions tried for a number written without its country code
_NATIONAL_REGIONS = ("US", "GB", "DE", "FR", "NL", "ES", "IT", "AT", "CH")
_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|court|ct|place|pl|boulevard|blvd"
    "|terrace|close|crescent|square|sq|parkway|pkwy|highway|hwy|row|mews|gardens"
)
_STREET_WORDS = (
    r"stra(?:ss|ß)e|str\.|weg|platz|allee|gasse|ring|damm|ufer|markt|chaussee|steig|pfad"
    r"|rue|avenue|boulevard|chemin|impasse|via|viale|piazza|corso|calle|avenida|plaza"
    r"|paseo|straat|laan|gracht|plein|kade|steeg"
)
# "119 Cedar Ln", "12b High Street", "4, Elm Road"
_NUMBER_FIRST = re.compile(
    rf"^\d{{1,5}}[a-z]?,?\s+(?:[^\W\d_][\w.'-]*\s+){{0,4}}(?:{_STREET_TYPES})\.?$",
    re.IGNORECASE,
)
# "Hauptstraße 5", "Am Markt 168", "Rue de Rivoli 12", "Via Roma 3a"
_NUMBER_LAST = re.compile(
    rf"^(?=.*(?:{_STREET_WORDS}))[^\W\d_][^\d]{{1,60}}\s\d{{1,4}}\s?[a-z]?$",
    re.IGNORECASE,
)
# "12 rue de Rivoli", "3 Via Roma"
_NUMBER_FIRST_WORD = re.compile(
    rf"^\d{{1,5}}[a-z]?,?\s+(?:{_STREET_WORDS})\s+[^\d]{{2,60}}$", re.IGNORECASE
)


def kinds_in(value: str) -> frozenset[str]:
    """The kinds of personal data `value` holds, if any."""
    found = set()
    text = value.strip()
    has_at = "@" in text
    if not has_at and not any(ch.isdigit() for ch in text):
        return frozenset()  # every kind needs an @ or a digit
    if has_at and _EMAIL.search(text):
        found.add(EMAIL)
    if _IPV4.match(text) or _IPV6.match(text):
        found.add(IP_ADDRESS)
    elif looks_like_phone(text):
        found.add(PHONE)
    if looks_like_street(text):
        found.add(STREET_ADDRESS)
    return frozenset(found)


def looks_like_phone(text: str) -> bool:
    if not _PHONE_SHAPE.match(text) or _ISO_DATE.match(text):
        return False
    digits = sum(ch.isdigit() for ch in text)
    if not 8 <= digits <= 15:
        return False
    international = text.startswith(("+", "00"))
    # a bare run of digits without a country code is an id more often than a phone:
    # national numbers count when written with a trunk 0 or with separators
    if not international and text.isdigit() and not text.startswith("0"):
        return False
    return _valid_number(text)


@lru_cache(maxsize=65536)
def _valid_number(text: str) -> bool:
    international = "+" + text[2:] if text.startswith("00") else text
    regions = (None,) if international.startswith("+") else _NATIONAL_REGIONS
    for region in regions:
        try:
            number = phonenumbers.parse(international, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def looks_like_street(text: str) -> bool:
    if len(text) > 80 or not any(ch.isdigit() for ch in text):
        return False
    return bool(_NUMBER_FIRST.match(text) or _NUMBER_LAST.match(text)
                or _NUMBER_FIRST_WORD.match(text))
