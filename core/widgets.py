"""The one date widget of the app's forms: dd/mm/yyyy on every phone, whatever its language.

A browser's own date picker shows the phone's locale (mm/dd/yyyy on an English phone) and some
keep the ISO value hidden; this is a text field that shows and accepts dd/mm/yyyy, with the
numeric keyboard on phones and a pattern the browser checks. static/js/forms.js (input.date-dmy)
types the slashes, turns a pasted 2018-10-01 into 01/10/2018 and moves the day with the arrow
keys. The server reads it with DATE_INPUT_FORMATS (config/formats).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMAT = "%d/%m/%Y"
# For the browser's check (read with the "v" flag: no bare "/" or "-" inside brackets).
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {
            "class": "form-control date-dmy",
            "inputmode": "numeric",
            "pattern": DATE_PATTERN,
            "placeholder": _("dd/mm/yyyy"),
            "autocomplete": "off",
            "maxlength": "10",
            "size": "10",
            "title": _("A date as dd/mm/yyyy, e.g. 01/10/2018"),
        }
        if attrs:
            classes = " ".join(
                filter(None, [defaults["class"], attrs.get("class", "").replace("form-control", "")])
            )
            defaults.update(attrs)
            defaults["class"] = " ".join(dict.fromkeys(["form-control", *classes.split()]))
        super().__init__(attrs=defaults, format=DATE_FORMAT)
