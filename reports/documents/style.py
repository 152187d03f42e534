"""The format rules of Nghị định 30/2020/NĐ-CP (Phụ lục I), as one profile both builders read.

Where the decree gives a range we pick one value (noted beside it); another province's records
office preferring 12/13 for the motto block changes it here, for DOCX and PDF alike.
Also the Vietnamese ways of writing dates and numbers in official documents.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

FONT = "Times New Roman"
# What the PDF asks for: Times New Roman where installed, else its metric twins (same widths).
CSS_FONT_STACK = "'Times New Roman', 'Liberation Serif', 'Tinos', serif"

NATIONAL_MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class DocumentStyle:
    # Page: A4 portrait; margins within top/bottom 20-25, left 30-35, right 15-20 mm.
    page_width_mm: float = 210
    page_height_mm: float = 297
    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    # Header block: a borderless two-column table, bodies left, motto right.
    header_left_mm: float = 64
    motto_pt: float = 13  # 12-13, capitals, bold
    slogan_pt: float = 14  # 13-14, bold, line below as long as the text
    body_name_pt: float = 13  # 12-13: parent body upright, issuing body bold
    number_pt: float = 13  # "Số:" 13, upright
    place_date_pt: float = 14  # 13-14, italic
    title_pt: float = 14  # document type, capitals, bold; subject below, bold
    body_pt: float = 14  # 13-14, justified
    first_line_indent_cm: float = 1.27  # 1 or 1.27
    paragraph_after_pt: float = 6  # at least 6
    line_spacing: float = 1.15  # single to 1.5 lines
    heading_pt: float = 14
    signer_pt: float = 14  # authority, title (capitals, bold) and name (bold)
    recipients_heading_pt: float = 12  # "Nơi nhận:" bold italic
    recipients_pt: float = 11  # the list, upright
    page_number_pt: float = 13  # centred in the top margin, not on page 1
    table_pt: float = 12  # tables inside the body (not fixed by the decree)
    issuer_line_ratio: float = 0.4  # line under the issuing body: 1/3-1/2 of its length
    subject_line_ratio: float = 0.4  # line under the subject: 1/3-1/2 of its length

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def header_right_mm(self) -> float:
        return self.text_width_mm - self.header_left_mm


ND30 = DocumentStyle()


def pad2(value: int) -> str:
    return f"{value:02d}"


def number_line(number: str, symbol: str) -> str:
    """ "Số: 05/TB-SNV": numbers below 10 padded; a blank number left for the records office."""
    number = (number or "").strip()
    if "/" in number:
        number, _, rest = number.partition("/")
        symbol = rest or symbol
    if number.isdigit():
        number = pad2(int(number))
    if not number:
        # Typed by hand once the document is registered: wide enough to write in.
        number = "\u00a0" * 6
    return f"Số: {number}/{symbol}"


def place_date_line(place: str, day: date | None, *, year: int | None = None) -> str:
    """ "Đồng Tháp, ngày 05 tháng 01 năm 2026": days below 10 and months 1-2 padded (Phụ lục I)."""
    if day is None:
        gap = "\u00a0" * 5
        text = f"ngày{gap}tháng{gap}năm {year or ''}".rstrip()
    else:
        month = pad2(day.month) if day.month < 3 else str(day.month)
        text = f"ngày {pad2(day.day)} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


def short_date(day: date | None) -> str:
    """ "13/3/2020" style used inside the text of a document ("" for none)."""
    if day is None:
        return ""
    return f"{pad2(day.day)}/{pad2(day.month)}/{day.year}"


def vn_number(value: Decimal | int | float | None, *, places: int = 0) -> str:
    """Vietnamese digits: "." between thousands, "," before decimals: 2.264 and 92,5."""
    if value is None:
        return ""
    value = Decimal(value)
    if places == 0 and value == value.to_integral_value():
        text = f"{int(value):,}"
        return text.replace(",", ".")
    # Half up, as people round (10,625 -> 10,63), not Python's half-to-even.
    value = value.quantize(Decimal(1).scaleb(-(places or 1)), rounding=ROUND_HALF_UP)
    text = f"{value:,.{places or 1}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: Decimal | int | float | None) -> str:
    """ "93,4 %" (one decimal, half up), "100 %" rather than "100,0 %"; "" for none."""
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = vn_number(value, places=0 if value == value.to_integral_value() else 1)
    return f"{text}\u00a0%"


def overdue_text(days: int) -> str:
    """ "Quá hạn 14 ngày" under a month, "Quá hạn 3 tháng" (whole months) from a month on."""
    if days < 30:
        return f"Quá hạn {days} ngày"
    return f"Quá hạn {days // 30} tháng"


def vn_score(value: Decimal | None) -> str:
    """A score with at most two decimals and no trailing zeros: 9, 7,5, 1,25."""
    if value is None:
        return "-"
    value = Decimal(value).quantize(Decimal("0.01")).normalize()
    if value == value.to_integral_value():
        return vn_number(int(value))
    return format(value, "f").replace(".", ",")


def percent(part: Decimal | int | None, whole: Decimal | int | None) -> str:
    """ "93,4%" of part in whole, or "" when whole is zero or missing."""
    if part is None or not whole:
        return ""
    return vn_percent(Decimal(part) * 100 / Decimal(whole))


def upper(text: str) -> str:
    """Vietnamese capitals ("Sở Nội vụ" -> "SỞ NỘI VỤ"); str.upper handles the tone marks."""
    return text.upper()


COMMITTEE = "ỦY BAN NHÂN DÂN"


def issuer_lines(text: str) -> str:
    """The issuing body of ô số 2 in capitals, a People's Committee on two lines as practice prints
    it ("ỦY BAN NHÂN DÂN" / "THÀNH PHỐ SA ĐÉC"), never broken inside its place name."""
    name = upper(text)
    if "\n" not in name and name.startswith(COMMITTEE + " "):
        return f"{COMMITTEE}\n{name[len(COMMITTEE) + 1 :]}"
    return name
