from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_archive


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào cơ sở dữ liệu TRỐNG và thư mục media trống, "
        "rồi kiểm tra mã băm SHA-256 và số dòng từng bảng."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="kiemtra-YYYYmmdd-HHMMSS.tar.gz")

    def handle(self, *args, file, **options):
        archive = Path(file)
        if not archive.is_file():
            raise CommandError(f"Không tìm thấy tệp sao lưu: {archive}")
        try:
            result = restore_archive(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã khôi phục {result.tables} bảng ({result.rows} dòng) và {result.files} tệp; "
            "mã băm và số dòng khớp bản sao lưu."
        )
