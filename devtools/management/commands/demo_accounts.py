from django.core.management.base import BaseCommand

from devtools.demo import units as unit_demo


class Command(BaseCommand):
    help = "Print the demo accounts (one per role) and their password."

    def handle(self, *args, **options):
        self.stdout.write("\nDemo accounts — tài khoản dùng thử (http://127.0.0.1:8000):")
        self.stdout.write(f"  {'role (vai trò)':<30} {'username':<12} password")
        for line in unit_demo.account_lines():
            self.stdout.write(line)
        self.stdout.write("")
