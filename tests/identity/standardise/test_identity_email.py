import pandas as pd
import pytest

from identity.settings import EmailRules
from identity.standardise.email import clean_email, email_key, email_keys
from identity.standardise.text import extract_email


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("  Ann.Lee@Example.COM ", "ann.lee@example.com"),
        ("ann.lee+shop@example.com", "ann.lee@example.com"),
        ("Ann.Lee+news@gmail.com", "annlee@gmail.com"),
        ("a.n.n.lee@googlemail.com", "annlee@gmail.com"),
        ("mailto:ann@example.org", "ann@example.org"),
        ("<ann@example.org>", "ann@example.org"),
    ],
)
def test_email_key_folds_provider_aliases(raw: str, key: str) -> None:
    assert email_key(raw) == key


@pytest.mark.parametrize(
    "raw", ["", "   ", "not an email", "ann@", "@example.com", "ann@example", "a b@x.com",
            "ann@@example.com", None, 42, "+tag@example.com"],
)
def test_invalid_email_is_none(raw: object) -> None:
    assert email_key(raw) is None


def test_clean_email_keeps_the_mailbox_as_given() -> None:
    assert clean_email(" Ann.Lee+shop@GMail.com") == "ann.lee+shop@gmail.com"


def test_plus_tag_rules_are_configurable() -> None:
    assert email_key("ann+x@example.com", strip_plus_tags=False) == "ann+x@example.com"
    only_gmail = {"plus_tag_domains": ("gmail.com",)}
    assert email_key("ann+x@example.com", **only_gmail) == "ann+x@example.com"
    assert email_key("ann+x@gmail.com", **only_gmail) == "ann@gmail.com"
    assert email_key("a.nn@outlook.com") == "a.nn@outlook.com"  # dots matter off Gmail


def test_email_keys_vectorised_keeps_index_and_nulls() -> None:
    values = pd.Series(["A+1@gmail.com", None, "bad", "a@gmail.com"], index=[10, 11, 12, 13])
    out = email_keys(values, EmailRules())
    assert out.to_dict() == {10: "a@gmail.com", 11: None, 12: None, 13: "a@gmail.com"}


@pytest.mark.parametrize(
    ("bio", "email"),
    [
        ("Chef. Business enquiries: William_taylor132@yahoo.com", "william_taylor132@yahoo.com"),
        ("Teacher ✨ | mohammed60@proton.me", "mohammed60@proton.me"),
        ("write to ann [at] example [dot] com.", "ann@example.com"),
        ("contact: ann.lee@example.co.uk.", "ann.lee@example.co.uk"),
        ("Runner in Nantes 🔥", None),
        ("@ann_lee on the other site", None),
        (None, None),
    ],
)
def test_extract_email_from_bio(bio: str | None, email: str | None) -> None:
    assert extract_email(bio) == email
