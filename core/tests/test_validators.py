"""The input rules a clerk reads: document symbol, unit code, phone number."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.validators import validate_code, validate_document_symbol, validate_phone


@pytest.mark.parametrize("symbol", ["TB-SNV", "QĐ-UBND", "KH/ĐKT", "BC-SNV-CCHC", "TB", "12"])
def test_administrative_symbols_are_accepted(symbol):
    validate_document_symbol(symbol)


@pytest.mark.parametrize("symbol", ["TB SNV", "TB--SNV", "TB_SNV", "-TB", "TB-", "TB.SNV", "Thông báo"])
def test_other_symbols_are_refused_with_a_vietnamese_example(symbol):
    with translation.override("vi"):
        with pytest.raises(ValidationError) as error:
            validate_document_symbol(symbol)
        assert "TB-SNV" in error.value.messages[0] and "chữ" in error.value.messages[0]


@pytest.mark.parametrize("phone", ["0277 3851 234", "0912.345.678", "+84 912 345 678", "(0277) 3851234"])
def test_phone_numbers_as_people_write_them_are_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "0277 3851 234 999 9", "số máy lẻ 12", "0912-345-67a"])
def test_other_phone_numbers_are_refused(phone):
    with translation.override("vi"):
        with pytest.raises(ValidationError) as error:
            validate_phone(phone)
        assert "0912 345 678" in error.value.messages[0] and "chữ số" in error.value.messages[0]


@pytest.mark.parametrize("code", ["DT-SNV", "29308", "BN_GTVT", "dt.tb.bt"])
def test_codes_are_accepted(code):
    validate_code(code)


@pytest.mark.parametrize("code", ["DT SNV", "Đ-01", "-DT", "DT/SNV"])
def test_codes_with_spaces_accents_or_slashes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_code(code)
