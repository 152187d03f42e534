"""Write docs/samples/units_sample.csv and .xlsx: a few Vietnamese units to try `import_units` on.

Run from the project root: `.venv/bin/python scripts/make_units_sample.py`. The rows are valid on
an empty database and on the demo data (the province row matches the demo's); the 2025 merger
shown is illustrative and lists only two of the merged wards.
"""

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HEADER = [
    "Mã",
    "Tên đơn vị",
    "Tên viết tắt",
    "Loại",
    "Mã đơn vị cấp trên",
    "Địa chỉ",
    "Email",
    "Điện thoại",
    "Thủ trưởng",
    "Chức vụ thủ trưởng",
    "Hiệu lực từ",
    "Hiệu lực đến",
    "Mã đơn vị tiền thân",
]
REFORM = date(2025, 7, 1)
ROWS = [
    [
        "DT",
        "UBND tỉnh Đồng Tháp",
        "UBND tỉnh",
        "tỉnh",
        "",
        "Số 12 đường 30/4, phường Cao Lãnh, tỉnh Đồng Tháp",
        "",
        "",
        "",
        "",
        None,
        None,
        "",
    ],
    [
        "DT-STC",
        "Sở Tài chính tỉnh Đồng Tháp",
        "STC",
        "sở",
        "DT",
        "",
        "stc@dongthap.gov.vn",
        "",
        "",
        "Giám đốc",
        None,
        None,
        "",
    ],
    [
        "DT-STC-QLNS",
        "Phòng Quản lý ngân sách",
        "Phòng QLNS",
        "phòng",
        "DT-STC",
        "",
        "",
        "",
        "",
        "Trưởng phòng",
        None,
        None,
        "",
    ],
    [
        "DT-CL",
        "UBND thành phố Cao Lãnh",
        "TP Cao Lãnh",
        "thành phố",
        "DT",
        "",
        "",
        "",
        "",
        "Chủ tịch UBND thành phố",
        None,
        REFORM,
        "",
    ],
    [
        "DT-CL-P1",
        "UBND Phường 1",
        "Phường 1",
        "phường",
        "DT-CL",
        "",
        "",
        "",
        "",
        "Chủ tịch UBND phường",
        None,
        REFORM,
        "",
    ],
    [
        "DT-CL-P2",
        "UBND Phường 2",
        "Phường 2",
        "phường",
        "DT-CL",
        "",
        "",
        "",
        "",
        "Chủ tịch UBND phường",
        None,
        REFORM,
        "",
    ],
    [
        "DT-PCL",
        "UBND phường Cao Lãnh",
        "Phường Cao Lãnh",
        "phường",
        "DT",
        "",
        "",
        "",
        "",
        "Chủ tịch UBND phường",
        REFORM,
        None,
        "DT-CL-P1; DT-CL-P2",
    ],
]


def main() -> None:
    folder = Path(__file__).resolve().parent.parent / "docs" / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    # "CSV UTF-8" as Excel saves it: with a byte-order mark, dates as dd/mm/yyyy.
    with (folder / "units_sample.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in ROWS:
            writer.writerow([c.strftime("%d/%m/%Y") if isinstance(c, date) else c for c in row])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đơn vị"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ROWS:
        sheet.append(row)  # dates stay real Excel dates
    for column in ("K", "L"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    workbook.save(folder / "units_sample.xlsx")


if __name__ == "__main__":
    main()
