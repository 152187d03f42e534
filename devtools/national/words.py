"""The vocabulary of the synthetic national data set (devtools.national).

Province names are the 34 provincial-level units after the 2025 reorganisation; the checklist
follows the domains of the CCHC inspection checklist (inspections/data/checklist_cchc.yaml) with
twelve criteria each. Finding texts are written the way conclusion notices word them, so that
search has something real to find ("một cửa", "hồ sơ trễ hạn").
"""

PROVINCES = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
]

DEPARTMENTS = ["Sở Tư pháp", "Sở Tài chính", "Sở Y tế"]

COMMUNE_NAMES = [
    "Bình Tấn",
    "Tân Mỹ",
    "An Phong",
    "Tân Thạnh",
    "Phú Lợi",
    "Tân Bình",
    "Bình Thành",
    "Tân Huề",
    "Tân Long",
    "Tân Quới",
    "Mỹ Thọ",
    "Vô Tranh",
    "Phương Liễu",
    "Đông Cứu",
    "Hòa Bình",
    "Quang Trung",
    "Đức Phổ",
    "Ea Kar",
    "Krông Búk",
    "Đồng Xoài",
    "Hưng Đạo",
    "Trà Cú",
    "Vĩnh Thạnh",
    "Long Hưng",
]

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
GIVEN_NAMES = ["Văn An", "Thị Hoa", "Minh Đức", "Thị Lan", "Quốc Huy", "Thanh Trang", "Hữu Phước", "Ngọc Mai"]

# (code, title, twelve criterion titles)
DOMAINS = [
    (
        "1",
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        [
            "Ban hành kế hoạch CCHC năm của cơ quan, đơn vị",
            "Mức độ hoàn thành các nhiệm vụ trong kế hoạch CCHC",
            "Chế độ báo cáo CCHC định kỳ",
            "Tự kiểm tra CCHC đối với phòng, đơn vị trực thuộc",
            "Thông tin, tuyên truyền về CCHC",
            "Sáng kiến, mô hình, giải pháp mới trong CCHC",
            "Thực hiện nhiệm vụ cấp trên giao liên quan đến CCHC",
            "Khắc phục tồn tại, hạn chế theo kết luận kiểm tra kỳ trước",
            "Phân công cán bộ đầu mối theo dõi CCHC",
            "Bố trí kinh phí thực hiện kế hoạch CCHC",
            "Gắn kết quả CCHC với thi đua, khen thưởng",
            "Đối thoại với người dân, doanh nghiệp về CCHC",
        ],
    ),
    (
        "2",
        "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
        [
            "Tham mưu, ban hành văn bản QPPL theo kế hoạch và đúng trình tự",
            "Lấy ý kiến góp ý dự thảo văn bản QPPL",
            "Tự kiểm tra văn bản QPPL sau khi ban hành",
            "Rà soát, hệ thống hóa văn bản QPPL",
            "Xử lý văn bản trái pháp luật hoặc không còn phù hợp",
            "Theo dõi tình hình thi hành pháp luật",
            "Phổ biến, giáo dục pháp luật",
            "Hòa giải ở cơ sở",
            "Cập nhật văn bản lên cơ sở dữ liệu quốc gia về pháp luật",
            "Xây dựng xã, phường đạt chuẩn tiếp cận pháp luật",
            "Bố trí công chức làm công tác pháp chế",
            "Trợ giúp pháp lý cho người dân",
        ],
    ),
    (
        "3",
        "Cải cách thủ tục hành chính và cơ chế một cửa, một cửa liên thông",
        [
            "Công khai, niêm yết thủ tục hành chính",
            "Niêm yết kênh tiếp nhận phản ánh, kiến nghị về TTHC",
            "Tổ chức, hoạt động của Bộ phận Một cửa",
            "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
            "Xin lỗi và hẹn lại đối với hồ sơ trễ hạn",
            "Quy trình nội bộ, quy trình điện tử giải quyết TTHC",
            "Rà soát, đơn giản hóa TTHC và thành phần hồ sơ",
            "Đánh giá mức độ hài lòng của người dân, tổ chức",
            "Lập, ghi chép, quản lý sổ hộ tịch và sổ chứng thực",
            "Sổ theo dõi hồ sơ và phiếu kiểm soát quá trình giải quyết",
            "Tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích",
            "Thực hiện liên thông TTHC giữa các cấp",
        ],
    ),
    (
        "4",
        "Cải cách tổ chức bộ máy hành chính",
        [
            "Quy định chức năng, nhiệm vụ, quyền hạn, cơ cấu tổ chức",
            "Quy chế làm việc của cơ quan, đơn vị",
            "Phân công nhiệm vụ trong tập thể lãnh đạo",
            "Quản lý, sử dụng biên chế",
            "Xây dựng, quản lý vị trí việc làm",
            "Thực hiện nhiệm vụ được phân cấp, phân quyền",
            "Thực hiện nhiệm vụ được ủy quyền",
            "Sắp xếp tổ chức bộ máy theo quy định",
            "Tinh giản biên chế",
            "Kiểm tra tình hình tổ chức, hoạt động của đơn vị trực thuộc",
            "Bố trí số lượng cấp phó đúng quy định",
            "Báo cáo thống kê tổ chức bộ máy",
        ],
    ),
    (
        "5",
        "Cải cách chế độ công vụ",
        [
            "Bố trí công chức đúng vị trí việc làm và tiêu chuẩn",
            "Đánh giá, xếp loại chất lượng cán bộ, công chức",
            "Đào tạo, bồi dưỡng cán bộ, công chức",
            "Kỷ luật, kỷ cương hành chính",
            "Văn hóa công vụ và quy tắc ứng xử",
            "Tuyển dụng công chức, viên chức",
            "Nâng ngạch, thăng hạng",
            "Bổ nhiệm, bổ nhiệm lại công chức lãnh đạo",
            "Thực hiện chế độ, chính sách",
            "Quản lý hồ sơ cán bộ, công chức",
            "Luân chuyển, chuyển đổi vị trí công tác",
            "Thu hút, trọng dụng người có tài năng",
        ],
    ),
    (
        "6",
        "Cải cách tài chính công",
        [
            "Quy chế chi tiêu nội bộ",
            "Thực hiện tự chủ kinh phí quản lý hành chính",
            "Công khai dự toán ngân sách",
            "Công khai quyết toán ngân sách",
            "Quản lý, sử dụng tài sản công",
            "Cơ chế tự chủ của đơn vị sự nghiệp công lập",
            "Thực hành tiết kiệm, chống lãng phí",
            "Quản lý các khoản thu phí, lệ phí",
            "Thực hiện kết luận thanh tra, kiểm toán",
            "Mua sắm tài sản theo quy định",
            "Quản lý quỹ tài chính ngoài ngân sách",
            "Báo cáo tài chính định kỳ",
        ],
    ),
    (
        "7",
        "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
        [
            "Xử lý văn bản, hồ sơ công việc trên môi trường điện tử",
            "Sử dụng chữ ký số",
            "Cung cấp dịch vụ công trực tuyến toàn trình",
            "Tỷ lệ hồ sơ nộp trực tuyến",
            "Số hóa hồ sơ, kết quả giải quyết TTHC",
            "Thanh toán trực tuyến phí, lệ phí",
            "Cổng/trang thông tin điện tử",
            "Bảo đảm an toàn thông tin",
            "Khai thác cơ sở dữ liệu quốc gia về dân cư",
            "Sử dụng định danh điện tử trong giải quyết TTHC",
            "Họp trực tuyến và hệ thống báo cáo",
            "Chuyển đổi số trong hoạt động của cơ quan",
        ],
    ),
    (
        "8",
        "Hệ thống quản lý chất lượng theo TCVN ISO 9001",
        [
            "Xây dựng, áp dụng HTQLCL",
            "Công bố hệ thống phù hợp tiêu chuẩn",
            "Duy trì, cải tiến HTQLCL",
            "Đánh giá nội bộ HTQLCL",
            "Xem xét của lãnh đạo",
            "Kiểm soát thông tin dạng văn bản",
            "Khắc phục sự không phù hợp",
            "Đo lường sự hài lòng",
            "Cập nhật quy trình khi TTHC thay đổi",
            "Đào tạo về HTQLCL",
            "Chuyển đổi HTQLCL sang môi trường điện tử",
            "Báo cáo tình hình áp dụng HTQLCL",
        ],
    ),
    (
        "9",
        "Công tác văn thư, lưu trữ",
        [
            "Quy chế công tác văn thư, lưu trữ",
            "Danh mục hồ sơ",
            "Thể thức, kỹ thuật trình bày văn bản hành chính",
            "Quản lý văn bản đi, văn bản đến",
            "Quản lý, sử dụng con dấu",
            "Lập hồ sơ công việc",
            "Nộp lưu hồ sơ vào lưu trữ cơ quan",
            "Kho lưu trữ và bảo quản tài liệu",
            "Chỉnh lý tài liệu lưu trữ",
            "Số hóa tài liệu lưu trữ",
            "Tài liệu lưu trữ của đơn vị hành chính cũ sau sắp xếp",
            "Tiêu hủy tài liệu hết giá trị",
        ],
    ),
    (
        "10",
        "Thực hiện dân chủ ở cơ sở và công tác dân vận chính quyền",
        [
            "Thực hiện dân chủ trong cơ quan, đơn vị",
            "Thực hiện dân chủ ở xã, phường",
            "Hội nghị cán bộ, công chức",
            "Kế hoạch công tác dân vận chính quyền",
            "Kết quả công tác dân vận chính quyền",
            "Tiếp công dân",
            "Giải quyết khiếu nại, tố cáo",
            "Giải quyết kiến nghị của cử tri",
            "Công khai thông tin theo Luật Tiếp cận thông tin",
            "Phong trào thi đua “Dân vận khéo”",
            "Phối hợp với Mặt trận Tổ quốc và đoàn thể",
            "Lấy ý kiến nhân dân về các vấn đề ở địa phương",
        ],
    ),
]

# Per domain code: limitation texts (with {n}: a number), the matching recommendations, strengths.
LIMITATIONS = {
    "1": [
        (
            "Kế hoạch CCHC năm ban hành chậm {n} ngày so với thời hạn tỉnh giao.",
            "Ban hành kế hoạch CCHC đúng thời hạn, phân công rõ đơn vị chủ trì và sản phẩm.",
        ),
        (
            "Còn {n} nhiệm vụ trong kế hoạch CCHC chưa hoàn thành đúng tiến độ.",
            "Rà soát, đôn đốc hoàn thành các nhiệm vụ còn chậm trong kế hoạch CCHC.",
        ),
        (
            "Chưa khắc phục đầy đủ hạn chế theo kết luận kiểm tra kỳ trước.",
            "Khắc phục dứt điểm các tồn tại theo kết luận kiểm tra kỳ trước và báo cáo kết quả.",
        ),
    ],
    "2": [
        (
            "Chưa thực hiện tự kiểm tra {n} văn bản QPPL sau khi ban hành.",
            "Thực hiện tự kiểm tra văn bản QPPL ngay sau khi ban hành theo quy định.",
        ),
        (
            "Công tác rà soát, hệ thống hóa văn bản còn chậm.",
            "Hoàn thành rà soát, hệ thống hóa văn bản QPPL và công bố kết quả.",
        ),
    ],
    "3": [
        (
            "Bộ phận Một cửa chưa niêm yết đầy đủ {n} thủ tục hành chính theo quy định.",
            "Niêm yết công khai đầy đủ, kịp thời thủ tục hành chính tại Bộ phận Một cửa.",
        ),
        (
            "Còn {n} hồ sơ trễ hạn nhưng chưa có văn bản xin lỗi và hẹn lại người dân.",
            "Thực hiện văn bản xin lỗi, hẹn lại đối với toàn bộ hồ sơ trễ hạn.",
        ),
        (
            "Sổ theo dõi hồ sơ tại Bộ phận Một cửa ghi chép chưa đầy đủ.",
            "Cập nhật đầy đủ sổ theo dõi hồ sơ và phiếu kiểm soát quá trình giải quyết.",
        ),
        (
            "Chưa thực hiện đánh giá mức độ hài lòng của người dân tại bộ phận một cửa.",
            "Tổ chức đánh giá mức độ hài lòng của người dân, tổ chức theo quy định.",
        ),
    ],
    "4": [
        (
            "Quy chế làm việc chưa được sửa đổi sau khi sắp xếp tổ chức bộ máy.",
            "Sửa đổi, bổ sung quy chế làm việc phù hợp với tổ chức bộ máy mới.",
        ),
        (
            "Đề án vị trí việc làm chưa được cập nhật.",
            "Cập nhật đề án vị trí việc làm và trình cấp có thẩm quyền phê duyệt.",
        ),
    ],
    "5": [
        (
            "Còn {n} công chức chưa được đào tạo, bồi dưỡng theo tiêu chuẩn ngạch.",
            "Cử công chức tham gia đào tạo, bồi dưỡng đáp ứng tiêu chuẩn ngạch.",
        ),
        (
            "Hồ sơ đánh giá, xếp loại công chức chưa đầy đủ.",
            "Hoàn thiện hồ sơ đánh giá, xếp loại chất lượng cán bộ, công chức.",
        ),
    ],
    "6": [
        (
            "Quy chế chi tiêu nội bộ chưa được cập nhật theo quy định mới.",
            "Sửa đổi quy chế chi tiêu nội bộ phù hợp với quy định hiện hành.",
        ),
        (
            "Chưa công khai quyết toán ngân sách năm trước đúng thời hạn.",
            "Công khai dự toán, quyết toán ngân sách đúng thời hạn và hình thức.",
        ),
    ],
    "7": [
        (
            "Tỷ lệ hồ sơ nộp trực tuyến chỉ đạt {n}%, thấp hơn chỉ tiêu.",
            "Đẩy mạnh hướng dẫn người dân nộp hồ sơ trực tuyến toàn trình.",
        ),
        (
            "Chưa số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.",
            "Thực hiện số hóa hồ sơ, kết quả giải quyết TTHC theo quy định.",
        ),
        (
            "Còn {n} văn bản đi chưa được ký số.",
            "Sử dụng chữ ký số cho toàn bộ văn bản đi trên môi trường điện tử.",
        ),
    ],
    "8": [
        (
            "Chưa cập nhật quy trình ISO khi thủ tục hành chính thay đổi.",
            "Cập nhật, công bố lại HTQLCL theo TCVN ISO 9001 khi TTHC thay đổi.",
        ),
        (
            "Chưa thực hiện đánh giá nội bộ hệ thống quản lý chất lượng.",
            "Tổ chức đánh giá nội bộ và xem xét của lãnh đạo đối với HTQLCL.",
        ),
    ],
    "9": [
        (
            "Chưa ban hành danh mục hồ sơ năm; còn {n} hồ sơ chưa nộp lưu.",
            "Ban hành danh mục hồ sơ và hoàn thành nộp lưu hồ sơ vào lưu trữ cơ quan.",
        ),
        (
            "Thể thức văn bản còn sai sót so với Nghị định 30/2020/NĐ-CP.",
            "Chấn chỉnh thể thức, kỹ thuật trình bày văn bản theo Nghị định 30/2020/NĐ-CP.",
        ),
    ],
    "10": [
        (
            "Chưa xây dựng kế hoạch công tác dân vận chính quyền năm.",
            "Xây dựng và triển khai kế hoạch công tác dân vận chính quyền.",
        ),
        (
            "Còn {n} đơn thư chưa được giải quyết đúng thời hạn.",
            "Giải quyết dứt điểm đơn thư khiếu nại, tố cáo, kiến nghị đúng thời hạn.",
        ),
    ],
}

STRENGTHS = {
    "1": "Ban hành kế hoạch CCHC kịp thời, phân công rõ trách nhiệm.",
    "2": "Thực hiện tốt công tác phổ biến, giáo dục pháp luật.",
    "3": "Bộ phận Một cửa bố trí khoa học, 100% hồ sơ giải quyết đúng hạn.",
    "4": "Tổ chức bộ máy được sắp xếp gọn, hoạt động ổn định.",
    "5": "Cán bộ, công chức chấp hành tốt kỷ luật, kỷ cương hành chính.",
    "6": "Thực hiện công khai tài chính đầy đủ, đúng quy định.",
    "7": "Tỷ lệ xử lý văn bản trên môi trường điện tử và ký số đạt cao.",
    "8": "Duy trì và cải tiến tốt hệ thống quản lý chất lượng ISO.",
    "9": "Kho lưu trữ được bố trí đúng quy định, tài liệu được chỉnh lý.",
    "10": "Thực hiện tốt quy chế dân chủ ở cơ sở và tiếp công dân.",
}
