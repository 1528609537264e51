import pandas as pd
import pytest
from identity_records import frame, record

from identity.golden import golden_id
from identity.resolve import resolve
from identity.settings import IdentitySettings


def profile(result, source: str, source_id: str) -> pd.Series:
    cw = result.crosswalk
    gid = cw.loc[(cw["source"] == source) & (cw["source_id"] == source_id), "golden_id"].item()
    return result.golden_profiles.set_index("golden_id").loc[gid]


def test_survivorship_most_recent_non_null_with_source() -> None:
    result = resolve(frame(
        record("shop", "gid://shopify/Customer/1", first_name="Ann", last_name="Lee",
               email="ann@lee.com", phone="+14155550100", street="1 Old Rd", city="Austin",
               postcode="73301", country_code="us", source_updated_at="2025-01-01T00:00:00Z"),
        record("erp", "9", full_name="LEE, Annie", email="ann@lee.com", phone=None,
               street="2 New St", city="Boston", postcode=None, country_code="US",
               source_updated_at="2025-03-01 00:00:00"),
        record("email", "m1", first_name="Ann", last_name=None, email="Ann@Lee.com",
               source_updated_at="2025-06-01T00:00:00+00:00"),
    ))
    p = profile(result, "erp", "9")
    assert p["member_count"] == 3
    assert (p["first_name"], p["first_name_source"]) == ("Ann", "email:m1")
    assert (p["last_name"], p["last_name_source"]) == ("Lee", "erp:9")
    assert (p["email"], p["email_source"]) == ("ann@lee.com", "email:m1")
    assert (p["phone"], p["phone_source"]) == ("+14155550100", "shop:gid://shopify/Customer/1")
    # the address is one block: the newest record with an address wins, postcode and all
    assert (p["street"], p["city"], p["postcode"]) == ("2 New St", "Boston", None)
    assert p["street_source"] == p["city_source"] == "erp:9" and p["postcode_source"] is None
    assert p["source_systems"] == "email,erp,shop"
    assert p["first_seen_at"] == pd.Timestamp("2025-01-01")
    assert p["last_seen_at"] == pd.Timestamp("2025-06-01")


def test_ties_use_source_priority() -> None:
    rows = frame(
        record("shop", "s1", first_name="Ann", last_name="Lee", email="ann@lee.com",
               city="Shopville", source_updated_at="2025-01-01T00:00:00Z"),
        record("erp", "1", full_name="Ann Lee", email="ann@lee.com", city="Erpton",
               source_updated_at="2025-01-01 00:00:00"),
    )
    assert profile(resolve(rows), "shop", "s1")["city"] == "Erpton"
    shop_first = IdentitySettings(source_priority=("shop", "erp"))
    assert profile(resolve(rows, shop_first), "shop", "s1")["city"] == "Shopville"


def test_inactive_records_only_fill_gaps() -> None:
    result = resolve(frame(
        record("shop", "s1", first_name="Ann", last_name="Lee", email="ann@lee.com",
               city="Austin", source_updated_at="2025-01-01T00:00:00Z"),
        record("email", "m1", first_name="Ann", last_name="Lee", email="ann@lee.com",
               phone="+14155550100", city="Dallas", is_active=False,
               source_updated_at="2025-05-01T00:00:00Z"),
    ))
    p = profile(result, "shop", "s1")
    assert p["member_count"] == 2
    assert p["city"] == "Austin"  # newer, but the inactive record loses
    assert (p["phone"], p["phone_source"]) == ("+14155550100", "email:m1")  # only source


def test_golden_id_is_anchor_hash_and_stable_when_unrelated_record_added() -> None:
    rows = [
        record("shop", "s5", first_name="Ann", last_name="Lee", email="ann@lee.com"),
        record("erp", "3", full_name="Ann Lee", email="ann@lee.com"),
        record("shop", "s7", first_name="Bo", last_name="Ek", email="bo@ek.se"),
    ]
    first = resolve(frame(*rows))
    assert profile(first, "shop", "s5").name == golden_id("erp", "3")
    assert golden_id("erp", "3").startswith("cdp_") and len(golden_id("erp", "3")) == 20
    rows.append(record("email", "a0", first_name="Cy", last_name="Oh", email="cy@oh.com"))
    rows.append(record("erp", "1", first_name="Di", last_name="Xu", email="di@xu.com"))
    second = resolve(frame(*rows))
    before = first.crosswalk.set_index(["source", "source_id"])["golden_id"]
    after = second.crosswalk.set_index(["source", "source_id"])["golden_id"]
    assert after.loc[before.index].equals(before)
    assert second.golden_profiles["golden_id"].is_unique


def three_sightings_of_ann():
    """One person seen three times: two old records agree, the newest differs."""
    return frame(
        record("erp", "1", first_name="Ann", last_name="Lee", email="ann@lee.com",
               phone="+14155550100", street="1 Old Rd", city="Austin", postcode="73301",
               country_code="US", source_updated_at="2025-01-01 00:00:00"),
        record("shop", "s1", first_name="Ann", last_name="Lee", email="ann@lee.com",
               phone="+14155550100", street="1 Old Rd", city="Austin", postcode="73301",
               country_code="US", source_updated_at="2025-02-01T00:00:00Z"),
        record("email", "m1", first_name="Annie", last_name="Lee", email="ann@lee.com",
               phone="+14155550199", street="9 New Ave", city="Boston", postcode="02101",
               country_code="US", source_updated_at="2025-06-01T00:00:00Z"),
    )


def test_survivorship_rules_are_chosen_per_attribute() -> None:
    rows = three_sightings_of_ann()
    default = profile(resolve(rows), "erp", "1")
    assert default["member_count"] == 3
    assert (default["first_name"], default["first_name_source"]) == ("Annie", "email:m1")
    assert (default["street"], default["city"]) == ("9 New Ave", "Boston")
    settings = IdentitySettings.from_dict({"survivorship": {
        "first_name": "most_frequent", "phone": "source_priority", "address": "most_frequent"}})
    chosen = profile(resolve(rows, settings), "erp", "1")
    # two records say "Ann": the most frequent value, from its most recent holder
    assert (chosen["first_name"], chosen["first_name_source"]) == ("Ann", "shop:s1")
    # the ERP comes first in the default source priority
    assert (chosen["phone"], chosen["phone_source"]) == ("+14155550100", "erp:1")
    # the address block counts whole addresses, and all its parts come from one record
    assert (chosen["street"], chosen["city"], chosen["postcode"]) == ("1 Old Rd", "Austin",
                                                                      "73301")
    assert chosen["street_source"] == chosen["postcode_source"] == "shop:s1"
    # attributes left unset keep the most recent value
    assert (chosen["last_name"], chosen["last_name_source"]) == ("Lee", "email:m1")


def test_an_unknown_survivorship_attribute_or_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="no survivorship for 'shoe_size'"):
        IdentitySettings.from_dict({"survivorship": {"shoe_size": "most_recent"}})
    with pytest.raises(ValueError, match="unknown survivorship rule 'loudest'"):
        IdentitySettings.from_dict({"survivorship": {"email": "loudest"}})


def test_first_seen_is_the_earliest_creation_and_an_edit_does_not_move_it() -> None:
    records = frame(
        # created in 2023, edited since: the edit makes it the latest change, not new
        record("shop", "gid://shopify/Customer/1", first_name="Ann", last_name="Lee",
               email="ann@lee.com", source_updated_at="2025-06-01T00:00:00Z"),
        # its source gives no creation time: it counts from its last change
        record("email", "m1", first_name="Ann", email="ann@lee.com",
               source_updated_at="2025-03-01T00:00:00Z"),
    )
    records["source_created_at"] = ["2023-02-01T00:00:00Z", None]
    p = profile(resolve(records), "email", "m1")
    assert p["member_count"] == 2
    assert p["first_seen_at"] == pd.Timestamp("2023-02-01")
    assert p["last_seen_at"] == pd.Timestamp("2025-06-01")
    # an input without creation times (the CLI's): the earliest change, as before
    p = profile(resolve(records.drop(columns="source_created_at")), "email", "m1")
    assert p["first_seen_at"] == pd.Timestamp("2025-03-01")
