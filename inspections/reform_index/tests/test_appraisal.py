from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from ..models import CardStatus, CriterionScore, Scorecard
from ..services import card_approve, card_respond
from .factories import fill_and_submit, inspected


@pytest.fixture
def submitted(card, liaison):
    return fill_and_submit(card, actor=liaison)


@pytest.fixture
def last_visit(commune, department, index_tpl, leader):
    return inspected(
        unit=commune,
        department=department,
        template=index_tpl,
        leader=leader,
        scores={"1.1": Decimal("0.5")},
        limitations={"1.1": "Kế hoạch CCHC ban hành chậm so với quy định"},
    )


def _rows(card):
    return {
        s.criterion.code: s for s in CriterionScore.objects.filter(scorecard=card).select_related("criterion")
    }


def _form(card, changes):
    data = {}
    for code, s in _rows(card).items():
        data[f"version_{s.pk}"] = s.version
        score, reason = changes.get(code, ("", ""))
        data[f"appraised_{s.pk}"] = score
        data[f"reason_{s.pk}"] = reason
    return data


def test_the_appraiser_sees_the_last_inspection_beside_each_self_score(
    client, inspector, submitted, last_visit
):
    client.force_login(inspector)
    response = client.get(reverse("reform_index:card_appraise", args=[submitted.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert last_visit.get_absolute_url() in page
    assert "Kế hoạch CCHC ban hành chậm" in page
    row = response.context["blocks"][0].rows[0]
    assert row.criterion.code == "1.1"
    assert row.facts.answer.score == Decimal("0.5")
    assert row.facts.limitations[0].get_absolute_url() in page


def test_a_refused_save_shows_the_last_inspection_again_and_a_saved_one_reads_it_only_to_draw(
    client, inspector, submitted, last_visit, monkeypatch
):
    """The facts beside each row are read to draw the page: a save that is refused draws it again
    with them and with what was typed; a save that succeeds goes back to the page without them."""
    from .. import selectors

    read = []
    facts = selectors.inspection_facts
    monkeypatch.setattr(selectors, "inspection_facts", lambda **kw: read.append(kw) or facts(**kw))
    client.force_login(inspector)
    url = reverse("reform_index:card_appraise", args=[submitted.pk])
    refused = client.post(url, _form(submitted, {"1.1": ("0.5", "")}))  # a different score, no reason
    page = refused.content.decode()
    assert refused.status_code == 200 and refused.context["form"].errors
    assert last_visit.get_absolute_url() in page and "Kế hoạch CCHC ban hành chậm" in page
    one = _rows(submitted)["1.1"].pk
    assert f'<input type="number" name="appraised_{one}" value="0.5"' in page
    assert len(read) == 1
    saved = client.post(url, _form(submitted, {"1.1": ("0.5", "Theo kết quả kiểm tra")}))
    assert saved.status_code == 302 and _rows(submitted)["1.1"].appraised_score == Decimal("0.5")
    assert len(read) == 1


def test_a_verified_limitation_is_not_open_any_more(client, inspector, submitted, last_visit):
    from findings.models import ActionState, RemediationAction

    RemediationAction.objects.update(state=ActionState.VERIFIED)
    client.force_login(inspector)
    response = client.get(reverse("reform_index:card_appraise", args=[submitted.pk]))
    assert response.context["blocks"][0].rows[0].facts.limitations == []


def test_a_different_score_needs_a_reason(client, inspector, submitted):
    client.force_login(inspector)
    url = reverse("reform_index:card_appraise", args=[submitted.pk])
    response = client.post(url, _form(submitted, {"1.1": ("0.5", "")}))
    assert response.status_code == 200
    key = f"reason_{_rows(submitted)['1.1'].pk}"
    assert response.context["form"].errors[key]
    assert _rows(submitted)["1.1"].appraised_score is None


def test_the_appraiser_adjusts_two_criteria_and_sends_the_appraisal(
    client, inspector, liaison, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    liaison.email = "binhtan@example.vn"
    liaison.save(update_fields=["email"])
    client.force_login(inspector)
    url = reverse("reform_index:card_appraise", args=[submitted.pk])
    changes = {"1.1": ("0.5", "Kế hoạch ban hành chậm"), "2.2": ("1", "Thiếu báo cáo quý IV")}
    assert client.post(url, _form(submitted, changes)).status_code == 302
    rows = _rows(submitted)
    assert (
        rows["1.1"].appraised_score == Decimal("0.5")
        and rows["1.1"].appraisal_reason == "Kế hoạch ban hành chậm"
    )
    assert rows["2.2"].is_adjusted and not rows["1.2"].is_adjusted
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reform_index:card_send", args=[submitted.pk]), {"version": submitted.version})
    assert Scorecard.objects.get(pk=submitted.pk).status == CardStatus.APPRAISED
    assert mailoutbox[-1].to == ["binhtan@example.vn"]
    # The unit sees the differences.
    client.force_login(liaison)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Thiếu báo cáo quý IV" in page and 'id="respond"' in page


@pytest.fixture
def appraised(submitted, inspector):
    CriterionScore.objects.filter(scorecard=submitted, criterion__code="1.1").update(
        appraised_score=Decimal("0.5"), appraisal_reason="Chậm"
    )
    Scorecard.objects.filter(pk=submitted.pk).update(status=CardStatus.APPRAISED)
    return Scorecard.objects.get(pk=submitted.pk)


def test_the_unit_responds_once(client, liaison, appraised):
    client.force_login(liaison)
    url = reverse("reform_index:card_respond", args=[appraised.pk])
    client.post(url, {"response": "Kế hoạch ban hành ngày 10/01, đúng hạn; gửi kèm văn bản."})
    appraised.refresh_from_db()
    assert appraised.status == CardStatus.RESPONDED and appraised.responded_by == liaison
    response = client.post(url, {"response": "Bổ sung thêm"}, follow=True)
    assert "once" in response.content.decode() or "một lần" in response.content.decode()
    appraised.refresh_from_db()
    assert appraised.response.startswith("Kế hoạch ban hành ngày 10/01")


def test_an_empty_response_is_refused(client, liaison, appraised):
    client.force_login(liaison)
    client.post(reverse("reform_index:card_respond", args=[appraised.pk]), {"response": "  "})
    assert Scorecard.objects.get(pk=appraised.pk).status == CardStatus.APPRAISED


def test_no_response_after_the_deadline(appraised, liaison):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        card_respond(card=appraised, actor=liaison, response="Muộn", today=date(2100, 1, 1))


def test_the_head_waits_for_the_response_until_the_deadline(client, head, appraised):
    client.force_login(head)
    client.post(reverse("reform_index:card_approve", args=[appraised.pk]), {"version": appraised.version})
    assert Scorecard.objects.get(pk=appraised.pk).status == CardStatus.APPRAISED
    card_approve(card=appraised, actor=head, version=appraised.version, today=date(2100, 1, 1))
    assert Scorecard.objects.get(pk=appraised.pk).status == CardStatus.APPROVED


def test_the_head_approves_after_the_response_and_nothing_changes_after(
    client, head, inspector, liaison, appraised
):
    card_respond(card=appraised, actor=liaison, response="Đồng ý")
    appraised.refresh_from_db()
    client.force_login(head)
    client.post(reverse("reform_index:card_approve", args=[appraised.pk]), {"version": appraised.version})
    appraised.refresh_from_db()
    assert appraised.status == CardStatus.APPROVED and appraised.approved_by == head
    client.force_login(inspector)
    url = reverse("reform_index:card_appraise", args=[appraised.pk])
    client.post(url, _form(appraised, {"1.2": ("0", "Muộn")}))
    assert _rows(appraised)["1.2"].appraised_score is None


@pytest.mark.parametrize("role", ["liaison", "scheduler", "head"])
def test_only_inspectors_appraise(client, request, role, submitted):
    client.force_login(request.getfixturevalue(role))
    url = reverse("reform_index:card_appraise", args=[submitted.pk])
    assert client.post(url, _form(submitted, {"1.1": ("0", "x")})).status_code == 403
    assert _rows(submitted)["1.1"].appraised_score is None


def test_only_the_head_approves(client, inspector, liaison, appraised):
    for user in (inspector, liaison):
        client.force_login(user)
        assert client.post(reverse("reform_index:card_approve", args=[appraised.pk])).status_code == 403
    assert Scorecard.objects.get(pk=appraised.pk).status == CardStatus.APPRAISED


def test_outsiders_get_404(client, outsider, submitted):
    client.force_login(outsider)
    assert client.get(reverse("reform_index:card_appraise", args=[submitted.pk])).status_code == 404
    assert client.get(submitted.get_absolute_url()).status_code == 404


def test_two_appraisers_on_the_same_criterion_the_second_sees_the_conflict(
    client, inspector, leader, submitted
):
    url = reverse("reform_index:card_appraise", args=[submitted.pk])
    stale = _form(submitted, {"1.1": ("1", "Theo hồ sơ của Đoàn")})
    client.force_login(inspector)
    assert client.post(url, _form(submitted, {"1.1": ("0.5", "Kế hoạch ban hành chậm")})).status_code == 302
    client.force_login(leader)
    response = client.post(url, stale)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    row = _rows(submitted)["1.1"]
    assert row.appraised_score == Decimal("0.5") and row.appraisal_reason == "Kế hoạch ban hành chậm"


def test_sending_twice_changes_nothing_the_second_time(client, inspector, submitted):
    client.force_login(inspector)
    url = reverse("reform_index:card_send", args=[submitted.pk])
    client.post(url, {"version": submitted.version})
    card = Scorecard.objects.get(pk=submitted.pk)
    client.post(url, {"version": submitted.version})
    again = Scorecard.objects.get(pk=submitted.pk)
    assert again.status == CardStatus.APPRAISED and again.version == card.version


def test_a_refused_response_comes_back_with_the_typed_text_beside_its_error(client, liaison, appraised):
    """A response the form refuses is not lost: the page shows it again, the Vietnamese error beside it."""
    client.force_login(liaison)
    typed = "Kế hoạch ban hành ngày 10/01, đúng hạn. " * 130  # over the 5 000 characters allowed
    response = client.post(reverse("reform_index:card_respond", args=[appraised.pk]), {"response": typed})
    assert response.status_code == 200
    page = response.content.decode()
    field = page.index('name="response"')
    error = page.index('id="id_response_error"')
    assert 0 < error - field < len(typed) + 400  # the error follows the field, not somewhere else
    assert typed.strip() in page[field:error]
    assert "tối đa 5000 kí tự" in page[error:]
    assert 'aria-invalid="true"' in page[field - 300 : field + 300]
    assert Scorecard.objects.get(pk=appraised.pk).status == CardStatus.APPRAISED


def test_the_fields_drawn_in_python_are_django_s_own_markup(submitted):
    from django.template.loader import render_to_string
    from django.test.html import parse_html

    from ..field_html import widget_html
    from ..forms import AppraisalForm
    from ..selectors import card_blocks

    rows = [r for b in card_blocks(card=submitted) for r in b.rows]
    first = rows[0]
    typed = {**_form(submitted, {}), f"appraised_{first.pk}": "99", f"reason_{first.pk}": 'Lý do <b>"x"</b>'}
    for form in (AppraisalForm(rows=rows), AppraisalForm(typed, rows=rows)):
        form.is_valid()
        for name in form.fields:
            assert parse_html(widget_html(form[name])) == parse_html(str(form[name])), name
    # A refused form keeps what was typed, its message beside the field.
    bound = form.bind_rows()[0].bound
    assert 'value="99"' in str(bound["appraised"]) and 'aria-invalid="true"' in str(bound["appraised"])
    assert bound["appraised"].errors and "&lt;b&gt;" in str(bound["reason"])
    for name in ("appraised", "reason"):
        reference = render_to_string("reform_index/_field.html", {"field": form[bound[name].name]})
        assert parse_html(bound[name].block()) == parse_html(reference)


def test_the_criteria_drawn_in_python_are_the_reference_template_s_markup(submitted, last_visit):
    from django.template.loader import render_to_string
    from django.test.html import parse_html
    from django.utils import translation

    from ..appraisal_html import appraisal_rows_html
    from ..forms import AppraisalForm
    from ..selectors import card_blocks

    CriterionScore.objects.filter(scorecard=submitted, criterion__code="1.2").update(
        appraised_score=Decimal("0.25"), appraisal_reason="Thiếu <b>hồ sơ</b>"
    )
    rows = [r for b in card_blocks(card=submitted, with_facts=True) for r in b.rows]
    assert rows[0].facts.answer and rows[0].facts.limitations
    first = rows[0]
    typed = {**_form(submitted, {}), f"appraised_{first.pk}": "99", f"reason_{first.pk}": "Lý do"}
    with translation.override("vi"):
        for form in (AppraisalForm(rows=rows), AppraisalForm(typed, rows=rows)):
            form.is_valid()
            form.bind_rows()
            for editable in (True, False):
                drawn = parse_html(appraisal_rows_html(rows, editable))
                reference = "".join(
                    render_to_string("reform_index/_appraisal_row.html", {"row": r, "editable": editable})
                    for r in rows
                )
                assert drawn == parse_html(reference)
        assert "0,25" in appraisal_rows_html(rows, False) and "&lt;b&gt;" in appraisal_rows_html(rows, False)


def test_the_scorecard_s_criteria_drawn_in_python_are_the_reference_template_s_markup(submitted):
    from django.template.loader import render_to_string
    from django.test.html import parse_html
    from django.utils import translation

    from ..card_html import card_rows_html
    from ..selectors import card_blocks

    CriterionScore.objects.filter(scorecard=submitted, criterion__code="1.2").update(
        appraised_score=Decimal("0.25"), appraisal_reason="Thiếu <b>hồ sơ</b>"
    )
    rows = [r for b in card_blocks(card=submitted) for r in b.rows]
    with translation.override("vi"):
        for shown in (True, False):
            reference = "".join(
                render_to_string("reform_index/_card_row.html", {"row": r, "show_appraisal": shown})
                for r in rows
            )
            assert parse_html(card_rows_html(rows, shown)) == parse_html(reference)
        assert "0,25" in card_rows_html(rows, True) and "0,25" not in card_rows_html(rows, False)


def test_the_rows_carry_their_files_in_order_read_in_one_query(submitted, liaison, django_assert_num_queries):
    """card_blocks reads the card's files in one query (not a queryset per row) and hands each row
    its own, in the order they were uploaded; a row without files has none."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from findings.tests.factories import PDF

    from ..models import IndexEvidence
    from ..selectors import card_blocks
    from ..services import evidence_store

    first, second, *_ = CriterionScore.objects.filter(scorecard=submitted).order_by("criterion__code")
    for score, name in ((first, "b.pdf"), (second, "c.pdf"), (first, "a.pdf")):
        evidence_store(
            score=score,
            upload=SimpleUploadedFile(name, PDF + name.encode(), content_type="application/pdf"),
            actor=liaison,
        )
    with django_assert_num_queries(1):
        blocks = card_blocks(card=submitted)
        rows = {r.pk: r for b in blocks for r in b.rows}
        names = {pk: [f.original_name for f in r.evidence_files] for pk, r in rows.items()}
    assert names[first.pk] == ["b.pdf", "a.pdf"] and names[second.pk] == ["c.pdf"]
    assert sum(map(len, names.values())) == 3
    # The files read with their rows (one row per file) are the plain reading's, each row once.
    plain = {}
    for f in IndexEvidence.objects.filter(score__scorecard=submitted).order_by("uploaded_at", "id"):
        plain.setdefault(f.score_id, []).append((f.pk, f.original_name, f.get_absolute_url()))
    drawn = {
        pk: [(f.pk, f.original_name, f.get_absolute_url()) for f in r.evidence_files]
        for pk, r in rows.items()
    }
    assert {pk: files for pk, files in drawn.items() if files} == plain
    assert [r.pk for b in blocks for r in b.rows] == list(
        CriterionScore.objects.filter(scorecard=submitted)
        .order_by("criterion__domain__order", "criterion__domain_id", "criterion__order", "criterion_id")
        .values_list("pk", flat=True)
    )
    # The criterion's checklist settings (JSON, decoded per row) are not read for these pages.
    assert {"applies_to", "figures", "figure_rules"} <= rows[first.pk].criterion.get_deferred_fields()


def test_the_fields_of_a_plain_get_drawn_from_the_rows_are_the_form_s_markup_byte_for_byte(submitted):
    """On a GET the appraisal's fields are drawn from the rows (field_html.appraisal_fields), not
    through AppraisalForm: the same text as the unbound form's FastFields, every field, whether
    a score, a reason with markup in it, or nothing yet; with and without editing."""
    from django.utils import translation

    from ..appraisal_html import appraisal_rows_html
    from ..field_html import appraisal_fields
    from ..forms import AppraisalForm
    from ..selectors import card_blocks

    CriterionScore.objects.filter(scorecard=submitted, criterion__code="1.2").update(
        appraised_score=Decimal("0.25"), appraisal_reason='Thiếu <b>hồ sơ</b> & "biên bản"\nquý IV'
    )
    CriterionScore.objects.filter(scorecard=submitted, criterion__code="2.1").update(
        appraised_score=Decimal("2"), appraisal_reason=""
    )
    for language in ("vi", "en"):
        with translation.override(language):
            rows = [r for b in card_blocks(card=submitted, with_facts=True) for r in b.rows]
            AppraisalForm(rows=rows).bind_rows()
            by_form = {r.pk: r.bound for r in rows}
            drawn_rows = [r for b in card_blocks(card=submitted, with_facts=True) for r in b.rows]
            appraisal_fields(drawn_rows, editable=True)
            for row in drawn_rows:
                form_fields, drawn = by_form[row.pk], row.bound
                assert str(drawn["version"]) == str(form_fields["version"])
                for name in ("appraised", "reason"):
                    assert str(drawn[name]) == str(form_fields[name]), (row.criterion.code, name)
                    assert drawn[name].block() == form_fields[name].block(), (row.criterion.code, name)
            assert appraisal_rows_html(drawn_rows, True) == appraisal_rows_html(rows, True)
            appraisal_fields(drawn_rows, editable=False)
            assert set(drawn_rows[0].bound) == {"version"}
            assert appraisal_rows_html(drawn_rows, False) == appraisal_rows_html(rows, False)
    assert 'name="appraised_' not in appraisal_rows_html(drawn_rows, False)


def test_the_appraisal_page_of_a_get_and_of_a_refused_post_draw_the_same_fields(client, inspector, submitted):
    """Through the view: the GET (fields drawn from the rows) and a POST refused for another
    reason show the same fields where nothing was typed differently."""
    client.force_login(inspector)
    url = reverse("reform_index:card_appraise", args=[submitted.pk])
    CriterionScore.objects.filter(scorecard=submitted, criterion__code="1.2").update(
        appraised_score=Decimal("0.25"), appraisal_reason="Thiếu <b>hồ sơ</b>"
    )
    page = client.get(url).content.decode()
    assert response_fields(page) and client.get(url).context["form"] is None
    data = _form(submitted, {"1.2": ("0.25", "Thiếu <b>hồ sơ</b>"), "1.1": ("0.5", "")})
    refused = client.post(url, data)
    assert refused.status_code == 200 and refused.context["form"].errors
    one = _rows(submitted)["1.2"].pk
    for drawn in (page, refused.content.decode()):
        assert f'<input type="number" name="appraised_{one}" value="0.25"' in drawn
        assert "Thiếu &lt;b&gt;hồ sơ&lt;/b&gt;</textarea>" in drawn
    get_fields, post_fields = response_fields(page), response_fields(refused.content.decode())
    differing = {name for name in get_fields if get_fields[name] != post_fields[name]}
    two = _rows(submitted)["1.1"].pk
    assert differing == {f"appraised_{two}"}  # what was typed (0.5) and its message
    assert 'id="save-appraisal"' in page


def response_fields(html: str) -> dict[str, str]:
    """Each field's block of the page (label, widget and messages), by the field's name."""
    import re

    blocks = re.findall(r'<div class="mb-2">.*?</div>\n</div>|<div class="mb-2">.*?\n</div>', html, re.S)
    return {re.search(r'name="([^"]+)"', b).group(1): b for b in blocks}


def test_the_domains_drawn_in_python_are_the_reference_template_s_markup(submitted, last_visit):
    """appraisal_blocks_html draws each domain's heading (its totals as ``floatformat:"2"``) and
    criteria as templates/reform_index/_appraisal_blocks.html does."""
    from django.template.defaultfilters import floatformat
    from django.template.loader import render_to_string
    from django.test.html import parse_html
    from django.utils import translation

    from ..appraisal_html import _total, appraisal_blocks_html
    from ..field_html import appraisal_fields
    from ..selectors import card_blocks

    CriterionScore.objects.filter(scorecard=submitted, criterion__code="1.2").update(
        appraised_score=Decimal("0.25"), appraisal_reason="Thiếu <b>hồ sơ</b>"
    )
    blocks = card_blocks(card=submitted, with_facts=True)
    for language in ("vi", "en"):
        with translation.override(language):
            for value in ("0", "0.005", "0.015", "1.5", "12.345", "1234.5", "99999.995", "7"):
                assert _total(Decimal(value)) == floatformat(Decimal(value), "2"), value
            for editable in (True, False):
                appraisal_fields([r for b in blocks for r in b.rows], editable=editable)
                drawn = appraisal_blocks_html(blocks, editable)
                reference = render_to_string(
                    "reform_index/_appraisal_blocks.html", {"blocks": blocks, "editable": editable}
                )
                assert parse_html(drawn) == parse_html(reference)
    with translation.override("vi"):
        assert " · 4,50 → 3,25 / 6,00</h2>" in appraisal_blocks_html(blocks, False)


def test_the_appraisal_reads_a_predecessor_s_inspection_and_skips_the_search_without_one(
    client, django_assert_num_queries, inspector, submitted, commune, department, index_tpl, leader, province
):
    from units.models import UnitKind
    from units.tests.factories import UnitFactory

    url = reverse("reform_index:card_appraise", args=[submitted.pk])
    client.force_login(inspector)
    client.get(url)
    # The visit, its answers and the open limitations: one statement on PostgreSQL (statements.facts),
    # three on SQLite (two without a visit).
    postgresql = connection.vendor == "postgresql"
    facts = 1 if postgresql else 3
    # No predecessor (not looked for), no visit (nor its answers).
    with django_assert_num_queries(6 if postgresql else 7):
        response = client.get(url)
    assert response.context["visit"] is None
    assert 'id="last-visit"' not in response.content.decode()
    old = UnitFactory(name="Xã cũ", kind=UnitKind.COMMUNE, parent=province)
    commune.predecessors.add(old)
    visit = inspected(
        unit=old, department=department, template=index_tpl, leader=leader, scores={"1.1": Decimal("0.5")},
        limitations={},
    )  # fmt: skip
    with django_assert_num_queries(6 + facts):  # the predecessors, the visit, its answers
        response = client.get(url)
    page = response.content.decode()
    assert response.context["visit"].pk == visit.pk
    assert visit.get_absolute_url() in page and visit.plan.title in page
    assert response.context["blocks"][0].rows[0].facts.answer.score == Decimal("0.5")
    commune.predecessors.clear()
    own = inspected(
        unit=commune, department=department, template=index_tpl, leader=leader, scores={"1.1": Decimal("1")},
        limitations={},
    )  # fmt: skip
    with django_assert_num_queries(5 + facts):  # no predecessor any more: not looked for
        response = client.get(url)
    page = response.content.decode()
    assert response.context["visit"].pk == own.pk
    assert own.get_absolute_url() in page and own.plan.title in page
    assert visit.get_absolute_url() not in page
    assert response.context["blocks"][0].rows[0].facts.answer.score == Decimal("1")
