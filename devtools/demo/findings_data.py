"""The demo's findings and remediation stories: their shapes and the Đồng Tháp stories (Thái Nguyên
and Bắc Ninh are in findings_data_north.py; see devtools.demo.findings)."""

from dataclasses import dataclass, field
from datetime import date

from findings.models import FindingCause, FindingKind, Severity
from units.roles import Role

S, L = FindingKind.STRENGTH, FindingKind.LIMITATION
SUBJ, OBJ = FindingCause.SUBJECTIVE, FindingCause.OBJECTIVE


@dataclass
class Step:
    """One remediation event, ``days`` after the notice: (kind, days, actor key, text, extra)."""

    kind: str
    days: int
    actor: str
    text: str = ""
    attachment: str = ""
    new_due: date | None = None


@dataclass
class Seed:
    kind: str
    code: str
    text: str
    cause: str = ""
    severity: str = ""
    recommendation: str = ""
    due: date | None = None
    steps: list[Step] = field(default_factory=list)
    edited_from: str = ""


@dataclass
class VisitSeed:
    unit_code: str
    day: date
    symbol: str
    notice_day: date
    due: date
    leader: str
    head: str
    liaison: str
    verifier: str
    findings: list[Seed]


BINH_TAN_2020 = VisitSeed(
    unit_code="DT-TB-BT",
    day=date(2020, 3, 13),
    symbol="TB-SNV",
    notice_day=date(2020, 3, 20),
    due=date(2020, 4, 30),
    leader="truongdoan",
    head="lanhdao",
    liaison="binhtan",
    verifier="kiemtra",
    findings=[
        Seed(
            S,
            "1.1",
            "Ban hành đầy đủ các kế hoạch CCHC, kiểm tra CCHC, đào tạo bồi dưỡng và ứng dụng công nghệ thông tin năm 2020.",
        ),
        Seed(S, "3.1", "Thực hiện niêm yết thủ tục hành chính đầy đủ tại Bộ phận Một cửa."),
        Seed(
            S,
            "3.9",
            "Sổ hộ tịch được ghi chép rõ ràng, nội dung thể hiện đúng quy định; hồ sơ thực hiện thủ tục đầy đủ, trình tự theo đúng quy định của pháp luật.",
        ),
        Seed(
            S,
            "8.3",
            "Có mở sổ đăng ký văn bản đi, văn bản đến; đăng ký, phát hành, chuyển giao văn bản kịp thời; có ứng dụng phần mềm quản lý văn bản mới.",
        ),
        Seed(
            L,
            "1.2",
            "Công tác chỉ đạo điều hành chưa cụ thể, còn chưa chủ động.",
            SUBJ,
            Severity.MEDIUM,
            "UBND xã quan tâm, chỉ đạo nhiều hơn nữa về công tác thực hiện CCHC; tham khảo các mô hình CCHC để vận dụng tại địa phương.",
            steps=[
                Step(
                    "done",
                    35,
                    "liaison",
                    "UBND xã ban hành Kế hoạch số 21/KH-UBND về tăng cường chỉ đạo, điều hành công tác CCHC; giao chỉ tiêu cụ thể cho từng công chức.",
                    "ke-hoach-21-KH-UBND.pdf",
                ),
                Step("verify", 40, "verifier", "Kế hoạch phân công cụ thể, có tiến độ; chấp nhận."),
            ],
        ),
        Seed(
            L,
            "9.2",
            "Chưa ban hành kế hoạch tiếp xúc, đối thoại; chưa tổ chức đối thoại với Nhân dân.",
            SUBJ,
            Severity.MEDIUM,
            "Ban hành kế hoạch tiếp xúc, đối thoại và tổ chức đối thoại với Nhân dân theo quy định.",
            steps=[
                Step(
                    "progress",
                    20,
                    "liaison",
                    "Đã ban hành kế hoạch tiếp xúc, đối thoại năm 2020; dự kiến tổ chức đối thoại trong tháng 5.",
                ),
                Step(
                    "done",
                    60,
                    "liaison",
                    "Đã tổ chức hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân ngày 15/5/2020; gửi kèm biên bản.",
                    "bien-ban-doi-thoai.pdf",
                ),
            ],
        ),
        Seed(
            L,
            "1.4",
            "Chưa thực hiện kiểm tra CCHC theo kế hoạch.",
            SUBJ,
            Severity.MEDIUM,
            "Thực hiện kiểm tra CCHC theo kế hoạch đã ban hành và báo cáo kết quả về Sở Nội vụ.",
        ),
        Seed(
            L,
            "7.7",
            "Chưa vận hành hệ thống quản lý chất lượng theo tiêu chuẩn Việt Nam ISO 9001 vào hoạt động của cơ quan.",
            SUBJ,
            Severity.HIGH,
            "Tuyên truyền, phổ biến việc áp dụng HTQLCL theo TCVN ISO 9001 đến tất cả CBCC; niêm yết bản công bố HTQLCL và chính sách chất lượng tại cơ quan; xây dựng và cấp phát lại bộ hồ sơ HTQLCL theo TCVN ISO 9001 và đưa vào vận hành tại đơn vị.",
            due=date(2020, 6, 30),
            steps=[
                Step(
                    "progress",
                    14,
                    "liaison",
                    "Đã tổ chức phổ biến TCVN ISO 9001:2015 cho toàn thể cán bộ, công chức xã ngày 02/4/2020.",
                    "danh-sach-tham-du-pho-bien-iso.pdf",
                ),
                Step(
                    "extension",
                    80,
                    "liaison",
                    "Cần thuê đơn vị tư vấn xây dựng lại bộ hồ sơ HTQLCL; kinh phí được bố trí từ tháng 7/2020.",
                    new_due=date(2020, 8, 31),
                ),
                Step("grant", 82, "head", "Đồng ý gia hạn đến 31/8/2020."),
                Step(
                    "done",
                    150,
                    "liaison",
                    "Đã ban hành Quyết định công bố HTQLCL phù hợp TCVN ISO 9001:2015, niêm yết chính sách chất lượng tại trụ sở và đưa hệ thống vào vận hành.",
                    "quyet-dinh-cong-bo-htqlcl.pdf",
                ),
                Step("verify", 158, "verifier", "Đã kiểm tra bộ hồ sơ và niêm yết tại trụ sở; chấp nhận."),
            ],
        ),
        Seed(
            L,
            "5.3",
            "Bố trí cán bộ phụ trách công tác văn thư, lưu trữ trình độ chuyên môn chưa phù hợp, chưa qua bồi dưỡng nghiệp vụ.",
            OBJ,
            Severity.MEDIUM,
            "Tạo điều kiện để cán bộ phụ trách công tác văn thư, lưu trữ được đào tạo, bồi dưỡng nghiệp vụ.",
            due=date(2020, 6, 30),
            steps=[
                Step(
                    "progress",
                    30,
                    "liaison",
                    "Đã đăng ký cho công chức văn thư tham gia lớp bồi dưỡng nghiệp vụ văn thư, lưu trữ của tỉnh.",
                ),
                Step(
                    "extension",
                    95,
                    "liaison",
                    "Lớp bồi dưỡng của tỉnh lùi sang quý IV/2020 do dịch bệnh.",
                    new_due=date(2020, 12, 31),
                ),
                Step(
                    "refuse",
                    97,
                    "head",
                    "Đề nghị đăng ký lớp bồi dưỡng trực tuyến của Cục Văn thư và Lưu trữ nhà nước trong quý III.",
                ),
            ],
        ),
        Seed(
            L,
            "8.3",
            "Mở sổ quản lý văn bản chưa đúng quy định; chưa in sổ đăng ký văn bản đi, đến; ghi ký hiệu văn bản đi trên phần mềm chưa đúng.",
            SUBJ,
            Severity.LOW,
            "Mở, in và quản lý sổ đăng ký văn bản đi, văn bản đến đúng quy định; ghi đúng ký hiệu văn bản đi trên phần mềm quản lý văn bản.",
            edited_from="Sổ văn bản chưa đúng; ký hiệu văn bản sai.",
            steps=[
                Step(
                    "done",
                    25,
                    "liaison",
                    "Đã in sổ đăng ký văn bản đi quý I/2020 và sửa ký hiệu văn bản đi trên phần mềm.",
                    "so-dang-ky-van-ban-di.pdf",
                ),
                Step(
                    "reopen",
                    30,
                    "verifier",
                    "Sổ đăng ký văn bản đến chưa được in; đề nghị in và đóng sổ theo quy định.",
                ),
            ],
        ),
        Seed(
            L,
            "8.6",
            "Còn tài liệu tồn đọng, tích đống chưa được chỉnh lý.",
            OBJ,
            Severity.MEDIUM,
            "Khẩn trương xử lý tài liệu tồn đọng theo tinh thần Chỉ thị số 35/CT-TTg của Thủ tướng Chính phủ.",
        ),
    ],
)


# This year's visit of xã Bình Tấn, in progress: what the team has drafted so far.
CURRENT_DRAFTS = [
    Seed(S, "1.1", "Kế hoạch CCHC năm ban hành ngày 05/01, phân công rõ đơn vị chủ trì và thời hạn."),
    Seed(
        L,
        "1.5",
        "Chuyên mục CCHC trên trang thông tin điện tử của xã cập nhật thưa; tin bài gần nhất cách 4 tháng.",
        SUBJ,
        Severity.LOW,
        "Cập nhật chuyên mục CCHC thường xuyên, ít nhất mỗi tháng một tin bài.",
    ),
    Seed(
        L,
        "3.3",
        "Bộ phận Một cửa chưa bố trí máy tính và người hướng dẫn nộp hồ sơ trực tuyến; khu vực chờ thiếu ghế ngồi.",
        OBJ,
        Severity.LOW,
        "Bố trí máy tính, công chức hướng dẫn người dân nộp hồ sơ trực tuyến và đủ ghế chờ tại Bộ phận Một cửa.",
    ),
    Seed(
        L,
        "3.5",
        "Bộ phận Một cửa: chỉ 41/150 hồ sơ trễ hạn có phiếu xin lỗi và hẹn lại.",
        SUBJ,
        Severity.MEDIUM,
        "Thực hiện văn bản xin lỗi và hẹn lại đối với 100% hồ sơ trễ hạn theo quy định.",
    ),
    Seed(
        L,
        "1.8",
        "Chưa hoàn thành khắc phục kiến nghị về sổ đăng ký văn bản đi, đến và tài liệu tồn đọng theo Thông báo kết luận kiểm tra năm 2020.",
        SUBJ,
        Severity.HIGH,
        "Hoàn thành dứt điểm các kiến nghị còn tồn của kỳ kiểm tra năm 2020 và báo cáo kết quả về Sở Nội vụ.",
    ),
]

# Demo accounts this module adds: (username, role, unit code, last name, first name, position).
ACCOUNTS = [
    ("tn.lanhdao", Role.HEAD, "TN-SNV", "Đinh", "Quang Tuyên", "Giám đốc Sở Nội vụ tỉnh Thái Nguyên"),
    ("ttdu", Role.LIAISON, "TN-PL-DU", "Ma", "Thị Hương", "Công chức Văn phòng - Thống kê thị trấn Đu"),
    ("votranh", Role.LIAISON, "TN-PL-VT", "Hoàng", "Văn Bình", "Công chức Văn phòng - Thống kê xã Vô Tranh"),
    ("bn.lanhdao", Role.HEAD, "BN-SNV", "Nguyễn", "Đình Tuấn", "Giám đốc Sở Nội vụ tỉnh Bắc Ninh"),
    ("bn.gtvt", Role.LIAISON, "BN-GTVT", "Phạm", "Thu Trang", "Chuyên viên Văn phòng Sở Giao thông vận tải"),
    (
        "bn.vuninh",
        Role.LIAISON,
        "BN-TPBN-VN",
        "Trần",
        "Thị Mai",
        "Công chức Văn phòng - Thống kê phường Vũ Ninh",
    ),
    (
        "bn.phuonglieu",
        Role.LIAISON,
        "BN-QV-PL",
        "Vũ",
        "Văn Long",
        "Công chức Văn phòng - Thống kê xã Phương Liễu",
    ),
]
