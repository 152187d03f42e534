"""Public holidays (ngày nghỉ lễ, Tết): bulk scheduling never proposes a visit on one.

The administrator keeps the list in the admin (the Government announces the days off of Tết
and of the compensating days each year); a data migration seeds the national holidays of
2017-2027.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicHoliday(models.Model):
    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.name}"
