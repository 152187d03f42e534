"""Demo units and accounts from the seed articles (copied here: nothing at runtime reads ../shared).

Idempotent: every row is found by its official code (or username) and updated in place, so
loading twice changes nothing. Sources: seed 000 (Sở Nội vụ Đồng Tháp and its offices, 2023),
001 (Bắc Ninh 2018: 4 departments, 7 district-level units with 2 communes each; the article names
huyện Quế Võ and phường Vũ Ninh, the other communes are real communes of those districts picked
for the demo), 002 (xã Bình Tấn and xã Tân Mỹ, huyện Thanh Bình, Đồng Tháp, 2020), 003 (thành phố
Sa Đéc, 2022), 004 (thị trấn Đu and xã Vô Tranh, huyện Phú Lương, Thái Nguyên, 2020).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from units.models import DISTRICT_DISSOLVED_ON, Unit, UnitKind, User
from units.roles import Role

P, D, H, C, OF = (
    UnitKind.PROVINCE,
    UnitKind.DEPARTMENT,
    UnitKind.DISTRICT,
    UnitKind.COMMUNE,
    UnitKind.OFFICE,
)

# (code, parent code, kind, name, short name, extra fields)
UNITS = [
    # Đồng Tháp (seeds 000, 002, 003)
    (
        "DT",
        None,
        P,
        "UBND tỉnh Đồng Tháp",
        "UBND tỉnh",
        {"address": "Số 12 đường 30/4, phường Cao Lãnh, tỉnh Đồng Tháp"},
    ),
    (
        "DT-SNV",
        "DT",
        D,
        "Sở Nội vụ tỉnh Đồng Tháp",
        "SNV",
        {"email": "sonoivu@dongthap.gov.vn", "head_title": "Giám đốc"},
    ),
    ("DT-SNV-TDKT", "DT-SNV", OF, "Phòng Thi đua - Khen thưởng", "Phòng TĐKT", {}),
    ("DT-SNV-TCBC", "DT-SNV", OF, "Phòng Tổ chức biên chế và Công chức viên chức", "Phòng TCBC-CCVC", {}),
    ("DT-SNV-VTLT", "DT-SNV", OF, "Phòng Tổng hợp và Quản lý Văn thư - Lưu trữ", "Phòng TH-VTLT", {}),
    ("DT-SNV-TG", "DT-SNV", OF, "Phòng Tôn giáo", "Phòng TG", {}),
    ("DT-SNV-TTLT", "DT-SNV", OF, "Trung tâm Lưu trữ lịch sử", "TTLTLS", {}),
    (
        "DT-SNV-CCHC",
        "DT-SNV",
        OF,
        "Phòng Cải cách hành chính và Xây dựng chính quyền",
        "Phòng CCHC và XDCQ",
        {},
    ),
    ("DT-VP", "DT", D, "Văn phòng UBND tỉnh Đồng Tháp", "VP UBND tỉnh", {}),
    ("DT-TB", "DT", H, "UBND huyện Thanh Bình", "Huyện Thanh Bình", {}),
    (
        "DT-TB-BT",
        "DT-TB",
        C,
        "UBND xã Bình Tấn",
        "Xã Bình Tấn",
        {"email": "binhtan.thanhbinh@dongthap.gov.vn", "head_title": "Chủ tịch UBND xã"},
    ),
    (
        "DT-TB-TM",
        "DT-TB",
        C,
        "UBND xã Tân Mỹ",
        "Xã Tân Mỹ",
        {"email": "tanmy.thanhbinh@dongthap.gov.vn", "head_title": "Chủ tịch UBND xã"},
    ),
    (
        "DT-SD",
        "DT",
        H,
        "UBND thành phố Sa Đéc",
        "TP Sa Đéc",
        {"head_name": "Nguyễn Văn Hon", "head_title": "Chủ tịch UBND thành phố"},
    ),
    # Bắc Ninh 2018 (seed 001)
    ("BN", None, P, "UBND tỉnh Bắc Ninh", "UBND tỉnh", {}),
    ("BN-SNV", "BN", D, "Sở Nội vụ tỉnh Bắc Ninh", "SNV", {}),
    ("BN-GTVT", "BN", D, "Sở Giao thông vận tải tỉnh Bắc Ninh", "Sở GTVT", {}),
    ("BN-KHDT", "BN", D, "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh", "Sở KH&ĐT", {}),
    ("BN-LDTBXH", "BN", D, "Sở Lao động - Thương binh và Xã hội tỉnh Bắc Ninh", "Sở LĐ-TB&XH", {}),
    ("BN-KHCN", "BN", D, "Sở Khoa học và Công nghệ tỉnh Bắc Ninh", "Sở KH&CN", {}),
    ("BN-TPBN", "BN", H, "UBND thành phố Bắc Ninh", "TP Bắc Ninh", {}),
    ("BN-TPBN-VN", "BN-TPBN", C, "UBND phường Vũ Ninh", "Phường Vũ Ninh", {}),
    ("BN-TPBN-KB", "BN-TPBN", C, "UBND phường Kinh Bắc", "Phường Kinh Bắc", {}),
    ("BN-TS", "BN", H, "UBND thị xã Từ Sơn", "TX Từ Sơn", {}),
    ("BN-TS-DN", "BN-TS", C, "UBND phường Đông Ngàn", "Phường Đông Ngàn", {}),
    ("BN-TS-DB", "BN-TS", C, "UBND phường Đình Bảng", "Phường Đình Bảng", {}),
    ("BN-QV", "BN", H, "UBND huyện Quế Võ", "Huyện Quế Võ", {}),
    ("BN-QV-PL", "BN-QV", C, "UBND xã Phương Liễu", "Xã Phương Liễu", {}),
    ("BN-QV-VH", "BN-QV", C, "UBND xã Việt Hùng", "Xã Việt Hùng", {}),
    ("BN-TD", "BN", H, "UBND huyện Tiên Du", "Huyện Tiên Du", {}),
    ("BN-TD-LV", "BN-TD", C, "UBND xã Lạc Vệ", "Xã Lạc Vệ", {}),
    ("BN-TD-PT", "BN-TD", C, "UBND xã Phật Tích", "Xã Phật Tích", {}),
    ("BN-YP", "BN", H, "UBND huyện Yên Phong", "Huyện Yên Phong", {}),
    ("BN-YP-DP", "BN-YP", C, "UBND xã Đông Phong", "Xã Đông Phong", {}),
    ("BN-YP-VM", "BN-YP", C, "UBND xã Văn Môn", "Xã Văn Môn", {}),
    ("BN-GB", "BN", H, "UBND huyện Gia Bình", "Huyện Gia Bình", {}),
    ("BN-GB-DC", "BN-GB", C, "UBND xã Đông Cứu", "Xã Đông Cứu", {}),
    ("BN-GB-NT", "BN-GB", C, "UBND xã Nhân Thắng", "Xã Nhân Thắng", {}),
    ("BN-LT", "BN", H, "UBND huyện Lương Tài", "Huyện Lương Tài", {}),
    ("BN-LT-TK", "BN-LT", C, "UBND xã Trung Kênh", "Xã Trung Kênh", {}),
    ("BN-LT-PH", "BN-LT", C, "UBND xã Phú Hòa", "Xã Phú Hòa", {}),
    # Thái Nguyên 2020 (seed 004)
    ("TN", None, P, "UBND tỉnh Thái Nguyên", "UBND tỉnh", {}),
    ("TN-SNV", "TN", D, "Sở Nội vụ tỉnh Thái Nguyên", "SNV", {}),
    ("TN-PL", "TN", H, "UBND huyện Phú Lương", "Huyện Phú Lương", {}),
    ("TN-PL-DU", "TN-PL", C, "UBND thị trấn Đu", "Thị trấn Đu", {}),
    ("TN-PL-VT", "TN-PL", C, "UBND xã Vô Tranh", "Xã Vô Tranh", {}),
]

# (username, role, home unit code, last name, first name, position)
ACCOUNTS = [
    ("quantri", Role.ADMIN, None, "Trần", "Quản Trị", "Quản trị hệ thống"),
    ("chuyenvien", Role.SCHEDULER, "DT-SNV-CCHC", "Lê", "Thị Bích Trâm", "Chuyên viên Phòng CCHC và XDCQ"),
    ("kiemtra", Role.INSPECTOR, "DT-SNV-CCHC", "Phạm", "Văn Kiểm", "Chuyên viên chính"),
    ("truongdoan", Role.INSPECTOR, "DT-SNV", "Đỗ", "Thị Thanh Trang", "Phó Giám đốc Sở Nội vụ"),
    ("lanhdao", Role.HEAD, "DT-SNV", "Nguyễn", "Văn Lãnh", "Giám đốc Sở Nội vụ"),
    ("binhtan", Role.LIAISON, "DT-TB-BT", "Võ", "Thị Kim Thủy", "Công chức Văn phòng - Thống kê xã Bình Tấn"),
]


@transaction.atomic
def load_units() -> dict[str, Unit]:
    """Create or update the demo unit tree; return the units by code."""
    by_code: dict[str, Unit] = {}
    for code, parent_code, kind, name, short_name, extra in UNITS:
        fields = {
            "name": name,
            "short_name": short_name,
            "kind": kind,
            "parent": by_code[parent_code] if parent_code else None,
            # The two-tier reform dissolved every district-level unit on 01/07/2025.
            "valid_to": DISTRICT_DISSOLVED_ON if kind == UnitKind.DISTRICT else None,
            **extra,
        }
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit.objects.create(code=code, **fields)
        elif any(getattr(unit, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(unit, key, value)
            unit.save()
        by_code[code] = unit
    return by_code


@transaction.atomic
def load_accounts(units: dict[str, Unit]) -> list[User]:
    """Create the demo accounts (one per role) with the demo password; refuse in production."""
    if not settings.DEBUG:
        raise RuntimeError("Demo accounts are never created in a production configuration (DJANGO_DEBUG=0).")
    users = []
    for username, role, unit_code, last_name, first_name, position in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(settings.DEMO_PASSWORD)
        user.last_name, user.first_name, user.position = last_name, first_name, position
        user.unit = units[unit_code] if unit_code else None
        user.email = f"{username}@demo.cchc.local"
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users.append(user)
    return users


def account_lines() -> list[str]:
    labels = {r.value: str(r.label) for r in Role}
    return [
        f"  {labels[role]:<30} {username:<12} {settings.DEMO_PASSWORD}" for username, role, *_ in ACCOUNTS
    ]
