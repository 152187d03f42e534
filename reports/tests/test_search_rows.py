"""The search's result lists drawn in Python (reports.search.rows) write the markup their
templates wrote (reports/tests/search_reference/*.html, the former search/_<kind>.html): every
kind, a unit dissolved and one with a parent, a visit of a merged unit (its successors named, the
badge), strengths and limitations with and without a criterion, a text past 40 words, values to
escape, both languages."""

from pathlib import Path

import pytest
from django.template import engines
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from findings.models import Finding
from units.models import Unit

from .test_merger_search import merged  # noqa: F401  the fixture

pytestmark = pytest.mark.django_db

URL = reverse("search:search")
REFERENCE = Path(__file__).parent / "search_reference"


def _reference(key: str):
    return engines["django"].from_string((REFERENCE / f"{key}.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_kind_of_result_list_is_the_markup_its_template_drew(client, head, world, merged, language):  # noqa: F811
    ward, _visits = merged
    Unit.objects.filter(pk=ward.pk).update(name="Xã Bình Tân Mỹ <b>\"mới\"</b> & 'cũ'")
    finding = Finding.objects.filter(visit__unit__parent__isnull=False).order_by("pk").first()
    Finding.objects.filter(pk=finding.pk).update(
        text="Một cửa <script>x</script> " + " ".join(f"từ{n}" for n in range(50)),
        recommendation='Một cửa: "sửa" & <i>ngay</i>',
        criterion=None,
    )
    client.force_login(head)
    seen = set()
    with translation.override(language):
        for query in ["mot cua", "binh tan", "tan my", "xa", "ke hoach", "iso 9001"]:
            for kind in ["", "units", "visits", "findings", "recommendations"]:
                response = client.get(URL, {"q": query, "kind": kind}, headers={"Accept-Language": language})
                assert response.status_code == 200
                for group in response.context["groups"]:
                    key, rows = group["kind"].key, list(group["page"])
                    if not rows:
                        continue
                    theirs = _reference(key).render({"results": group["page"]})
                    assert str(group["html"]) == theirs, (language, query, kind, key)
                    assert str(group["html"]) in response.content.decode()
                    seen.add(key)
    assert seen == {"units", "visits", "findings", "recommendations"}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {"q": "mot cua", "kind": ""}, {"q": "<b>\"x\" & 'y'</b>", "kind": "findings"}, {"kind": "x"}],
)
def test_the_search_box_is_the_markup_of_djangos_widgets(language, data):
    """The search form's fields drawn in Python (FastTextInput, FastSelect) write what Django's
    TextInput and Select drew: empty, filled, with values to escape, with a wrong kind."""
    from django import forms

    from reports.search.forms import SearchForm

    class Plain(SearchForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            fast = self.fields["q"].widget
            self.fields["q"].widget = forms.TextInput(attrs=dict(fast.attrs))
            self.fields["q"].widget.input_type = "search"
            self.fields["kind"].widget = forms.Select(
                attrs=dict(self.fields["kind"].widget.attrs), choices=self.fields["kind"].choices
            )

    with translation.override(language):
        ours, theirs = SearchForm(data), Plain(data)
        if data:
            ours.is_valid(), theirs.is_valid()
        for name in ("q", "kind"):
            # As assertHTMLEqual compares: attributes in any order, the same escaped text.
            assert parse_html(str(ours[name])) == parse_html(str(theirs[name])), (name, data)
