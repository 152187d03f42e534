"""Words follow the date of what a document speaks of.

The checklist's titles are written for every period, but some words only exist since the 2025
reform of local government (from 01/07/2025 the district level is gone, communes were merged, the
"đặc khu" and the commune's "Trung tâm Phục vụ hành chính công" appeared) and some only name the
time before it ("cấp huyện (trước 01/07/2025)"). A report on 2018 inspections prints the words of
2018; a notice of 2026 the words of 2026. Only text the software supplies (titles of the checklist,
its own labels) is adapted: what a person wrote in a finding is printed as written.
"""

import re
from datetime import date

from units.models import DISTRICT_DISSOLVED_ON

# (words of the reform, the same thing before it); matched as written, case-insensitively.
BEFORE_REFORM = [
    ("xã, phường, đặc khu", "xã, phường, thị trấn"),
    ("xã/phường/đặc khu", "xã/phường/thị trấn"),
    ("Trung tâm Phục vụ hành chính công cấp xã", "Bộ phận Một cửa cấp xã"),
    (", Trung tâm Phục vụ hành chính công", ""),
    ("Trung tâm Phục vụ hành chính công", "Bộ phận Một cửa"),
    ("xã/phường sau sắp xếp", "xã/phường"),
    ("UBND cấp huyện (trước 01/07/2025)", "UBND cấp huyện"),
    ("cấp huyện (trước đây)", "cấp huyện"),
    ("cấp huyện cũ", "cấp huyện"),
]
SINCE_REFORM = [
    ("xã, phường, thị trấn", "xã, phường, đặc khu"),
]


def _replace(text: str, pairs) -> str:
    for old, new in pairs:
        text = re.sub(re.escape(old), new, text, flags=re.IGNORECASE)
    return text


def as_of(text: str, day: date | None) -> str:
    """``text`` in the words of ``day`` (before or since the 2025 reform); unchanged without a day."""
    if not text or day is None:
        return text
    return _replace(text, BEFORE_REFORM if day < DISTRICT_DISSOLVED_ON else SINCE_REFORM)
