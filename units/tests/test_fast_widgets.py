"""units.widgets.widget_html draws what Django draws, its attributes kept drawn between fields."""

from decimal import Decimal

from django import forms

from units.widgets import widget_html


class _Form(forms.Form):
    a = forms.DecimalField(widget=forms.NumberInput(attrs={"max": Decimal("2"), "min": 0, "step": "0.25"}))
    b = forms.DecimalField(
        required=False, widget=forms.NumberInput(attrs={"max": Decimal("2.00"), "min": 0, "step": "0.25"})
    )
    c = forms.CharField(widget=forms.TextInput(attrs={"data-x": 1, "data-y": True, "data-z": False}))
    d = forms.CharField(widget=forms.TextInput(attrs={"data-x": True, "data-y": "<&\"'>", "data-z": None}))
    e = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), initial="<b>&")


def test_fields_are_drawn_as_django_draws_them_whatever_was_drawn_before():
    """Equal values drawn differently (Decimal 2 and 2.00, 1 and True) each keep their own text."""
    for _ in range(2):
        for data in (None, {"a": "3", "c": "x", "d": "<y>"}):
            form = _Form(data)
            for name in form.fields:
                assert widget_html(form[name]) == form[name].as_widget(), name
    html = widget_html(_Form()["b"])
    assert 'max="2.00"' in html and 'max="2"' in widget_html(_Form()["a"])
    assert ' data-x="1" data-y ' in widget_html(_Form()["c"]) and "data-z" not in widget_html(_Form()["c"])
    assert ' data-x data-y="&lt;&amp;&quot;&#x27;&gt;" data-z="None"' in widget_html(_Form()["d"])
