import pandas as pd
from identity_records import frame, record

from identity.rules import candidate_edges
from identity.settings import GuardSettings, IdentitySettings
from identity.standardise.records import standardise_records


def edges_of(frame: pd.DataFrame, settings: IdentitySettings | None = None):
    settings = settings or IdentitySettings()
    frame = frame.sort_values(["source", "source_id"], ignore_index=True)
    std = standardise_records(frame, settings)
    out = candidate_edges(std, settings)
    ids = std["source"] + ":" + std["source_id"]
    pairs = {
        (ids[a], ids[b], rule)
        for a, b, rule in out.edges[["rid_l", "rid_r", "rule"]].itertuples(index=False)
    }
    return pairs, out


def test_same_person_across_systems_is_linked() -> None:
    pairs, _ = edges_of(frame(
        record("shop", "s1", first_name="Bob", last_name="Lee", email="Bob.Lee+shop@gmail.com",
               phone="+1 415 555 0100"),
        record("email", "m1", first_name="Robert", last_name="Lee", email="boblee@gmail.com"),
        record("erp", "1", full_name="LEE, Robert", phone="(415) 555-0100", country_code="US"),
        record("social", "x1", full_name="Bobby L.", free_text="mail me: bob.lee@gmail.com"),
    ))
    assert pairs == {
        ("email:m1", "shop:s1", "email"),
        ("email:m1", "social:x1", "email"),
        ("shop:s1", "social:x1", "email"),
        ("erp:1", "shop:s1", "phone"),
    }


def test_a_phone_number_an_x_user_sent_the_brand_links_their_profile() -> None:
    pairs, _ = edges_of(frame(
        record("shop", "s1", first_name="Mia", last_name="Roth", phone="+49 151 12345678"),
        record("social", "x1", full_name="Mia 🌿",
               free_text="barista in Köln | Please call me on +4915112345678"),
        record("social", "x2", full_name="Mia R.", free_text="Order 15112345678 is late"),
    ))
    assert pairs == {("shop:s1", "social:x1", "phone")}


def test_household_members_sharing_email_or_phone_are_not_linked() -> None:
    pairs, out = edges_of(frame(
        record("shop", "s1", first_name="John", last_name="Smith", email="thesmiths@example.com",
               phone="+44 20 7946 0958"),
        record("shop", "s2", first_name="Jane", last_name="Smith", email="thesmiths@example.com",
               phone="020 7946 0958", country_code="GB"),
        record("erp", "7", full_name="SMITH, Jane", phone="0044 20 7946 0958"),
    ))
    assert pairs == {("erp:7", "shop:s2", "phone")}
    assert out.counts["email"]["rejected_names"] == 1
    assert out.counts["phone"]["rejected_names"] == 2


def test_record_fitting_two_household_members_links_neither() -> None:
    pairs, out = edges_of(frame(
        record("shop", "s1", first_name="John", last_name="Smith", email="smiths@example.com"),
        record("shop", "s2", first_name="Jane", last_name="Smith", email="smiths@example.com"),
        record("email", "m1", first_name="J", last_name="Smith", email="smiths@example.com"),
        record("email", "m2", email="SMITHS@example.com"),
    ))
    assert pairs == set()
    assert out.counts["email"]["dropped_ambiguous"] > 0
    disabled = IdentitySettings(guard=GuardSettings(drop_ambiguous=False))
    pairs, _ = edges_of(frame(
        record("shop", "s1", first_name="John", last_name="Smith", email="smiths@example.com"),
        record("email", "m1", first_name="J", last_name="Smith", email="smiths@example.com"),
    ), disabled)
    assert pairs == {("email:m1", "shop:s1", "email")}


def test_same_name_different_keys_is_not_linked() -> None:
    pairs, _ = edges_of(frame(
        record("shop", "s1", first_name="John", last_name="Smith", email="john@a.com",
               phone="+14155550100"),
        record("erp", "1", full_name="John Smith", email="john@b.com", phone="+14155550101"),
    ))
    assert pairs == set()


def test_guard_accepts_initials_swaps_typos_and_missing_first_names() -> None:
    pairs, _ = edges_of(frame(
        record("shop", "s1", first_name="Katherine", last_name="Müller", email="km@example.com"),
        record("email", "m1", first_name="K.", last_name="Mueller", email="km@example.com"),
        record("erp", "1", full_name="Müller Katherine", email="km@example.com"),
        record("email", "m2", last_name="Muller", email="k.muller@example.com"),
        record("social", "x1", full_name="Kathy Müller", free_text="k.muller@example.com"),
        record("shop", "s2", first_name="Jonathon", last_name="Ahmed", phone="+447911123456"),
        record("erp", "2", full_name="Jonathan Ahmad", phone="07911 123456", country_code="GB"),
    ))
    linked = {(a, b) for a, b, _ in pairs}
    assert ("email:m1", "shop:s1") in linked  # initial; Müller/Mueller are JW-close
    assert ("erp:1", "shop:s1") in linked  # first and last swapped
    assert ("email:m2", "social:x1") in linked  # no first name, last name agrees
    assert ("erp:2", "shop:s2") in linked  # typos within the JW thresholds


def test_guard_can_be_switched_off() -> None:
    rows = frame(
        record("shop", "s1", first_name="John", last_name="Smith", email="smiths@example.com"),
        record("shop", "s2", first_name="Jane", last_name="Smith", email="smiths@example.com"),
    )
    assert edges_of(rows)[0] == set()
    off = IdentitySettings(guard=GuardSettings(enabled=False))
    assert edges_of(rows, off)[0] == {("shop:s1", "shop:s2", "email")}


def test_keys_shared_by_too_many_records_are_skipped() -> None:
    rows = [record("email", f"m{i}", first_name="Ann", last_name="Lee", email="info@shop.com")
            for i in range(6)]
    rows += [record("shop", "s1", first_name="Ann", last_name="Lee", email="ann@lee.com"),
             record("erp", "1", full_name="Ann Lee", email="ann@lee.com")]
    settings = IdentitySettings(guard=GuardSettings(max_group_size=5))
    pairs, out = edges_of(frame(*rows), settings)
    assert pairs == {("erp:1", "shop:s1", "email")}
    assert out.skipped_keys.to_dict("records") == [
        {"rule": "email", "key": "info@shop.com", "records": 6}
    ]


def test_cross_ref_links_erp_to_shop_gid_without_name_check() -> None:
    pairs, _ = edges_of(frame(
        record("shop", "gid://shopify/Customer/7100000000001", first_name="Ann", last_name="Lee"),
        record("shop", "gid://shopify/Customer/7100000000002", first_name="Bo", last_name="Ek"),
        record("erp", "12", full_name="Completely Different", cross_ref="7100000000001"),
        record("erp", "13", full_name="Ann Lee", cross_ref="99"),
        record("email", "m1", full_name="Ann Lee", cross_ref="7100000000002"),
    ))
    assert pairs == {("erp:12", "shop:gid://shopify/Customer/7100000000001", "cross_ref")}


def test_rules_can_be_switched_off() -> None:
    rows = frame(
        record("shop", "gid://shopify/Customer/5", first_name="Ann", last_name="Lee",
               email="ann@lee.com", phone="+14155550100"),
        record("erp", "1", full_name="Ann Lee", email="ann@lee.com", phone="+14155550100",
               cross_ref="5"),
    )
    rules = {rule for _, _, rule in edges_of(rows)[0]}
    assert rules == {"email", "phone", "cross_ref"}
    only_phone = IdentitySettings(rules=("phone",))
    assert {rule for _, _, rule in edges_of(rows, only_phone)[0]} == {"phone"}
