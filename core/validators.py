"""Input rules a clerk can read: the symbol of an administrative document, a phone number, a code.

Each rule is a validator with a message that says what is expected and gives an example; models
attach them to their fields so forms, the admin and imports all apply the same rule.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Ký hiệu of a document (Nghị định 30/2020): letters (Đ included), digits, joined by "-" or "/",
# e.g. "TB-SNV", "QĐ-UBND", "KH/ĐKT".
# (No "-" or "/" inside brackets: browsers read the pattern attribute with the "v" flag.)
SYMBOL_RE = re.compile(r"[0-9A-Za-zĐđ]+(?:(?:-|/)[0-9A-Za-zĐđ]+)*")
# A code of a national list or of our own: unaccented letters, digits and "-", "_", ".".
CODE_RE = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z._-]*[0-9A-Za-z])?")
# Separators people type inside a phone number.
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
PHONE_RE = re.compile(r"(?:\+84|0)\d{8,10}")


@deconstructible
class _Pattern:
    def __init__(self, pattern: str, message, code: str):
        self.pattern, self.message, self.code = pattern, message, code

    def clean(self, value: str) -> str:
        return value

    def __call__(self, value) -> None:
        if value and not re.fullmatch(self.pattern, self.clean(str(value))):
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other):
        return isinstance(other, type(self)) and (self.pattern, self.code) == (other.pattern, other.code)


@deconstructible
class DocumentSymbolValidator(_Pattern):
    def __init__(self):
        super().__init__(
            SYMBOL_RE.pattern,
            _("A symbol has letters (Đ included) and digits joined by “-” or “/”, e.g. TB-SNV or QĐ-UBND."),
            "document_symbol",
        )


@deconstructible
class CodeValidator(_Pattern):
    def __init__(self):
        super().__init__(
            CODE_RE.pattern,
            _(
                "A code has unaccented letters, digits and “-”, “_” or “.”, without spaces, e.g. DT-SNV or 29308."
            ),
            "code",
        )


@deconstructible
class PhoneValidator(_Pattern):
    def __init__(self):
        super().__init__(
            PHONE_RE.pattern,
            _(
                "A phone number has 9 to 11 digits and starts with 0 or +84, e.g. 0277 3851 234 or 0912 345 678."
            ),
            "phone",
        )

    def clean(self, value: str) -> str:
        return PHONE_SEPARATORS.sub("", value)


validate_document_symbol = DocumentSymbolValidator()
validate_code = CodeValidator()
validate_phone = PhoneValidator()
