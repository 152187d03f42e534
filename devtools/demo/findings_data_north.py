"""The demo's findings stories of Thái Nguyên 2020 (seed 004) and Bắc Ninh 2018 (seed 001); the
shapes and the Đồng Tháp stories are in findings_data.py (see devtools.demo.findings)."""

from datetime import date

from findings.models import Severity

from .findings_data import OBJ, SUBJ, L, S, Seed, Step, VisitSeed

THI_TRAN_DU_2020 = VisitSeed(
    unit_code="TN-PL-DU",
    day=date(2020, 8, 12),
    symbol="TB-ĐKT",
    notice_day=date(2020, 8, 19),
    due=date(2020, 9, 30),
    leader="tn.truongdoan",
    head="tn.lanhdao",
    liaison="ttdu",
    verifier="tn.kiemtra",
    findings=[
        Seed(
            S,
            "3.3",
            "Bộ phận một cửa, một cửa liên thông được bố trí trang thiết bị đầy đủ; quy trình tiếp nhận và trả kết quả, công tác tổng hợp, báo cáo kết quả giải quyết TTHC thực hiện đúng quy định.",
        ),
        Seed(
            L,
            "1.1",
            "Việc lập kế hoạch triển khai cải cách hành chính chưa sát với thực tế của địa phương.",
            SUBJ,
            Severity.MEDIUM,
            "Rà soát, điều chỉnh kế hoạch CCHC năm bám sát thực tế và nhiệm vụ của địa phương.",
            steps=[
                Step(
                    "done",
                    20,
                    "liaison",
                    "Đã ban hành kế hoạch CCHC điều chỉnh.",
                    "ke-hoach-cchc-dieu-chinh.pdf",
                ),
                Step("verify", 26, "verifier", "Chấp nhận."),
            ],
        ),
        Seed(
            L,
            "1.4",
            "Công tác tự kiểm tra, giám sát còn hạn chế.",
            SUBJ,
            Severity.MEDIUM,
            "Xây dựng và thực hiện kế hoạch tự kiểm tra CCHC; giám sát việc giải quyết TTHC tại Bộ phận Một cửa.",
            steps=[
                Step(
                    "done",
                    40,
                    "liaison",
                    "Đã ban hành kế hoạch tự kiểm tra và kiểm tra 02 bộ phận chuyên môn.",
                    "bao-cao-tu-kiem-tra.pdf",
                )
            ],
        ),
        Seed(
            L,
            "1.5",
            "Việc ứng dụng công nghệ thông tin và hoạt động tuyên truyền cải cách hành chính chưa hiệu quả.",
            OBJ,
            Severity.LOW,
            "Đẩy mạnh tuyên truyền CCHC và ứng dụng công nghệ thông tin; tập trung đẩy nhanh quá trình giải quyết TTHC cho tổ chức và công dân.",
            steps=[
                Step(
                    "progress",
                    30,
                    "liaison",
                    "Đã mở chuyên mục CCHC trên trang thông tin điện tử của thị trấn.",
                )
            ],
        ),
    ],
)

VO_TRANH_2020 = VisitSeed(
    unit_code="TN-PL-VT",
    day=date(2020, 8, 12),
    symbol="TB-ĐKT",
    notice_day=date(2020, 8, 19),
    due=date(2020, 9, 30),
    leader="tn.truongdoan",
    head="tn.lanhdao",
    liaison="votranh",
    verifier="tn.kiemtra",
    findings=[
        Seed(
            S,
            "1.1",
            "Đảng ủy, UBND xã đã ban hành các văn bản chỉ đạo thực hiện nhiệm vụ CCHC, tăng cường công tác tuyên truyền CCHC.",
        ),
        Seed(
            S, "3.1", "Các TTHC được niêm yết công khai, minh bạch và giải quyết đúng trình tự theo quy định."
        ),
        Seed(
            L,
            "3.3",
            "Việc bố trí không gian tại Bộ phận Một cửa chưa khoa học.",
            OBJ,
            Severity.LOW,
            "Sắp xếp lại không gian tại Bộ phận Một cửa khoa học, thuận tiện cho tổ chức, công dân.",
            steps=[
                Step(
                    "done",
                    15,
                    "liaison",
                    "Đã bố trí lại quầy tiếp nhận, khu vực chờ và bảng niêm yết.",
                    "anh-bo-phan-mot-cua.pdf",
                ),
                Step("verify", 21, "verifier", "Đã kiểm tra thực tế; chấp nhận."),
            ],
        ),
        Seed(
            L,
            "3.4",
            "Còn hạn chế trong giải quyết hồ sơ thuộc lĩnh vực Tài nguyên và môi trường.",
            SUBJ,
            Severity.MEDIUM,
            "Khắc phục hạn chế trong giải quyết hồ sơ lĩnh vực Tài nguyên và môi trường, bảo đảm giải quyết đúng hạn.",
        ),
    ],
)


def _bac_ninh(unit_code: str, day: date, liaison: str, findings: list[Seed]) -> VisitSeed:
    return VisitSeed(
        unit_code=unit_code,
        day=day,
        symbol="TB-SNV",
        notice_day=date(2018, 11, 9),
        due=date(2018, 12, 31),
        leader="bn.truongdoan",
        head="bn.lanhdao",
        liaison=liaison,
        verifier="bn.kiemtra",
        findings=findings,
    )


BAC_NINH_2018 = [
    _bac_ninh(
        "BN-GTVT",
        date(2018, 10, 8),
        "bn.gtvt",
        [
            Seed(
                S,
                "1.1",
                "Ban hành đầy đủ Kế hoạch CCHC và chỉ đạo triển khai thực hiện đầy đủ các nội dung trong Kế hoạch.",
            ),
            Seed(
                S,
                "2.1",
                "Các văn bản QPPL tham mưu ban hành năm 2018 không có văn bản nào trái về thẩm quyền, trình tự và nội dung.",
            ),
            Seed(
                L,
                "3.4",
                "Qua kiểm tra trên phần mềm, vẫn còn tình trạng hồ sơ trả chậm (chậm do không thao tác trên phần mềm hoặc chậm trả kết quả thực tế).",
                SUBJ,
                Severity.MEDIUM,
                "Rà soát, xử lý dứt điểm hồ sơ trả chậm; thao tác đầy đủ các bước trên phần mềm một cửa điện tử.",
                steps=[
                    Step(
                        "done",
                        30,
                        "liaison",
                        "Đã xử lý xong hồ sơ tồn; quán triệt công chức cập nhật trạng thái hồ sơ trên phần mềm.",
                        "bao-cao-ho-so-tre-han.pdf",
                    ),
                    Step("verify", 40, "verifier", "Chấp nhận."),
                ],
            ),
        ],
    ),
    _bac_ninh(
        "BN-TPBN-VN",
        date(2018, 10, 16),
        "bn.vuninh",
        [
            Seed(S, "3.8", "Người dân hài lòng với thái độ phục vụ của cán bộ Bộ phận Một cửa."),
            Seed(
                L,
                "3.3",
                "Sổ tiếp nhận hồ sơ còn thiếu sót.",
                SUBJ,
                Severity.LOW,
                "Ghi chép đầy đủ sổ theo dõi tiếp nhận và trả kết quả hồ sơ theo quy định.",
                steps=[
                    Step(
                        "done",
                        20,
                        "liaison",
                        "Đã bổ sung sổ theo dõi theo mẫu quy định.",
                        "so-theo-doi-ho-so.pdf",
                    )
                ],
            ),
        ],
    ),
    _bac_ninh(
        "BN-QV-PL",
        date(2018, 10, 22),
        "bn.phuonglieu",
        [
            Seed(
                L,
                "3.1",
                "Chưa cập nhật bộ TTHC tại bộ phận tiếp nhận và trả kết quả.",
                SUBJ,
                Severity.MEDIUM,
                "Cập nhật, niêm yết bộ TTHC mới được công bố tại bộ phận tiếp nhận và trả kết quả.",
                steps=[
                    Step(
                        "done",
                        10,
                        "liaison",
                        "Đã niêm yết bộ TTHC theo các quyết định công bố mới.",
                        "anh-niem-yet-tthc.pdf",
                    ),
                    Step("verify", 15, "verifier", "Chấp nhận."),
                ],
            ),
            Seed(
                L,
                "3.3",
                "Chưa bố trí bảng tên của từng bộ phận.",
                OBJ,
                Severity.LOW,
                "Bố trí bảng tên của từng bộ phận tại nơi tiếp nhận và trả kết quả.",
                steps=[
                    Step("done", 12, "liaison", "Đã lắp bảng tên các bộ phận.", "anh-bang-ten.pdf"),
                    Step("verify", 15, "verifier", "Chấp nhận."),
                ],
            ),
        ],
    ),
]
