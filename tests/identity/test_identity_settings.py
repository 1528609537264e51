import pytest

from identity.settings import IdentitySettings


def test_defaults_enable_every_rule_with_guard() -> None:
    s = IdentitySettings()
    assert s.rules == ("email", "phone", "cross_ref")
    assert s.guard.enabled and s.email.strip_plus_tags
    assert s.source_priority[0] == "erp"


def test_from_yaml(tmp_path) -> None:
    path = tmp_path / "identity.yml"
    path.write_text(
        "rules: [email, cross_ref]\n"
        "default_phone_region: GB\n"
        "email: {strip_plus_tags: false, dot_insensitive_domains: [gmail.com, example.com]}\n"
        "guard: {max_group_size: 5, first_name_jw: 0.95}\n"
        "source_priority: [shop, erp]\n"
    )
    s = IdentitySettings.from_yaml(path)
    assert s.rules == ("email", "cross_ref") and not s.rule_enabled("phone")
    assert s.default_phone_region == "GB"
    assert s.email.dot_insensitive_domains == ("gmail.com", "example.com")
    assert not s.email.strip_plus_tags
    assert s.guard.max_group_size == 5 and s.guard.first_name_jw == 0.95
    assert s.guard.last_name_jw == IdentitySettings().guard.last_name_jw
    assert s.source_priority == ("shop", "erp")


@pytest.mark.parametrize(
    "data", [{"rules": ["email", "address"]}, {"colour": "blue"}, {"guard": {"size": 3}}]
)
def test_unknown_settings_are_rejected(data: dict) -> None:
    with pytest.raises(ValueError):
        IdentitySettings.from_dict(data)
