"""Where a leaflet's links may point: the web (https), email, phone, or a heading in it.

One rule, read by the sanitiser (which prints other links as text), the PDF writer (which
drops any other link annotation) and `check` (which warns about them at their line).
"""

from __future__ import annotations

import re

LINK_SCHEMES = ("https", "mailto", "tel")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def scheme_of(address: str) -> str | None:
    """The lower-case scheme of an address ('https'), or None for a relative one."""
    match = _SCHEME.match(address.strip())
    return match[1].lower() if match else None


def allowed_link(address: str) -> bool:
    """Whether a patient's copy may keep this link: https:, mailto:, tel: or #a-heading."""
    address = address.strip()
    return address.startswith("#") or scheme_of(address) in LINK_SCHEMES
