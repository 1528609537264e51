import pandas as pd
import pytest

from identity.standardise.phone import e164, e164_series
from identity.standardise.text import extract_phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+1 (415) 555-0100", "US", "+14155550100"),
        ("(415) 555-0100", "US", "+14155550100"),
        ("415.555.0100", "US", "+14155550100"),
        ("001 415 555 0100", "US", "+14155550100"),
        ("415-555-0100 ext. 12", "US", "+14155550100"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 (0)20 7946 0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", "DE", "+442079460958"),
        ("07911 123456", "GB", "+447911123456"),
        ("030 901820", "DE", "+4930901820"),
        ("0160/1234567", "DE", "+491601234567"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06-12-34-56-78", "FR", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "US", "+33612345678"),
        ("+49 30 901820", None, "+4930901820"),
        ("030 901820", "uk", None),  # a London number needs 8 digits after 020
    ],
)
def test_e164_many_formats(raw: str, region: str | None, expected: str | None) -> None:
    assert e164(raw, region) == expected


@pytest.mark.parametrize("raw", ["", "000000", "12", "n/a", "+1 000 000 0000", None, True])
def test_invalid_phone_is_none(raw: object) -> None:
    assert e164(raw, "US") is None


def test_national_number_without_any_region_is_none() -> None:
    assert e164("415 555 0100", None) is None


def test_series_uses_record_country_else_default_region() -> None:
    values = pd.Series(["020 7946 0958", "020 7946 0958", "(415) 555-0100", None])
    regions = pd.Series(["GB", None, "UK", "US"])
    out = e164_series(values, regions, default_region="US")
    # row 1 is read as a US number and is invalid there; "UK" is understood as GB
    assert out.tolist() == ["+442079460958", None, None, None]
    assert e164_series(values, regions, default_region="GB").tolist()[1] == "+442079460958"


@pytest.mark.parametrize(("text", "phone"), [
    ("Please call me on +4915112345678", "+4915112345678"),
    ("Hi! | Please call me on +1 415 555 2671 after 5pm", "+14155552671"),
    ("call (415) 555-2671", "+14155552671"),  # a national number, read in the region
    ("Order 12345678 arrived, thanks", None),  # digits, but no valid number
    ("Is the mug back in stock?", None),
    (None, None),
])
def test_extract_phone_finds_a_valid_number_in_a_message(text, phone) -> None:
    assert extract_phone(text, "US") == phone
