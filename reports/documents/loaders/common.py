"""What every document prints the same way: the issuer's names, place, symbol, signer,
archive line and the figures of an answer."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from findings.models import (
    ActionState,
    Conclusion,
)
from findings.selectors import default_symbol, issuing_body_of
from inspections.models import (
    Criterion,
    InspectionPlan,
)
from inspections.models.answers import Answer
from units.models import Unit, UnitKind

from ..data import (
    Figure,
    Signer,
)
from ..style import percent, short_date, vn_number

# The remediation states as the documents print them (the documents are Vietnamese by nature).
ACTION_STATE_TEXT = {
    ActionState.OPEN: "Chưa thực hiện",
    ActionState.IN_PROGRESS: "Đang thực hiện",
    ActionState.REPORTED_DONE: "Đã báo cáo hoàn thành",
    ActionState.VERIFIED: "Đã hoàn thành",
    ActionState.REOPENED: "Phải khắc phục lại",
}
# The usual closing recipient: the records office (VT) and the drafting office.
DRAFTING_OFFICE_HINT = "cải cách hành chính"


UNIT_PREFIXES = (
    "ủy ban nhân dân tỉnh ",
    "ủy ban nhân dân thành phố ",
    "ubnd tỉnh ",
    "ubnd thành phố ",
    "ubnd tp. ",
    "ubnd tp ",
    "tỉnh ",
    "thành phố ",
)


def province_of(unit: Unit) -> Unit:
    ids = unit.ancestor_ids
    if not ids:
        return unit
    return Unit.objects.filter(pk=ids[0]).first() or unit


def place_name(province: Unit) -> str:
    """ "Đồng Tháp" from "UBND tỉnh Đồng Tháp": the place printed before the date (Phụ lục I)."""
    name = province.name.strip()
    lowered = name.lower()
    for prefix in UNIT_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def expand(name: str) -> str:
    """ "UBND xã Bình Tấn" -> "Ủy ban nhân dân xã Bình Tấn" (the long form, for addressees)."""
    return "Ủy ban nhân dân " + name[5:] if name.startswith("UBND ") else name


def body_names(issuing_unit: Unit) -> tuple[str, str]:
    """(parent body, issuing body) of ô số 2: "UBND tỉnh Đồng Tháp", "Sở Nội vụ".

    The issuing body drops the province's name its parent line already carries ("Sở Nội vụ
    tỉnh Đồng Tháp" prints as "SỞ NỘI VỤ" under "UBND TỈNH ĐỒNG THÁP"). A provincial People's
    Committee issuing in its own name has no parent line.
    """
    body = issuing_body_of(issuing_unit)
    if body is not None:
        return body.parent_name, body.name
    if issuing_unit.kind == UnitKind.PROVINCE or issuing_unit.parent_id is None:
        return "", expand(issuing_unit.name)
    parent = issuing_unit.parent
    name = issuing_unit.name.strip()
    place = place_name(province_of(issuing_unit))
    for suffix in (f" tỉnh {place}", f" thành phố {place}", f" {place}"):
        if place and name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)].strip()
            break
    return parent.name.strip(), name


def place_of(issuing_unit: Unit) -> str:
    """The place printed before the date: the issuing body's, else the province's name."""
    body = issuing_body_of(issuing_unit)
    if body is not None and body.place:
        return body.place
    return place_name(province_of(issuing_unit))


def plan_label(plan: InspectionPlan) -> str:
    """The plan as a sentence names it: "Kế hoạch kiểm tra công tác ... năm 2020"."""
    title = plan.title.strip()
    if title.lower().startswith("kế hoạch"):
        return title
    return f"Kế hoạch {title[:1].lower()}{title[1:]}"


def plan_grounds(plan: InspectionPlan) -> str:
    """ "Kế hoạch ... ban hành kèm theo Quyết định số 563/QĐ-SNV ngày 13/12/2017" (or just the plan)."""
    text = plan_label(plan)
    if plan.decision_number:
        text += f" ban hành kèm theo Quyết định số {plan.decision_number}"
        if plan.decision_date:
            text += f" ngày {short_date(plan.decision_date)}"
    return text


def drafting_office(issuing_unit: Unit) -> str:
    """The short name of the issuer's administrative-reform office, for "Lưu: VT, ...", or ""."""
    for office in Unit.objects.filter(parent=issuing_unit).only("name", "short_name", "search_text"):
        if DRAFTING_OFFICE_HINT in office.name.lower():
            return office.short_name or office.name
    return ""


def archive_line(issuing_unit: Unit) -> str:
    office = drafting_office(issuing_unit)
    return f"Lưu: VT, {office}" if office else "Lưu: VT"


def default_signer(issuing_unit: Unit, plan: InspectionPlan | None = None) -> Signer:
    """Who signs a report: the issuing body's signer (so that letterhead and signer agree), else
    the signer of the plan's latest conclusion, else the issuer's head, else a deputy's authority
    line with the name left to fill in (the document then stays a draft)."""
    body = issuing_body_of(issuing_unit)
    if body is not None:
        return Signer(body.authority_line, body.signer_title, body.signer_name)
    if plan is not None:
        latest = Conclusion.objects.filter(visit__plan=plan).order_by("-date", "-number").first()
        if latest is not None:
            return Signer(latest.authority_line, latest.signer_title, latest.signer_name)
    if issuing_unit.head_name:
        return Signer("", issuing_unit.head_title or "Giám đốc", issuing_unit.head_name)
    return Signer("KT. Giám đốc", "Phó Giám đốc", "")


def report_recipients(issuing_unit: Unit, addressee_body: str) -> list[str]:
    """ "Nơi nhận" of a report: "Như trên" first when it has a "Kính gửi" (the addressee is not
    named twice), the issuing body's usual recipients, then the archive line."""
    lines = ["Như trên"] if addressee_body else []
    body = issuing_body_of(issuing_unit)
    if body is not None:
        lines += [r for r in body.recipient_lines if not r.startswith(addressee_body or "\x00")]
    return [*lines, archive_line(issuing_unit)]


def report_symbol(issuing_unit: Unit, prefix: str) -> str:
    """ "BC-SNV" for a report: the conclusion's symbol rule with another document type."""
    symbol = default_symbol(issuing_unit)
    _, _, issuer = symbol.partition("-")
    return f"{prefix}-{issuer}" if issuer else prefix


def decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def answer_figures(answer: Answer, criterion: Criterion) -> list[Figure]:
    """The figures of a "figures" answer with their labels, plus the on-time rate when it applies."""
    values = answer.figures or {}
    out = []
    numbers = {}
    for spec in criterion.figures or []:
        key = spec.get("key")
        number = decimal(values.get(key)) if key in values else None
        if number is None:
            continue
        numbers[key] = number
        out.append(
            Figure(spec.get("label") or key, number, "hồ sơ" if "hồ sơ" in (spec.get("label") or "") else "")
        )
    if numbers.get("received") and "on_time" in numbers:
        rate = (numbers["on_time"] * 100 / numbers["received"]).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        out.append(Figure("Tỷ lệ hồ sơ giải quyết đúng hạn và trước hạn", rate, "%"))
    return out


# How the usual figures read in a sentence of fact: (phrase, the key its rate is of, or None).
FACT_PHRASES = {
    "received": ("tiếp nhận {n} hồ sơ", None),
    "online": ("tiếp nhận trực tuyến {n} hồ sơ", "received"),
    "on_time": ("giải quyết đúng hạn {n}", "received"),
    "late": ("trễ hạn {n}", None),
}


def figures_fact(answer: Answer, criterion: Criterion, *, stated: set | None = None) -> str:
    """The figures of a "figures" answer as one sentence of fact: "Tiếp nhận 2.264 hồ sơ, giải
    quyết đúng hạn 2.114 (93,4 %), trễ hạn 150." Known keys read as phrases (with their rate of
    the dossiers received, when the online submissions or the on-time count are entered); other
    figures as "label: value". "" when nothing was entered.

    ``stated``: the counts of dossiers received that the document already wrote; one of them is
    not written again (it still gives the rate: "Tiếp nhận trực tuyến 1.512 hồ sơ (66,8 %)."),
    and the count written here is added to it."""
    values = answer.figures or {}
    numbers = {}
    for spec in criterion.figures or []:
        key = spec.get("key")
        number = decimal(values.get(key)) if key in values else None
        if number is not None:
            numbers[key] = (spec.get("label") or key, number)
    parts = []
    for key, (label, number) in numbers.items():
        phrase, of = FACT_PHRASES.get(key, (None, None))
        if stated is not None and key == "received" and len(numbers) > 1:
            if number in stated:
                continue
            stated.add(number)
        if phrase is None:
            parts.append(f"{label[:1].lower()}{label[1:]}: {vn_number(number)}")
            continue
        text = phrase.format(n=vn_number(number))
        if of and of in numbers and numbers[of][1]:
            text += f" ({percent(number, numbers[of][1])})"
        parts.append(text)
    if not parts:
        return ""
    sentence = ", ".join(parts)
    return f"{sentence[:1].upper()}{sentence[1:]}."
