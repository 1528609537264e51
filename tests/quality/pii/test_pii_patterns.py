"""The value detectors: personal data in the shapes sources send it, and none of the
ids, amounts, dates and hashes a warehouse is full of."""

import pytest

from quality.pii.patterns import EMAIL, IP_ADDRESS, PHONE, STREET_ADDRESS, kinds_in


@pytest.mark.parametrize(("value", "kind"), [
    ("robert.okafor36@yahoo.com", EMAIL),
    ("MUGEGROSS15632@PROTON.ME", EMAIL),
    ("write to jo.o'neil+news@mail.example.co.uk today", EMAIL),
    ("+12132147191", PHONE),              # Shopify, E.164
    ("001 213 214 7191", PHONE),          # international, 00 prefix
    ("+49 160 0020487", PHONE),
    ("030 1234567", PHONE),               # national, trunk 0
    ("(213) 214-7191", PHONE),
    ("119 Cedar Ln", STREET_ADDRESS),
    ("12b High Street", STREET_ADDRESS),
    ("Hauptstraße 5", STREET_ADDRESS),
    ("Am Markt 168", STREET_ADDRESS),
    ("12 rue de Rivoli", STREET_ADDRESS),
    ("Via Roma 3a", STREET_ADDRESS),
    ("Keizersgracht 123", STREET_ADDRESS),
    ("192.168.10.24", IP_ADDRESS),
    ("2001:db8::8a2e:370:7334", IP_ADDRESS),
])
def test_personal_data_is_recognised(value, kind):
    assert kind in kinds_in(value)


@pytest.mark.parametrize("value", [
    "1796463317.9746563",                 # a dlt load id
    "1000000000000000001",                # an X user id
    "12345678",                           # a bare number
    "188.80", "90027", "2025-07-20", "2025-07-20T10:00:00Z",
    "gid://shopify/Customer/7100000000004",
    "aa3084c41c3d483346e706192b4823aa",   # Mailchimp's member id, an md5
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",  # a sha256
    "#1001", "S00504", "erp:500", "[MUG-003] Stoneware Mug", "3. OG",
    "Los Angeles", "Germany", "Student | opinions my own", "subscribed",
])
def test_ids_amounts_dates_and_hashes_are_not(value):
    assert kinds_in(value) == frozenset()
