"""findings.form_html draws the action page's fields as crispy-forms' as_crispy_field does."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.html import parse_html
from django.utils import translation

from findings.form_html import crispy_field_html
from findings.forms import (
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ReopenForm,
    UpdateForm,
    VerifyForm,
)


def _fresh(form_class, prefix):
    return lambda: form_class(initial={"version": 3}, prefix=prefix)


def _refused(form_class, prefix, data, errors=None):
    def make():
        form = form_class({f"{prefix}-{name}": value for name, value in data.items()}, prefix=prefix)
        form.is_valid()
        for name, messages in (errors or {}).items():
            form.add_error(name, messages)
        return form

    return make


FORMS = {
    "progress": _fresh(UpdateForm, "progress"),
    "done": _fresh(UpdateForm, "done"),
    "progress refused": _refused(
        UpdateForm,
        "progress",
        {"version": "2", "text": ""},
        {"files": ["Tệp <script> không hợp lệ.", "Tệp thứ hai quá lớn."]},
    ),
    "progress typed": _refused(
        UpdateForm, "progress", {"version": "2", "text": 'Đã làm <b>"xong"</b> & gửi'}, {None: "Đã cũ."}
    ),
    "extension": _fresh(ExtensionRequestForm, "extension"),
    "extension refused": _refused(
        ExtensionRequestForm, "extension", {"version": "x", "requested_due_date": "32/13/2026", "reason": ""}
    ),
    "extension typed": _refused(
        ExtensionRequestForm,
        "extension",
        {"version": "1", "requested_due_date": "01/02/2027", "reason": "Lý do"},
    ),
    "verify": _fresh(VerifyForm, "verify"),
    "reopen": _fresh(ReopenForm, "reopen"),
    "reopen refused": _refused(ReopenForm, "reopen", {"version": "1", "comment": ""}),
    "decision": lambda: ExtensionDecisionForm(),
    "decision refused": _refused(ExtensionDecisionForm, "", {"decision": "refused", "comment": ""}),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("name", FORMS)
def test_each_field_is_drawn_as_crispy_forms_draws_it(name, language):
    with translation.override(language):
        ours_form, theirs_form = FORMS[name](), FORMS[name]()
        for field in ours_form:
            ours = crispy_field_html(field)
            theirs = as_crispy_field(theirs_form[field.name])
            assert parse_html(ours) == parse_html(theirs), (name, field.name)
            # Twice (the class is set once, not added again).
            assert parse_html(crispy_field_html(field)) == parse_html(theirs), (name, field.name)


def test_what_was_typed_and_the_messages_are_escaped():
    form = FORMS["progress typed"]()
    html = crispy_field_html(form["text"])
    assert "Đã làm &lt;b&gt;&quot;xong&quot;&lt;/b&gt; &amp; gửi" in html
    form = FORMS["progress refused"]()
    html = crispy_field_html(form["files"])
    assert "Tệp &lt;script&gt; không hợp lệ." in html and 'class="is-invalid"' in html
    assert "aria-invalid" in crispy_field_html(form["text"])
