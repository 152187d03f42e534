"""Sample documents from the seed articles (xã Bình Tấn, Đồng Tháp, 13/3/2020).

Used by the tests and `manage.py bench_reports` to build documents without a database. The
limitations and recommendations paraphrase the news report of the visit (seed 002); the
figures are the example of domain-notes 2.4.
"""

from datetime import date, timedelta
from decimal import Decimal

from .data import (
    CommonFinding,
    ConclusionNoticeData,
    DomainColumn,
    DomainSection,
    Figure,
    FollowUpData,
    FollowUpRow,
    Letterhead,
    PlanSummaryData,
    Recommendation,
    Signer,
    StateCount,
    VisitScoreRow,
)

VISIT_DAY = date(2020, 3, 13)
NOTICE_DAY = date(2020, 3, 20)
DUE_DAY = date(2020, 4, 20)

LETTERHEAD = Letterhead(
    parent_body="UBND tỉnh Đồng Tháp",
    issuing_body="Sở Nội vụ",
    symbol="TB-SNV",
    number="12",
    place="Đồng Tháp",
    issued_on=NOTICE_DAY,
)
SIGNER = Signer(authority_line="KT. Giám đốc", title="Phó Giám đốc", name="Đỗ Thị Thanh Trang")
UNIT = "UBND xã Bình Tấn"

DOMAINS = [
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
    "Cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
    "Công tác văn thư, lưu trữ",
]

STRENGTHS = [
    "Ban hành kế hoạch cải cách hành chính, kế hoạch kiểm tra, kế hoạch đào tạo, bồi dưỡng và ứng dụng công nghệ thông tin năm 2020 kịp thời",
    "Niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa",
    "Sổ hộ tịch được ghi chép rõ ràng, nội dung đúng quy định",
    "Hồ sơ thực hiện thủ tục hành chính đầy đủ, trình tự theo đúng quy định của pháp luật",
    "Mở sổ đăng ký văn bản đi, văn bản đến; đăng ký, phát hành, chuyển giao văn bản kịp thời",
    "Ứng dụng phần mềm quản lý văn bản mới trong xử lý công việc",
]

LIMITATIONS = [
    (0, "Công tác chỉ đạo, điều hành chưa cụ thể, còn chưa chủ động"),
    (0, "Chưa ban hành kế hoạch tiếp xúc, đối thoại với Nhân dân; chưa tổ chức đối thoại"),
    (0, "Chưa thực hiện kiểm tra cải cách hành chính theo kế hoạch"),
    (2, "Chưa vận hành hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015"),
    (
        7,
        "Bố trí công chức phụ trách văn thư, lưu trữ có trình độ chuyên môn chưa phù hợp, chưa qua bồi dưỡng nghiệp vụ",
    ),
    (7, "Mở sổ quản lý văn bản chưa đúng quy định; chưa in sổ đăng ký văn bản đi, văn bản đến"),
    (7, "Ghi ký hiệu văn bản đi trên phần mềm chưa đúng quy định"),
]

RECOMMENDATIONS = [
    "Quan tâm chỉ đạo nhiều hơn nữa công tác cải cách hành chính; tham khảo các mô hình cải cách hành chính hiệu quả để vận dụng tại địa phương",
    "Tuyên truyền, phổ biến việc áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 đến tất cả cán bộ, công chức; niêm yết bản công bố và chính sách chất lượng tại cơ quan",
    "Xây dựng và cấp phát lại bộ hồ sơ của hệ thống quản lý chất lượng, đưa vào vận hành tại đơn vị",
    "Tạo điều kiện để công chức phụ trách văn thư, lưu trữ được đào tạo, bồi dưỡng nghiệp vụ",
    "Khẩn trương xử lý tài liệu tồn đọng theo Chỉ thị số 35/CT-TTg của Thủ tướng Chính phủ",
]

OPENING = [
    "Thực hiện Kế hoạch kiểm tra công tác cải cách hành chính năm 2020 ban hành kèm theo Quyết định số "
    "45/QĐ-SNV ngày 15/01/2020 của Giám đốc Sở Nội vụ, ngày 13/3/2020, Đoàn kiểm tra cải cách hành chính "
    "tỉnh đã kiểm tra việc thực hiện công tác cải cách hành chính quý I/2020 tại UBND xã Bình Tấn.",
    "Trên cơ sở báo cáo của đơn vị và kết quả kiểm tra thực tế, Sở Nội vụ thông báo kết luận kiểm tra như sau:",
]

RECIPIENTS = [
    "UBND xã Bình Tấn",
    "UBND tỉnh (để b/c)",
    "Giám đốc Sở Nội vụ (để b/c)",
    "Thành viên Đoàn kiểm tra",
    "Lưu: VT, Phòng CCHC và XDCQ",
]


def conclusion_notice(*, findings: int = 0, draft: bool = False) -> ConclusionNoticeData:
    """The Bình Tấn notice; with ``findings`` > 0, that many findings in all (for the benchmark)."""
    strengths = list(STRENGTHS)
    limitations = list(LIMITATIONS)
    recommendations = list(RECOMMENDATIONS)
    n = len(strengths) + len(limitations)
    while n < findings:
        k = n % len(DOMAINS)
        if n % 2:
            strengths.append(
                f"Thực hiện tốt nội dung kiểm tra số {n + 1} thuộc lĩnh vực {DOMAINS[k].lower()}"
            )
        else:
            limitations.append((k, f"Nội dung kiểm tra số {n + 1} chưa đạt yêu cầu, hồ sơ lưu chưa đầy đủ"))
            recommendations.append(f"Khắc phục nội dung kiểm tra số {n + 1}, bổ sung đầy đủ hồ sơ")
        n += 1
    results = []
    for k, title in enumerate(DOMAINS):
        points = [s for i, s in enumerate(strengths) if _domain_of_strength(i) == k]
        figures, facts = [], []
        if k == 2:
            facts = ["Tiếp nhận 2.264 hồ sơ, giải quyết đúng hạn 2.114 (93,4\u00a0%), trễ hạn 150."]
            figures = [
                Figure("Số hồ sơ tiếp nhận trong kỳ", 2264, "hồ sơ"),
                Figure("Số hồ sơ giải quyết đúng hạn và trước hạn", 2114, "hồ sơ"),
                Figure("Số hồ sơ trễ hạn", 150, "hồ sơ"),
                Figure("Tỷ lệ hồ sơ giải quyết đúng hạn", Decimal("93.4"), "%"),
            ]
        if points or figures:
            results.append(DomainSection(title=title, points=points, figures=figures, facts=facts))
    limitation_sections = []
    for k, title in enumerate(DOMAINS):
        points = [text for d, text in limitations if d == k]
        if points:
            limitation_sections.append(DomainSection(title=title, points=points))
    return ConclusionNoticeData(
        letterhead=LETTERHEAD if not draft else Letterhead(**{**LETTERHEAD.__dict__, "number": ""}),
        subject=f"Kết luận kiểm tra công tác cải cách hành chính năm 2020\ntại {UNIT}",
        unit_name=UNIT,
        issuer_name="Sở Nội vụ",
        opening=OPENING,
        results=results,
        limitations=limitation_sections,
        subjective_causes=[
            "Người đứng đầu chưa quan tâm đúng mức đến công tác cải cách hành chính",
            "Công chức phụ trách một số lĩnh vực còn kiêm nhiệm, chưa được bồi dưỡng nghiệp vụ",
        ],
        objective_causes=["Kinh phí bảo đảm cho việc áp dụng hệ thống quản lý chất lượng còn hạn chế"],
        recommendations=[
            Recommendation(text=text, responsible=UNIT, due_on=DUE_DAY if i % 2 == 0 else None)
            for i, text in enumerate(recommendations)
        ],
        report_back_by=DUE_DAY,
        recipients=RECIPIENTS,
        signer=SIGNER,
        is_draft=draft,
    )


def _domain_of_strength(i: int) -> int:
    return [0, 2, 2, 2, 7, 6][i] if i < 6 else i % len(DOMAINS)


STATES = [
    ("open", "Chưa thực hiện"),
    ("in_progress", "Đang thực hiện"),
    ("reported_done", "Đã báo cáo hoàn thành"),
    ("verified", "Đã xác minh hoàn thành"),
    ("reopened", "Mở lại"),
]

COMMUNES = ["UBND xã Bình Tấn", "UBND xã Tân Mỹ", "UBND xã Tràm Chim", "UBND phường Sa Đéc", "UBND xã Lấp Vò"]


def follow_up(*, rows: int = 12, as_of: date = date(2020, 5, 4)) -> FollowUpData:
    out = []
    for i in range(rows):
        state, label = STATES[i % len(STATES)]
        due = DUE_DAY + timedelta(days=(i % 4) * 7)
        overdue = state not in ("reported_done", "verified") and due < as_of
        out.append(
            FollowUpRow(
                number=i + 1,
                unit_name=COMMUNES[i % len(COMMUNES)],
                recommendation=RECOMMENDATIONS[i % len(RECOMMENDATIONS)],
                due_on=due,
                state=state,
                state_label=label,
                is_overdue=overdue,
                days_overdue=(as_of - due).days if overdue else 0,
                latest_update="Đã ban hành kế hoạch khắc phục, đang triển khai" if i % 3 else "",
                latest_update_on=due - timedelta(days=3) if i % 3 else None,
                visit_label="12/TB-SNV ngày 20/3/2020",
            )
        )
    totals = [StateCount(label, sum(1 for r in out if r.state == s), s) for s, label in STATES]
    return FollowUpData(
        letterhead=Letterhead(
            **{**LETTERHEAD.__dict__, "symbol": "BC-SNV", "number": "30", "issued_on": as_of}
        ),
        subject="Tình hình khắc phục tồn tại, hạn chế sau kiểm tra\ncông tác cải cách hành chính năm 2020",
        scope_label="Kế hoạch kiểm tra công tác cải cách hành chính năm 2020",
        as_of=as_of,
        intro=[
            "Thực hiện Kế hoạch kiểm tra công tác cải cách hành chính năm 2020, Sở Nội vụ báo cáo tình hình "
            "khắc phục tồn tại, hạn chế của các cơ quan, đơn vị sau kiểm tra tính đến ngày 04/5/2020 như sau:",
        ],
        rows=out,
        totals=totals,
        overdue_count=sum(1 for r in out if r.is_overdue),
        recipients=["UBND tỉnh (để b/c)", "Giám đốc Sở (để b/c)", "Lưu: VT, Phòng CCHC và XDCQ"],
        signer=SIGNER,
        addressee="Ủy ban nhân dân tỉnh Đồng Tháp",
    )


def plan_summary(*, visits: int = 12) -> PlanSummaryData:
    maxima = [Decimal(m) for m in (12, 8, 20, 8, 10, 8, 14, 10)]
    domains = []
    rows = []
    for i in range(visits):
        scores = [
            (m * Decimal(60 + (i * 7 + k * 11) % 40) / 100).quantize(Decimal("0.25"))
            for k, m in enumerate(maxima)
        ]
        if i % 5 == 4:
            scores[5] = None
        total = sum((s for s in scores if s is not None), Decimal(0))
        max_total = sum((m for s, m in zip(scores, maxima, strict=True) if s is not None), Decimal(0))
        rows.append(
            VisitScoreRow(
                number=i + 1,
                unit_name=f"{COMMUNES[i % len(COMMUNES)]}{'' if i < len(COMMUNES) else f' ({i + 1})'}",
                visited_on=VISIT_DAY + timedelta(days=i),
                leader=SIGNER.name,
                scores=scores,
                total=total,
                max_total=max_total,
            )
        )
    for k, (title, m) in enumerate(zip(DOMAINS, maxima, strict=True)):
        values = [r.scores[k] for r in rows if r.scores[k] is not None]
        avg = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None
        domains.append(
            DomainColumn(
                code=str(k + 1),
                title=title,
                max_score=m,
                average=avg,
                average_percent=(avg * 100 / m).quantize(Decimal("0.1")) if avg is not None else None,
            )
        )
    return PlanSummaryData(
        letterhead=Letterhead(
            **{**LETTERHEAD.__dict__, "symbol": "BC-SNV", "number": "45", "issued_on": date(2020, 12, 15)}
        ),
        subject="Kết quả kiểm tra công tác cải cách hành chính năm 2020",
        plan_title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2020",
        intro=[
            "Thực hiện Quyết định số 45/QĐ-SNV ngày 15/01/2020 của Giám đốc Sở Nội vụ phê duyệt Kế hoạch kiểm tra "
            f"công tác cải cách hành chính năm 2020, Đoàn kiểm tra đã kiểm tra {visits} cơ quan, đơn vị. "
            "Sở Nội vụ báo cáo kết quả như sau:",
        ],
        domains=domains,
        visits=rows,
        common_strengths=[CommonFinding(STRENGTHS[1], max(visits - 2, 1), COMMUNES[:3])],
        common_limitations=[
            CommonFinding(LIMITATIONS[3][1], max(visits // 2, 1), COMMUNES[:2]),
            CommonFinding(LIMITATIONS[4][1], max(visits // 3, 1), COMMUNES[1:3]),
        ],
        figures=[
            Figure("Số hồ sơ tiếp nhận trong kỳ", 2264 * visits, "hồ sơ"),
            Figure("Số hồ sơ giải quyết đúng hạn và trước hạn", 2114 * visits, "hồ sơ"),
            Figure("Số hồ sơ trễ hạn", 150 * visits, "hồ sơ"),
        ],
        remediation=[StateCount(label, 3 + i, s) for i, (s, label) in enumerate(STATES)],
        remediation_overdue=4,
        proposals=["Biểu dương các đơn vị có kết quả kiểm tra đạt từ 90% số điểm trở lên"],
        recipients=["UBND tỉnh (để b/c)", "Bộ Nội vụ (để b/c)", "Lưu: VT, Phòng CCHC và XDCQ"],
        signer=SIGNER,
        addressee="Ủy ban nhân dân tỉnh Đồng Tháp",
    )
