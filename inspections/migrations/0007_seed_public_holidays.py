"""Seed the national public holidays of 2017-2027 (Bộ luật Lao động, Điều 112, and the days
off of Tết Nguyên đán and of Giỗ Tổ Hùng Vương announced each year for civil servants).

The administrator corrects or adds days in the admin (Ngày nghỉ lễ); this only fills an empty
table and never touches a day already there.
"""

from datetime import date, timedelta

from django.db import migrations

# Days off of Tết Nguyên đán for civil servants: (first day, last day).
TET = {
    2017: (date(2017, 1, 26), date(2017, 2, 1)),
    2018: (date(2018, 2, 14), date(2018, 2, 20)),
    2019: (date(2019, 2, 2), date(2019, 2, 10)),
    2020: (date(2020, 1, 23), date(2020, 1, 29)),
    2021: (date(2021, 2, 10), date(2021, 2, 16)),
    2022: (date(2022, 1, 29), date(2022, 2, 6)),
    2023: (date(2023, 1, 20), date(2023, 1, 26)),
    2024: (date(2024, 2, 8), date(2024, 2, 14)),
    2025: (date(2025, 1, 25), date(2025, 2, 2)),
    2026: (date(2026, 2, 14), date(2026, 2, 22)),
    2027: (date(2027, 2, 5), date(2027, 2, 10)),
}
# Giỗ Tổ Hùng Vương (10/3 âm lịch), the day off.
HUNG_KINGS = {
    2017: date(2017, 4, 6),
    2018: date(2018, 4, 25),
    2019: date(2019, 4, 15),
    2020: date(2020, 4, 2),
    2021: date(2021, 4, 21),
    2022: date(2022, 4, 11),
    2023: date(2023, 4, 29),
    2024: date(2024, 4, 18),
    2025: date(2025, 4, 7),
    2026: date(2026, 4, 27),
    2027: date(2027, 4, 16),
}
# The second day off of Quốc khánh (since 2021: the day before or after 2/9).
NATIONAL_DAY_EXTRA = {
    2021: date(2021, 9, 3),
    2022: date(2022, 9, 1),
    2023: date(2023, 9, 1),
    2024: date(2024, 9, 3),
    2025: date(2025, 9, 1),
    2026: date(2026, 9, 1),
    2027: date(2027, 9, 3),
}


def holidays():
    for year in range(2017, 2028):
        yield date(year, 1, 1), "Tết Dương lịch"
        first, last = TET[year]
        day = first
        while day <= last:
            yield day, "Tết Nguyên đán"
            day += timedelta(days=1)
        yield HUNG_KINGS[year], "Giỗ Tổ Hùng Vương"
        yield date(year, 4, 30), "Ngày Chiến thắng (30/4)"
        yield date(year, 5, 1), "Ngày Quốc tế Lao động (1/5)"
        yield date(year, 9, 2), "Quốc khánh (2/9)"
        if year in NATIONAL_DAY_EXTRA:
            yield NATIONAL_DAY_EXTRA[year], "Quốc khánh (nghỉ thêm)"


def seed(apps, schema_editor):
    PublicHoliday = apps.get_model("inspections", "PublicHoliday")
    existing = set(PublicHoliday.objects.values_list("date", flat=True))
    rows = {day: name for day, name in holidays() if day not in existing}
    PublicHoliday.objects.bulk_create(PublicHoliday(date=day, name=name) for day, name in sorted(rows.items()))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0006_public_holidays")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
