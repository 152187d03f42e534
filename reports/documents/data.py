"""Everything a document shows, as plain data: the builders read only these, never the models.

The loaders (reports/documents/loaders/) fill them from the database; tests and the benchmark build
them directly. Text in these objects is the document's own Vietnamese text, ready to print.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Letterhead:
    """Ô số 2-4 of Nghị định 30/2020: issuing bodies, number and symbol, place and date."""

    parent_body: str  # "UBND TỈNH ĐỒNG THÁP" (printed in capitals, not bold)
    issuing_body: str  # "SỞ NỘI VỤ" (capitals, bold, short line below)
    symbol: str  # "TB-SNV": the part after the "/" of the number
    number: str = ""  # "12" or "12/TB-SNV"; empty while the records office has not numbered it
    place: str = ""  # "Đồng Tháp"
    issued_on: date | None = None  # None: "ngày     tháng     năm <year>" for the office to fill
    year: int | None = None  # the year printed when issued_on is None


@dataclass(frozen=True)
class Signer:
    """Ô số 7: the authority line (KT./TM./TL.), the signer's title and name."""

    authority_line: str  # "KT. GIÁM ĐỐC" (may be empty when the head signs in their own name)
    title: str  # "PHÓ GIÁM ĐỐC"
    name: str  # "Đỗ Thị Thanh Trang"


@dataclass(frozen=True)
class Figure:
    """One figure of a checklist answer, e.g. ("Số hồ sơ tiếp nhận trong kỳ", 2264)."""

    label: str
    value: Decimal | int
    unit: str = ""  # "hồ sơ", "%"; printed after the value


@dataclass(frozen=True)
class DomainSection:
    """The points of one domain (lĩnh vực): strengths in part I, limitations in part II."""

    title: str
    points: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    # The checklist's figures as sentences of fact ("Tiếp nhận 2.264 hồ sơ, giải quyết đúng hạn ...").
    facts: list[str] = field(default_factory=list)
    score: Decimal | None = None
    max_score: Decimal | None = None


@dataclass(frozen=True)
class Recommendation:
    """One numbered item of part III: what to do, who does it, by when."""

    text: str
    responsible: str = ""
    due_on: date | None = None


@dataclass(frozen=True)
class ConclusionNoticeData:
    """Thông báo kết luận kiểm tra of one visit."""

    letterhead: Letterhead
    subject: str  # "Kết luận kiểm tra công tác cải cách hành chính năm 2020 tại UBND xã Bình Tấn"
    unit_name: str  # "UBND xã Bình Tấn": the addressee, used in the closing formulas
    issuer_name: str  # "Sở Nội vụ": who reports back to whom, in the closing formulas
    opening: list[str]  # the grounds as a narrative (plan, its decision, the visit's date)
    results: list[DomainSection]
    limitations: list[DomainSection]
    subjective_causes: list[str]
    objective_causes: list[str]
    recommendations: list[Recommendation]
    report_back_by: date | None
    recipients: list[str]
    signer: Signer
    is_draft: bool = False  # printed "DỰ THẢO" while the visit is not concluded
    team_word: str = "Đoàn kiểm tra"  # or "Tổ kiểm tra", as the plan calls its teams


@dataclass(frozen=True)
class FollowUpRow:
    """One remediation action in the follow-up report."""

    number: int
    unit_name: str
    recommendation: str
    due_on: date | None
    state: str  # the RemediationAction state value ("open", "verified" ...)
    state_label: str  # in Vietnamese ("Chưa thực hiện" ...)
    is_overdue: bool
    days_overdue: int = 0
    latest_update: str = ""
    latest_update_on: date | None = None
    visit_label: str = ""  # "Kiểm tra ngày 13/03/2020" or the conclusion's number


@dataclass(frozen=True)
class StateCount:
    label: str
    count: int
    state: str = ""


@dataclass(frozen=True)
class FollowUpData:
    """Báo cáo tình hình khắc phục for a plan or a unit, as of a date."""

    letterhead: Letterhead
    subject: str
    scope_label: str  # "Kế hoạch kiểm tra công tác CCHC năm 2020" or "UBND xã Bình Tấn"
    as_of: date
    intro: list[str]
    rows: list[FollowUpRow]
    totals: list[StateCount]
    overdue_count: int
    recipients: list[str]
    signer: Signer
    addressee: str = ""  # "Kính gửi:" line, for a report to a superior

    @property
    def is_draft(self) -> bool:
        """A report without a number or a signer's name is a draft ("DỰ THẢO") until it is issued."""
        return not self.letterhead.number.strip() or not self.signer.name.strip()


@dataclass(frozen=True)
class DomainColumn:
    code: str
    title: str
    max_score: Decimal | None
    average: Decimal | None  # average score of the visits that answered it
    average_percent: Decimal | None  # the average as a percentage of max_score


@dataclass(frozen=True)
class VisitScoreRow:
    number: int
    unit_name: str
    visited_on: date | None
    leader: str
    scores: list[Decimal | None]  # one per DomainColumn, None when not applicable
    total: Decimal | None
    max_total: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        if self.total is None or not self.max_total:
            return None
        return (self.total * 100 / self.max_total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class PlanUnitRow:
    """One unit of a plan in the summary: its visit (if any), where the visit stands, its score
    once the inspection is finished and the remediation actions it still owes."""

    number: int
    unit_name: str
    visited_on: date | None
    status: str
    total: Decimal | None
    max_total: Decimal | None
    open_actions: int

    @property
    def percent(self) -> Decimal | None:
        if self.total is None or not self.max_total:
            return None
        return (self.total * 100 / self.max_total).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class CommonFinding:
    """A strength or limitation seen in several units (grouped by criterion or domain)."""

    text: str
    unit_count: int
    units: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanSummaryData:
    """Báo cáo kết quả kiểm tra of a whole plan."""

    letterhead: Letterhead
    subject: str
    plan_title: str
    intro: list[str]
    domains: list[DomainColumn]
    visits: list[VisitScoreRow]
    common_strengths: list[CommonFinding]
    common_limitations: list[CommonFinding]
    figures: list[Figure]
    remediation: list[StateCount]
    remediation_overdue: int
    proposals: list[str]
    recipients: list[str]
    signer: Signer
    addressee: str = ""
    # Every unit of the plan, visited or not (the XLSX's unit rows), from the plan's approval on.
    units: list[PlanUnitRow] = field(default_factory=list)

    @property
    def is_draft(self) -> bool:
        """A report without a number or a signer's name is a draft ("DỰ THẢO") until it is issued."""
        return not self.letterhead.number.strip() or not self.signer.name.strip()


@dataclass(frozen=True)
class CorrectionData:
    """Thông báo đính chính: a new numbered document correcting an issued one, which stays as issued."""

    letterhead: Letterhead
    subject: str  # "Đính chính Thông báo kết luận số 12/TB-SNV ngày 20/01/2027"
    corrected_reference: str  # "12/TB-SNV"
    corrected_date: date
    corrected_subject: str
    corrections: list[str]  # what is corrected, one line each ("Tại mục III.1, ... nay sửa thành ...")
    recipients: list[str]
    signer: Signer
