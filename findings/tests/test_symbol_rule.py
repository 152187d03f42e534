"""The symbol of a conclusion notice follows the administrative pattern (letters incl. Đ, digits, "-", "/")."""

from findings.forms import ConcludeForm


def _data(symbol):
    return {
        "version": 1,
        "date": "02/03/2027",
        "symbol": symbol,
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer_name": "Nguyễn Văn A",
        "due_date": "30/06/2027",
    }


def test_an_administrative_symbol_is_accepted():
    assert ConcludeForm(_data("TB-SNV")).is_valid()
    assert ConcludeForm(_data("TB/ĐKT")).is_valid()


def test_a_symbol_with_spaces_is_refused_with_a_message_and_the_field_carries_the_pattern(settings):
    form = ConcludeForm(_data("TB SNV"))

    assert not form.is_valid()
    assert "TB-SNV" in form.errors["symbol"][0] and "Ký hiệu" in form.errors["symbol"][0]
    assert 'pattern="' in str(form["symbol"])
