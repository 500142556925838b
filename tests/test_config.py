"""The brand file: validated, every bad key reported by name and line, exit 2."""

from __future__ import annotations

import pytest

from leafpress.model.brand import load_brand
from leafpress.errors import ConfigError


def edit_brand(project, old: str, new: str):
    path = project / "styles" / "brand.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


def test_shipped_brand_is_fictional_and_complete(brand):
    assert brand.name == "Riverside Spinal Clinic"
    assert brand.contact.phone.startswith("020 7946 0")  # Ofcom's drama range
    assert brand.contact.email.endswith("@example.org")
    assert brand.primary == "#00677f"
    assert brand.logo.is_file()
    assert brand.formats == ("a4",)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('primary = "#00677f"', 'primary = "teal"', ":17: error: colour 'primary' must be written as \"#rrggbb\""),
    ('name = "Riverside Spinal Clinic"', 'nmae = "Riverside Spinal Clinic"',
     ":5: error: unknown brand key 'nmae' (did you mean 'name'?)"),
    ('logo = "logo.svg"', 'logo = "missing.svg"', ":6: error: logo not found: missing.svg"),
    ("review_interval_months = 24", 'review_interval_months = "two years"',
     ":8: error: 'review_interval_months' must be a whole number"),
    ("[contact]", "[contacts]", ":20: error: unknown brand key 'contacts' (did you mean 'contact'?)"),
    ('lang = "en-GB"', 'lang = "en-GB', ":7: error: invalid TOML:"),
])
def test_bad_brand_is_one_line_naming_key_and_line(project, old, new, message):
    path = edit_brand(project, old, new)
    with pytest.raises(ConfigError) as caught:
        load_brand(path)
    assert caught.value.exit_code == 2
    assert message in str(caught.value.diagnostic)
    assert str(caught.value.diagnostic).startswith(str(path))
