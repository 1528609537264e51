import pandas as pd
import pytest

from identity.standardise.name import canonical_first_name, fold, parse_name, standardise_names


@pytest.mark.parametrize(
    ("first", "last", "full", "expected"),
    [
        ("John", "Smith", None, ("John", "Smith")),
        (None, None, "SMITH, John", ("John", "Smith")),
        (None, None, "Smith, John A.", ("John", "Smith")),
        (None, None, "Dr. John A. Smith Jr.", ("John", "Smith")),
        (None, None, "Mrs Jane Smith-Jones", ("Jane", "Smith-Jones")),
        (None, None, "John Smith, PhD", ("John", "Smith")),
        (None, None, "Ana de la Cruz", ("Ana", "de la Cruz")),
        (None, None, "Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        (None, None, "🚴 Alex Hoffmann", ("Alex", "Hoffmann")),
        (None, None, "Linda B.", ("Linda", "B.")),
        (None, None, "Eilidh", ("Eilidh", None)),
        ("JOHN SMITH", None, None, ("John", "Smith")),
        (None, "SMITH, JOHN", None, ("John", "Smith")),
        ("  Mr John ", " Smith ", None, ("John", "Smith")),
        ("Kate", None, "Katie Müller", ("Kate", "Müller")),
        ("McDonald", "McDonald", None, ("McDonald", "McDonald")),
        (None, None, "Mr", (None, None)),
        (None, None, None, (None, None)),
    ],
)
def test_parse_name(first, last, full, expected) -> None:
    assert tuple(parse_name(first, last, full)) == expected


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Zoë", "zoe"),
        ("NÚÑEZ", "nunez"),
        ("Günter", "gunter"),
        ("O'Brien", "obrien"),
        ("Smith-Jones", "smith jones"),
        ("Søren Łukasz", "soren lukasz"),
        ("Straße", "strasse"),
        ("  ", None),
        ("🚀", None),
    ],
)
def test_fold(raw: str, folded: str | None) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Bob", "robert"), ("Rob", "robert"), ("Bobby", "robert"), ("Robert", "robert"),
        ("Bill", "william"), ("Will", "william"), ("Liz", "elizabeth"), ("Beth", "elizabeth"),
        ("Kate", "katherine"), ("Katie", "katherine"), ("Catherine", "katherine"),
        ("Peggy", "margaret"), ("Ted", "edward"), ("Hannes", "johannes"),
        ("Zoë", "zoe"), ("Mary Ann", "mary"), (None, None),
    ],
)
def test_canonical_first_name(name: str | None, canonical: str | None) -> None:
    assert canonical_first_name(name) == canonical


def test_standardise_names_frame() -> None:
    frame = pd.DataFrame(
        {
            "first_name": ["Bob", None, None],
            "last_name": ["Lee", None, None],
            "full_name": [None, "LEE, Robert", None],
        },
        index=[5, 6, 7],
    )
    out = standardise_names(frame)
    assert out.loc[5, ["first_key", "last_key", "first_canonical"]].tolist() == [
        "bob", "lee", "robert",
    ]
    assert out.loc[6, ["first_name", "last_name", "first_canonical"]].tolist() == [
        "Robert", "Lee", "robert",
    ]
    assert out.loc[7].isna().all()
