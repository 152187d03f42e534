"""The unit pages measured by `manage.py bench`, and the unit tree and users they run on.

Registered in devtools.bench.registry (see its docstring for PAGES and build).
The small data set is one province with 30 communes (10 under each of 3 dissolved districts,
plus 6 former communes merged into them) and one liaison per commune; the large one has ten
times the districts, communes, liaisons and inspectors. A second province of a third that size
makes sure pages filter by what the user may see.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.urls import reverse

from units.models import DISTRICT_DISSOLVED_ON, Unit, UnitKind, User
from units.roles import Role

COMMUNES = 30
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
    "Bình Hàng Trung",
    "Mỹ Thọ",
    "Vô Tranh",
    "Phương Liễu",
    "Đông Cứu",
]
OFFICES = [
    "Phòng Cải cách hành chính và Xây dựng chính quyền",
    "Phòng Tổ chức biên chế và Công chức viên chức",
    "Phòng Thi đua - Khen thưởng",
    "Phòng Tổng hợp và Quản lý Văn thư - Lưu trữ",
    "Phòng Tôn giáo",
]


def _commune_name(i: int) -> str:
    name = COMMUNE_NAMES[i % len(COMMUNE_NAMES)]
    rank = i // len(COMMUNE_NAMES)
    return f"UBND xã {name}" + (f" {rank + 1}" if rank else "")


def _province(label: str, code: str, communes: int) -> dict:
    """A province, its Department of Home Affairs with offices, districts and communes."""
    province = Unit.objects.create(name=f"UBND tỉnh {label}", kind=UnitKind.PROVINCE, code=code)
    department = Unit.objects.create(
        name=f"Sở Nội vụ tỉnh {label}", short_name="SNV", kind=UnitKind.DEPARTMENT, parent=province
    )
    offices = [Unit.objects.create(name=name, kind=UnitKind.OFFICE, parent=department) for name in OFFICES]
    districts = [
        Unit.objects.create(
            name=f"UBND huyện {label} {n + 1}",
            kind=UnitKind.DISTRICT,
            parent=province,
            valid_to=DISTRICT_DISSOLVED_ON,
        )
        for n in range(communes // 10)
    ]
    communes_made = []
    for i in range(communes):
        district = districts[i // 10]
        commune = Unit.objects.create(
            name=_commune_name(i), kind=UnitKind.COMMUNE, parent=district, code=f"{code}-{i:04d}"
        )
        if i % 10 == 0:
            # The two-tier reform merged communes: every tenth commune replaced two former ones.
            former = [
                Unit.objects.create(
                    name=f"UBND xã cũ {i}-{k}",
                    kind=UnitKind.COMMUNE,
                    parent=district,
                    valid_to=DISTRICT_DISSOLVED_ON,
                )
                for k in (1, 2)
            ]
            commune.predecessors.add(*former)
        communes_made.append(commune)
    return {"province": province, "department": department, "offices": offices, "communes": communes_made}


def build(data, size):
    scale = data.scale
    ours = _province("Đồng Tháp", f"BENCH-{size}-DT", COMMUNES * scale)
    _province("Thái Nguyên", f"BENCH-{size}-TN", COMMUNES * scale // 3)
    data.province, data.department = ours["province"], ours["department"]
    data.office, data.commune = ours["offices"][0], ours["communes"][0]

    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    # One hash for everyone: hashing hundreds of passwords would dominate the build time.
    password = make_password("bench-password-not-used")

    def user(username, role, unit, **extra):
        account = User.objects.create(
            username=f"{size}-{username}",
            last_name="Nguyễn",
            first_name=username,
            unit=unit,
            password=password,
            **extra,
        )
        account.groups.add(groups[role])
        return account

    data.users = {
        Role.SCHEDULER: user("chuyenvien", Role.SCHEDULER, data.office),
        Role.INSPECTOR: user("kiemtra", Role.INSPECTOR, data.office),
        Role.HEAD: user("lanhdao", Role.HEAD, data.department),
        Role.LIAISON: user("binhtan", Role.LIAISON, data.commune),
        Role.ADMIN: user("quantri", Role.ADMIN, None, is_staff=True, is_superuser=True),
    }
    # The people a unit page lists: inspectors in the office, a liaison in every commune.
    for n in range(5 * scale):
        user(f"kiemtra{n}", Role.INSPECTOR, data.office)
    for n, commune in enumerate(ours["communes"][1:]):
        user(f"daumoi{n}", Role.LIAISON, commune)


PAGES = [
    {"name": "login page", "url": "login", "role": None},
    {"name": "home", "url": "home", "role": Role.SCHEDULER},
    {"name": "home", "url": "home", "role": Role.LIAISON},
    {"name": "unit list", "url": "units:list", "role": Role.SCHEDULER},
    {
        "name": "unit list, search “binh tan”",
        "url": lambda data: reverse("units:list") + "?q=binh+tan",
        "role": Role.SCHEDULER,
    },
    {
        "name": "unit list, all statuses",
        "url": lambda data: reverse("units:list") + "?status=all",
        "role": Role.ADMIN,
    },
    {"name": "unit tree", "url": "units:tree", "role": Role.HEAD},
    {
        "name": "unit detail: province",
        "url": lambda data: data.province.get_absolute_url(),
        "role": Role.SCHEDULER,
    },
    {
        "name": "unit detail: office",
        "url": lambda data: data.office.get_absolute_url(),
        "role": Role.INSPECTOR,
    },
    {
        "name": "unit detail: own commune",
        "url": lambda data: data.commune.get_absolute_url(),
        "role": Role.LIAISON,
    },
    {
        "name": "unit edit form",
        "url": lambda data: reverse("units:edit", args=[data.commune.pk]),
        "role": Role.SCHEDULER,
    },
    {"name": "new unit form", "url": "units:create", "role": Role.SCHEDULER},
]
