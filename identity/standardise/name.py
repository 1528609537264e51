"""Person names: parsed into first/last, folded into comparison keys.

Sources disagree on shape ("SMITH, John" in the ERP, "Dr. John Smith Jr." as an
X display name, "Jöhn" vs "John") and on form ("Bob" vs "Robert"). Parsing puts
every record into (first, last) in a display form; folding makes accent-,
case- and punctuation-insensitive keys; the nickname table adds a canonical
first name so the household guard can tell "Bob" = "Robert" from "Jane".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from identity.standardise.nicknames import canonicals
from identity.standardise.vector import map_distinct

TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord",
    "rev", "revd", "fr", "herr", "frau", "mme", "mlle", "madam", "mister", "sra",
})  # fmt: skip
SUFFIXES = frozenset({
    "jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv", "phd", "md", "esq", "dds",
    "mba", "bsc", "msc",
})  # fmt: skip
#: Lower-case words that start a multi-word surname ("van der Berg", "de la Cruz").
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "da", "das", "dos", "du", "la", "le", "di",
    "st", "bin", "ibn", "al",
})  # fmt: skip

# Letters NFKD does not decompose into a base letter plus accents.
_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)
_NON_LETTER = re.compile(r"[^\w\s]|[\d_]")
_SPACE = re.compile(r"\s+")


class ParsedName(NamedTuple):
    """A record's name in display form (titles/suffixes removed); parts may be None."""

    first: str | None
    last: str | None


@lru_cache(maxsize=500_000)
def _fold(text: str) -> str | None:
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("'", "").replace("’", "").replace("-", " ").replace(".", " ")
    text = _SPACE.sub(" ", _NON_LETTER.sub(" ", text)).strip()
    return text or None


def fold(text: object) -> str | None:
    """Case-, accent- and punctuation-insensitive form: ``"Zoë O'Brien-Ñúñez"`` -> ``"zoe obrien nunez"``."""  # noqa: E501
    return _fold(text) if isinstance(text, str) else None


def _clean(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    text = _SPACE.sub(" ", text).strip(" ,;")
    return text if fold(text) else None


def _tokens(text: str) -> list[str]:
    """Whitespace tokens that hold at least one letter (drops emoji, "-", "&")."""
    return [token for token in text.split() if fold(token)]


def _is(token: str, words: frozenset[str]) -> bool:
    return (fold(token) or "").replace(" ", "") in words


def _display(text: str | None) -> str | None:
    """Title-case shouting or all-lower names; keep mixed case ("McDonald") as written."""
    if text is None:
        return None
    text = text.strip(" ,;")
    if not text:
        return None
    return text.title() if text.isupper() or text.islower() else text


def _strip_affixes(tokens: list[str]) -> list[str]:
    while tokens and _is(tokens[0], TITLES):
        tokens = tokens[1:]
    while len(tokens) > 1 and _is(tokens[-1], SUFFIXES):
        tokens = tokens[:-1]
    return tokens


def _all_suffixes(text: str) -> bool:
    return all(_is(token, SUFFIXES) for token in text.split())


def parse_full_name(full: object) -> ParsedName:
    """Split one free-form name: "Dr. John A. Smith Jr.", "SMITH, John", "Ana de la Cruz"."""
    text = _clean(full)
    if text is None:
        return ParsedName(None, None)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    parts = [p for i, p in enumerate(parts) if i == 0 or not _all_suffixes(p)]
    if len(parts) >= 2:  # "LAST, First Middle"
        first_tokens = _strip_affixes(_tokens(parts[1]))
        last_tokens = _strip_affixes(_tokens(parts[0]))
        first = first_tokens[0] if first_tokens else None
        return ParsedName(_display(first), _display(" ".join(last_tokens) or None))
    tokens = _strip_affixes(_tokens(text))
    if not tokens:
        return ParsedName(None, None)
    if len(tokens) == 1:
        return ParsedName(_display(tokens[0]), None)
    start = len(tokens) - 1
    while start > 1 and (fold(tokens[start - 1]) or "") in PARTICLES:
        start -= 1
    return ParsedName(_display(tokens[0]), _display(" ".join(tokens[start:])))


@lru_cache(maxsize=1_000_000)
def parse_name(first: str | None, last: str | None, full: str | None) -> ParsedName:
    """The record's (first, last): the split fields when usable, else parsed ``full``.

    A lone field holding a whole name ("John Smith" in first_name, "SMITH, John"
    in last_name) is parsed as a full name; a missing part is taken from ``full``.
    """
    first, last, full = _clean(first), _clean(last), _clean(full)
    if first and last:
        return ParsedName(_first_part(first), _last_part(last))
    from_full = parse_full_name(full)
    lone = first or last
    if lone is not None and ("," in lone or len(_tokens(lone)) > 1):
        parsed = parse_full_name(lone)
        return ParsedName(parsed.first or from_full.first, parsed.last or from_full.last)
    if first:
        first = " ".join(_strip_affixes(_tokens(first))) or None
        return ParsedName(_display(first), from_full.last)
    if last:
        return ParsedName(from_full.first, _display(last))
    return from_full


def _first_part(first: str) -> str | None:
    """A usable first-name field beside a usable last name: titles off, display case."""
    tokens = _tokens(first)
    return _display(" ".join(_strip_affixes(tokens) or tokens))


def _last_part(last: str) -> str | None:
    """A usable last-name field beside a usable first name: suffixes off, display case."""
    tokens = _tokens(last)
    while len(tokens) > 1 and _is(tokens[-1], SUFFIXES):
        tokens = tokens[:-1]
    return _display(" ".join(tokens))


def canonical_first_name(first: object) -> str | None:
    """Canonical form of a first name's first word: "Bobby" -> "robert"; unknown names fold."""
    folded = fold(first)
    if folded is None:
        return None
    found = canonicals(folded.split()[0])
    return found[0] if found else None


def standardise_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Display and key columns for a frame with ``first_name, last_name, full_name``.

    Returns ``first_name, last_name`` (display), ``first_key, last_key`` (folded) and
    ``first_canonical``, on ``frame``'s index. Parsing runs once per distinct triple.
    """
    cols = ["first_name", "last_name", "full_name"]
    triples = frame.reindex(columns=cols).astype(object)
    triples = triples.where(triples.notna(), None)
    # Most records have both name fields usable; each then parses on its own,
    # once per distinct first and distinct last name instead of per triple.
    first_clean = map_distinct(triples["first_name"], _clean)
    last_clean = map_distinct(triples["last_name"], _clean)
    split = (first_clean.notna() & last_clean.notna()).to_numpy()
    firsts = map_distinct(first_clean.where(split, None), _first_part).to_numpy()
    lasts = map_distinct(last_clean.where(split, None), _last_part).to_numpy()
    rest = triples[~split]
    if len(rest):
        codes, uniques = pd.MultiIndex.from_frame(rest.fillna("")).factorize()
        parsed = [parse_name(f or None, la or None, fu or None) for f, la, fu in uniques]
        firsts[~split] = np.array([p.first for p in parsed] + [None], dtype=object)[codes]
        lasts[~split] = np.array([p.last for p in parsed] + [None], dtype=object)[codes]
    out = pd.DataFrame({"first_name": firsts, "last_name": lasts}, index=frame.index)
    out["first_key"] = map_distinct(out["first_name"], fold)
    out["last_key"] = map_distinct(out["last_name"], fold)
    out["first_canonical"] = map_distinct(out["first_key"], canonical_first_name)
    return out.where(out.notna(), None)
