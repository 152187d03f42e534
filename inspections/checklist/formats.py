"""Numbers as the checklist shows them, in the active language (pure functions, no queries).

In Vietnamese: counts “2.264”, scores “1,5” and rates “93,4 %” (config/formats/vi). Used by the
template filters of templatetags/checklist_tags.py and by the rows of selectors.py, which
format each criterion's numbers once per page instead of once per use.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.translation import get_language

NBSP = "\u00a0"


def as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        return None


def format_count(value) -> str:
    """A whole number with thousands grouped: 2264 -> “2.264”."""
    number = as_decimal(value)
    return "" if number is None else number_format(int(number), force_grouping=True)


def format_score(value) -> str:
    """A score without trailing zeros: 1.50 -> “1,5”, 2.00 -> “2”."""
    number = as_decimal(value)
    return "" if number is None else _score(number, get_language())


# A checklist shows the same few scores (0, 1, 1,5, 2, 2,5...) hundreds of times per page.
@lru_cache(maxsize=512)
def _score(number: Decimal, language: str) -> str:
    number = number.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return number_format(number, force_grouping=True)


def format_percent(value) -> str:
    """A percentage with one decimal and a non-breaking space: 93.38 -> “93,4 %”."""
    number = as_decimal(value)
    if number is None:
        return ""
    return number_format(number.quantize(Decimal("0.1"), ROUND_HALF_UP), decimal_pos=1) + NBSP + "%"


def format_input(value) -> str:
    """A number for an input's value, as a person types it here: “1,5”, “2264”."""
    number = as_decimal(value)
    return "" if number is None else _input(number, get_language())


@lru_cache(maxsize=512)
def _input(number: Decimal, language: str) -> str:
    number = number.normalize()
    if number == number.to_integral():
        return str(int(number))
    return number_format(number)
