"""Import of units from CSV and XLSX: the command, the upload page, its preview and the confirm step."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import translation
from openpyxl import Workbook

from units.models import Unit, UnitKind

IMPORT_URL = "/units/import/"
CONFIRM_URL = "/units/import/confirm/"
SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"
HEADER = "code,name,short_name,kind,parent_code,email,valid_from,valid_to,predecessor_codes"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


@pytest.fixture(autouse=True)
def _private_var(settings, tmp_path):
    # Previews are kept under VAR_DIR/imports/: a throwaway folder per test.
    settings.VAR_DIR = tmp_path


@pytest.fixture
def coded(province, department, district, commune):
    """Our province's units with the official codes an import file refers to."""
    for unit, code in ((province, "DT"), (department, "DT-SNV"), (district, "DT-TB"), (commune, "DT-TB-BT")):
        unit.code = code
        unit.save(update_fields=["code"])
    return {"DT": province, "DT-SNV": department, "DT-TB": district, "DT-TB-BT": commune}


def csv_upload(*lines: str, name: str = "units.csv", bom: bool = True) -> SimpleUploadedFile:
    text = ("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def logged_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assert on the English msgids
    return client


def upload(client, file):
    return client.post(IMPORT_URL, {"file": file})


def confirm(client, response):
    # The write runs as a background job queued after the commit (core.jobs, in-process here).
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(CONFIRM_URL, {"token": response.context["token"]})


VALID_LINES = (
    HEADER,
    "DT-STC,Sở Tài chính tỉnh Đồng Tháp,STC,sở,DT,stc@dongthap.gov.vn,,,",
    "DT-STC-NS,Phòng Quản lý ngân sách,,Internal_Office,DT-STC,,,,",
    "DT-XTB,UBND xã Thanh Bình,,xã,DT,,01/07/2025,,DT-TB-BT; DT-OLD",
    "DT-OLD,UBND xã Tân Bình (cũ),,xã,DT-TB,,,2025-07-01,",
)


# --- the page: happy path ------------------------------------------------------------------------


def test_scheduler_sees_a_preview_of_a_valid_csv_and_nothing_is_written_yet(client, scheduler, coded):
    before = Unit.objects.count()
    response = upload(logged_in(client, scheduler), csv_upload(*VALID_LINES))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirm import" in html
    assert "Sở Tài chính tỉnh Đồng Tháp" in html and "Phòng Quản lý ngân sách" in html
    assert "4 units will be created, 0 updated" in html
    assert Unit.objects.count() == before


def test_confirming_the_preview_creates_units_with_their_parents_and_predecessors(client, scheduler, coded):
    client = logged_in(client, scheduler)
    response = confirm(client, upload(client, csv_upload(*VALID_LINES)))
    assert response.status_code == 302
    # The write is a background job; its result page says what was done.
    assert response["Location"].startswith("/units/import/jobs/")
    finance = Unit.objects.get(code="DT-STC")
    office = Unit.objects.get(code="DT-STC-NS")
    merged = Unit.objects.get(code="DT-XTB")
    old = Unit.objects.get(code="DT-OLD")
    assert finance.parent == coded["DT"] and finance.kind == UnitKind.DEPARTMENT
    assert finance.email == "stc@dongthap.gov.vn"
    assert office.parent == finance and office.kind == UnitKind.OFFICE  # parent from an earlier row
    assert office.path == f"{finance.path}{office.pk}/" and office.depth == 2
    assert merged.valid_from.isoformat() == "2025-07-01"
    assert set(merged.predecessors.all()) == {coded["DT-TB-BT"], old}  # one of them on a later row
    assert old.parent == coded["DT-TB"] and old.valid_to.isoformat() == "2025-07-01"
    follow = client.get(response["Location"])
    assert "Import done: 4 created, 0 updated, 0 unchanged." in follow.content.decode()


def test_importing_the_same_file_again_updates_in_place(client, scheduler, coded):
    client = logged_in(client, scheduler)
    confirm(client, upload(client, csv_upload(*VALID_LINES)))
    count = Unit.objects.count()
    renamed = [line.replace("Phòng Quản lý ngân sách", "Phòng Ngân sách") for line in VALID_LINES]
    preview = upload(client, csv_upload(*renamed))
    assert "0 units will be created, 1 updated and 3 left unchanged" in preview.content.decode()
    confirm(client, preview)
    assert Unit.objects.count() == count
    assert Unit.objects.get(code="DT-STC-NS").name == "Phòng Ngân sách"
    assert Unit.objects.filter(code="DT-STC").count() == 1


def test_a_valid_xlsx_with_vietnamese_headers_and_real_dates_is_imported(client, scheduler, coded):
    from datetime import date

    rows = [
        ["Mã", "TÊN ĐƠN VỊ", "Loại", "Mã đơn vị cấp trên", "Hiệu lực từ", "Mã đơn vị tiền thân"],
        ["DT-TTPV", "Trung tâm Phục vụ hành chính công", "Trung tâm", "DT-SNV", date(2025, 7, 1), ""],
        ["DT-TTPV-1", "Bộ phận Một cửa", "phong", "DT-TTPV", "", ""],
        [None, None, None, None, None, None],
        ["DT-PCL", "UBND phường Cao Lãnh", "Phường", "DT", "01/07/2025", "DT-TB-BT"],
    ]
    client = logged_in(client, scheduler)
    preview = upload(client, SimpleUploadedFile("don-vi.xlsx", xlsx_bytes(rows), content_type=XLSX_TYPE))
    assert preview.context["result"].is_valid, preview.context["result"].errors
    assert [row.line for row in preview.context["result"].rows] == [2, 3, 5]
    confirm(client, preview)
    centre = Unit.objects.get(code="DT-TTPV")
    assert centre.parent == coded["DT-SNV"] and centre.kind == UnitKind.OFFICE
    assert centre.valid_from.isoformat() == "2025-07-01"
    assert Unit.objects.get(code="DT-TTPV-1").parent == centre
    ward = Unit.objects.get(code="DT-PCL")
    assert ward.kind == UnitKind.COMMUNE and list(ward.predecessors.all()) == [coded["DT-TB-BT"]]


def test_semicolon_separated_csv_without_bom_is_read(client, scheduler, coded):
    lines = ["Tên đơn vị;Loại;Mã đơn vị cấp trên", "Phòng Tổ chức cán bộ;phòng;DT-SNV"]
    client = logged_in(client, scheduler)
    confirm(client, upload(client, csv_upload(*lines, bom=False)))
    assert Unit.objects.get(name="Phòng Tổ chức cán bộ").parent == coded["DT-SNV"]


def test_list_page_offers_import_only_to_those_who_may_add_units(client, scheduler, inspector, coded):
    assert IMPORT_URL in logged_in(client, scheduler).get("/units/").content.decode()
    assert IMPORT_URL not in logged_in(client, inspector).get("/units/").content.decode()


# --- the page: bad rows --------------------------------------------------------------------------


BAD_LINES = (
    HEADER,
    "DT-A,Sở A,,khu vực,DT,,,,",
    "DT-B,,,xã,DT,,,,",
    "DT-C,Xã C,,xã,NOPE,,,,",
    "DT-D,Xã D,,xã,DT,,,,",
    "DT-D,Xã D bis,,xã,DT,,,,",
    "DT-E,Xã E,,xã,DT,,31/02/2025,,",
    "DT-F,Xã F,,xã,DT,not-an-email,,,",
    "DT-G,Xã G,,xã,DT,,01/07/2025,01/01/2025,",
)
BAD_REASONS = [
    (2, "kind", "Unknown kind “khu vực”"),
    (3, "name", "This field cannot be blank."),
    (4, "parent_code", "Unknown parent code “NOPE”."),
    (6, "code", "Code “DT-D” is already used on line 5."),
    (7, "valid_from", "Enter a real date as dd/mm/yyyy or yyyy-mm-dd."),
    (8, "email", "Enter a valid email address."),
    (9, "valid_to", "“Valid to” must be later than “valid from”."),
]


def test_bad_rows_are_listed_with_line_and_reason_and_nothing_is_written(client, scheduler, coded):
    before = Unit.objects.count()
    response = upload(logged_in(client, scheduler), csv_upload(*BAD_LINES))
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert [(e.line, e.column) for e in errors] == [(line, column) for line, column, _ in BAD_REASONS]
    html = response.content.decode()
    for line, _, reason in BAD_REASONS:
        assert f"<td>{line}</td>" in html
        assert reason in html
    assert "Nothing was imported" in html and "Confirm import" not in html
    assert response.context["token"] == ""
    assert Unit.objects.count() == before


def test_command_prints_bad_rows_with_line_numbers_and_fails(coded, tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_upload(*BAD_LINES).read())
    before = Unit.objects.count()
    with translation.override("en"), pytest.raises(CommandError, match="7 problem"):
        call_command("import_units", str(path))
    err = capsys.readouterr().err
    for line, _, reason in BAD_REASONS:
        assert f"units.csv:{line}: " in err
        assert reason in err
    assert Unit.objects.count() == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "DT-TB,Huyện Thanh Bình,,huyện,DT-TB-BT,,,,",
            "cannot be placed below itself or one of its sub-units",
        ),
        ("DT-N,Xã N,,xã,DT-N,,,,", "A unit cannot be its own parent."),
        ("DT-N,Xã N,,xã,DT,,,,DT-N", "A unit cannot be its own predecessor."),
        ("DT-N,Xã N,,xã,DT,,,,NOPE", "Unknown predecessor code “NOPE”."),
        ("DT-N,Xã N,,xã,,,,,", "Enter the code of the parent unit"),
        ("DT-N,Xã N,,xã,DT-TB,,,,", "is not in force"),
    ],
)
def test_rows_breaking_the_tree_rules_are_refused(client, scheduler, coded, line, message):
    if "in force" in message:
        Unit.objects.filter(pk=coded["DT-TB"].pk).update(valid_to="2025-07-01")
    response = upload(logged_in(client, scheduler), csv_upload(HEADER, line))
    assert message in response.content.decode()
    assert not response.context["result"].is_valid


def test_units_already_below_a_dissolved_unit_may_be_updated_in_place(client, scheduler, coded):
    Unit.objects.filter(pk=coded["DT-TB"].pk).update(valid_to="2025-07-01")
    client = logged_in(client, scheduler)
    confirm(client, upload(client, csv_upload(HEADER, "DT-TB-BT,UBND xã Bình Tấn,,xã,DT-TB,,,,")))
    assert Unit.objects.get(code="DT-TB-BT").name == "UBND xã Bình Tấn"


def test_parent_on_a_later_line_is_refused_with_its_line(client, scheduler, coded):
    lines = (HEADER, "DT-C1,Phòng 1,,phòng,DT-C,,,,", "DT-C,Sở C,,sở,DT,,,,")
    response = upload(logged_in(client, scheduler), csv_upload(*lines))
    assert "Parent code “DT-C” is defined on a later line (3)" in response.content.decode()


# --- the page: files a user may upload -----------------------------------------------------------


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("units.xlsx", PNG_BYTES, "This is not a valid Excel .xlsx file."),
        ("units.csv", PNG_BYTES, "This is not a CSV text file."),
        ("units.xlsx", _zip_without_workbook(), "This is not a valid Excel .xlsx file."),
        (
            "units.xlsx",
            xlsx_bytes([["name", "kind"], ["X", "xã"]])[:300],
            "This is not a valid Excel .xlsx file.",
        ),
        ("units.png", PNG_BYTES, "Only CSV (.csv) and Excel (.xlsx) files can be imported."),
        (
            "units.xls",
            b"\xd0\xcf\x11\xe0 old excel",
            "Only CSV (.csv) and Excel (.xlsx) files can be imported.",
        ),
        ("units.csv", b"  \r\n", "The file is empty."),
        ("units.csv", b"name;kind\r\n", "The file has a header but no data rows."),
        ("units.csv", "tên,địa chỉ\r\nA,B\r\n".encode(), "Required columns are missing: kind."),
        ("units.csv", "name,kind\r\nXã Tân Hòa,xã\r\n".encode("cp1252"), "The CSV file is not UTF-8 text."),
        ("units.csv", b"name,name,kind\r\n", "appears twice in the header"),
        ("units.xlsx", xlsx_bytes([]), "The file is empty."),
    ],
)
def test_unusable_files_get_a_clear_message_and_no_500(client, scheduler, coded, name, content, message):
    before = Unit.objects.count()
    response = upload(logged_in(client, scheduler), SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Confirm import" not in response.content.decode()
    assert Unit.objects.count() == before


def test_oversized_file_gets_a_clear_message(client, scheduler, coded, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    lines = [HEADER] + [f"DT-{n},Xã số {n},,xã,DT,,,," for n in range(100)]
    response = upload(logged_in(client, scheduler), csv_upload(*lines))
    assert response.status_code == 200
    assert "The file is larger than 1.0\xa0KB." in response.content.decode()
    assert not Unit.objects.filter(code="DT-1").exists()


def _xlsx_bomb() -> bytes:
    """A real workbook plus a sheet of 120 MB of zeros: about 120 KB on the wire."""
    buffer = io.BytesIO(xlsx_bytes([["name", "kind"], ["Xã A", "xã"]]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as member:
            for _ in range(120):
                member.write(bytes(1024 * 1024))
    return buffer.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_reads_it(client, scheduler, coded):
    bomb = _xlsx_bomb()
    assert len(bomb) < 1024 * 1024
    response = upload(logged_in(client, scheduler), SimpleUploadedFile("units.xlsx", bomb))
    assert response.status_code == 200
    assert "The compressed file unpacks to more than 100.0\xa0MB" in response.content.decode()
    assert "Confirm import" not in response.content.decode()


# --- who may import ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["inspector", "head", "liaison", "leader"])
def test_read_only_roles_are_refused_on_every_import_page(client, coded, role, request):
    client = logged_in(client, request.getfixturevalue(role))
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, csv_upload(*VALID_LINES)).status_code == 403
    assert client.post(CONFIRM_URL, {"token": "x" * 32}).status_code == 403
    assert not Unit.objects.filter(code="DT-STC").exists()


@pytest.mark.parametrize("url", [IMPORT_URL, CONFIRM_URL])
def test_anonymous_visitor_is_sent_to_login(client, db, url):
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_confirm_refuses_get(client, scheduler):
    assert logged_in(client, scheduler).get(CONFIRM_URL).status_code == 405


def test_scheduler_of_another_province_cannot_import_below_our_units(client, outsider, coded):
    lines = (HEADER, "TN-X,Xã X,,xã,DT,,,,", "DT-SNV,Sở Nội vụ,,sở,,,,,", "TN-Y,Xã Y,,xã,,,,,DT-TB-BT")
    response = upload(logged_in(client, outsider), csv_upload(*lines))
    html = response.content.decode()
    assert "Unknown parent code “DT”." in html
    assert "Another unit already has this official code." in html
    assert "Unknown predecessor code “DT-TB-BT”." in html
    assert coded["DT-SNV"].name not in html  # our unit's name never shows


def test_administrator_may_import_a_new_province_at_the_top(client, administrator, db):
    client = logged_in(client, administrator)
    lines = ("name,kind,code", "UBND tỉnh An Giang,tỉnh,AG")
    confirm(client, upload(client, csv_upload(*lines)))
    assert Unit.objects.get(code="AG").parent is None


# --- confirm: the kept preview -------------------------------------------------------------------


def test_confirm_without_the_matching_preview_writes_nothing(client, scheduler, administrator, coded):
    scheduler_client = logged_in(client, scheduler)
    preview = upload(scheduler_client, csv_upload(*VALID_LINES))
    token = preview.context["token"]
    from django.test import Client

    other = logged_in(Client(), administrator)  # another user's session never has this token
    response = other.post(CONFIRM_URL, {"token": token})
    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert not Unit.objects.filter(code="DT-STC").exists()
    response = scheduler_client.post(CONFIRM_URL, {"token": "not-the-token-but-long-enough"})
    assert response["Location"] == IMPORT_URL
    assert not Unit.objects.filter(code="DT-STC").exists()


def test_confirming_twice_imports_once(client, scheduler, coded):
    client = logged_in(client, scheduler)
    preview = upload(client, csv_upload(*VALID_LINES))
    confirm(client, preview)
    count = Unit.objects.count()
    again = confirm(client, preview)
    assert again["Location"] == IMPORT_URL
    assert Unit.objects.count() == count


def test_confirm_checks_again_and_writes_nothing_when_units_changed_meanwhile(
    client, scheduler, coded, foreign_commune
):
    client = logged_in(client, scheduler)
    preview = upload(client, csv_upload(*VALID_LINES))
    foreign_commune.code = "DT-STC"  # someone else took the code since the preview
    foreign_commune.save(update_fields=["code"])
    before = Unit.objects.count()
    response = client.get(confirm(client, preview)["Location"])
    assert response.status_code == 200
    assert "Another unit already has this official code." in response.content.decode()
    assert "nothing was imported" in response.content.decode()
    assert Unit.objects.count() == before


def test_preview_files_stay_private_under_var(client, scheduler, coded, tmp_path):
    preview = upload(logged_in(client, scheduler), csv_upload(*VALID_LINES))
    kept = tmp_path / "imports" / f"{preview.context['token']}.json"
    assert kept.exists()
    assert kept.stat().st_mode & 0o077 == 0


# --- query counts --------------------------------------------------------------------------------


def _rows_file(count: int) -> SimpleUploadedFile:
    lines = [HEADER]
    for n in range(count):
        parent = "DT-SNV" if n % 2 else "DT"
        predecessors = "DT-TB-BT" if n % 3 == 0 else ""
        lines.append(f"DT-Q{n},Đơn vị {n},,phòng,{parent},,,,{predecessors}")
    lines.append("DT-TB-BT,Xã Bình Tấn,,xã,DT-TB,,,,")  # an update of an existing unit
    return csv_upload(*lines)


def test_preview_query_count_does_not_grow_with_rows(client, scheduler, coded, django_assert_max_num_queries):
    client = logged_in(client, scheduler)
    for count in (5, 50):
        with django_assert_max_num_queries(9):
            response = upload(client, _rows_file(count))
        assert len(response.context["result"].rows) == count + 1
        assert response.context["result"].is_valid


# --- the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", ["units_sample.csv", "units_sample.xlsx"])
def test_command_imports_the_sample_file_and_again_changes_nothing(db, sample, capsys):
    with translation.override("en"):
        call_command("import_units", str(SAMPLES / sample))
        assert "Imported: 7 created, 0 updated, 0 unchanged." in capsys.readouterr().out
        call_command("import_units", str(SAMPLES / sample))
        assert "Imported: 0 created, 0 updated, 7 unchanged." in capsys.readouterr().out
    assert Unit.objects.count() == 7
    ward = Unit.objects.get(code="DT-PCL")
    assert ward.parent.code == "DT" and ward.kind == UnitKind.COMMUNE
    assert {u.code for u in ward.predecessors.all()} == {"DT-CL-P1", "DT-CL-P2"}
    assert Unit.objects.get(code="DT-CL").kind == UnitKind.DISTRICT
    assert Unit.objects.get(code="DT-CL-P1").path.startswith(Unit.objects.get(code="DT-CL").path)


def test_command_dry_run_writes_nothing(db, capsys):
    call_command("import_units", str(SAMPLES / "units_sample.csv"), "--dry-run")
    assert "7 to create" in capsys.readouterr().out
    assert Unit.objects.count() == 0


def test_command_refuses_an_unreadable_file_with_a_message(db, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(PNG_BYTES)
    with translation.override("en"), pytest.raises(CommandError, match="not a valid Excel"):
        call_command("import_units", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_units", str(tmp_path / "missing.csv"))


def test_command_moves_a_unit_with_its_whole_subtree(coded, tmp_path):
    path = tmp_path / "move.csv"
    path.write_bytes(csv_upload("code,name,kind,parent_code", "DT-TB,Huyện Thanh Bình,huyện,DT-SNV").read())
    call_command("import_units", str(path))
    district, commune = Unit.objects.get(code="DT-TB"), Unit.objects.get(code="DT-TB-BT")
    assert district.parent == coded["DT-SNV"]
    assert commune.path == f"{district.path}{commune.pk}/" and commune.depth == 3


def test_scheduler_can_import_the_sample_file_through_the_page(client, scheduler, coded):
    client = logged_in(client, scheduler)
    sample = SimpleUploadedFile("units_sample.xlsx", (SAMPLES / "units_sample.xlsx").read_bytes())
    preview = upload(client, sample)
    assert preview.context["result"].is_valid, preview.context["result"].errors
    confirm(client, preview)
    assert Unit.objects.get(code="DT-STC-QLNS").parent.code == "DT-STC"
    assert Unit.objects.get(code="DT").parent is None


# --- the write as a background job ----------------------------------------------------------------


def test_the_result_page_shows_the_progress_while_the_job_waits(client, scheduler, coded):
    client = logged_in(client, scheduler)
    preview = upload(client, csv_upload(*VALID_LINES))
    # Without running the commit callbacks, the job stays queued, as while a worker is busy.
    response = client.post(CONFIRM_URL, {"token": preview.context["token"]})

    page = client.get(response["Location"]).content.decode()
    # The result panel asks for itself every 2 s while the job waits (htmx), the page reloads without scripts.
    assert 'hx-trigger="every 2s" hx-select="#job-panel"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "<progress" in page and "Waiting" in page
    assert not Unit.objects.filter(code="DT-STC").exists()


def test_the_result_page_stops_asking_once_the_job_is_done(client, scheduler, coded):
    client = logged_in(client, scheduler)
    location = confirm(client, upload(client, csv_upload(*VALID_LINES)))["Location"]

    page = client.get(location).content.decode()
    assert 'id="job-result"' in page
    assert "every 2s" not in page and "refresh" not in page


def test_another_users_import_result_is_not_found(client, scheduler, coded, department):
    from units.roles import Role
    from units.tests.factories import UserFactory

    mine = logged_in(client, scheduler)
    location = confirm(mine, upload(mine, csv_upload(*VALID_LINES)))["Location"]
    other = UserFactory(username="chuyenvien2", unit=department, roles=[Role.SCHEDULER])
    client.force_login(other)

    assert client.get(location).status_code == 404


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(client, scheduler, coded):
    from core.jobs import Job
    from units.tasks import unit_import_run

    client = logged_in(client, scheduler)
    confirm(client, upload(client, csv_upload(*VALID_LINES)))
    job = Job.objects.get()

    unit_import_run(job.pk)  # a re-delivered task

    job.refresh_from_db()
    assert (job.state, job.result) == ("done", {"created": 4, "updated": 0, "unchanged": 0})
    assert Unit.objects.filter(code="DT-STC").count() == 1
