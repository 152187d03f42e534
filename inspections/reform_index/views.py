"""Pages of the reform index: short function views (access -> form -> service -> redirect)."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.downloads import private_file_response
from core.pagination import known_page, paginate
from core.permissions import can, require
from reports.documents.loaders.common import default_signer
from units.models import UnitKind

from . import publishing, selectors, services
from .access import get_card_for_user, get_evidence_for_user, get_round_for_user
from .field_html import appraisal_fields
from .forms import AppraisalForm, PublishForm, ResponseForm, RoundOpenForm, SelfScoreForm, VersionForm
from .models import APPRAISABLE, CardStatus
from .ranking import ranking_preview
from .ranking_html import ranking_rows_html
from .round_html import round_rows_html

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


@require_safe
def round_list(request):
    rounds = selectors.rounds_for_user(user=request.user)
    rounds = [r for r in rounds if can(request.user, "reform_index.view_round", r) or r.is_published]
    return render(
        request,
        "reform_index/round_list.html",
        {
            "rounds": rounds,
            "can_open": can(request.user, "reform_index.open_round"),
            "own_cards": [
                c
                for c in selectors.own_cards(user=request.user)
                if can(request.user, "reform_index.score_scorecard", c)
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def round_open(request):
    require(request.user, "reform_index.open_round")
    form = RoundOpenForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            index_round = services.round_open(
                actor=request.user,
                province=d["province"],
                year=d["year"],
                template=d["template"],
                units=form.scope(),
                self_deadline=d["self_deadline"],
                appraisal_deadline=d["appraisal_deadline"],
                response_deadline=d["response_deadline"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The round is open; the units in scope are told by e-mail."))
            return redirect(index_round)
    return render(request, "reform_index/round_open.html", {"form": form})


# Scorecards per page of a round's table, as the project's other lists.
ROUND_PAGE_SIZE = 25


@require_safe
def round_detail(request, pk):
    index_round = get_round_for_user(request.user, pk)
    if not can(request.user, "reform_index.view_round", index_round):
        return redirect("reform_index:ranking", pk=index_round.pk)
    # The round's cards by pages (a province has some 360), its totals by status from one
    # aggregate: whether every card is approved, without reading every card.
    counts = selectors.round_card_counts(index_round=index_round)
    page = paginate(
        request,
        selectors.round_card_rows(index_round=index_round),
        ROUND_PAGE_SIZE,
        count=sum(counts.values()),
    )
    cards = [selectors.RoundCard(*row) for row in page.object_list]
    signer = None
    if can(request.user, "reform_index.publish_round", index_round) and request.user.unit_id:
        s = default_signer(request.user.unit)
        signer = {"authority_line": s.authority_line, "signer_title": s.title, "signer_name": s.name}
    publish_form = PublishForm(initial={"version": index_round.version, **(signer or {})})
    return render(
        request,
        "reform_index/round_detail.html",
        {
            "round": index_round,
            "page": page,
            "status_counts": [
                (label, counts[value]) for value, label in CardStatus.choices if counts.get(value)
            ],
            "rows_html": round_rows_html(cards),
            "all_approved": bool(counts) and set(counts) == {CardStatus.APPROVED},
            "can_publish": can(request.user, "reform_index.publish_round", index_round),
            "publish_form": publish_form,
        },
    )


@require_POST
def round_publish(request, pk):
    index_round = get_round_for_user(request.user, pk, perm="reform_index.publish_round")
    form = PublishForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            publishing.round_publish_request(
                index_round=index_round,
                actor=request.user,
                version=d["version"],
                signer_name=d["signer_name"],
                signer_title=d["signer_title"],
                authority_line=d["authority_line"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The ranking is being issued; its document will be ready shortly."))
    else:
        messages.error(request, _("Fill in the signer to publish the ranking."))
    return redirect(index_round)


# Units per page of a ranking table, as the project's other lists (25): a province ranks some 100
# to 400 communes, the page shows 25 of each kind at a time, its chart as many bars (the issued
# documents and the XLSX hold every row).
RANKING_PAGE_SIZE = 25


@require_safe
def ranking(request, pk):
    index_round = get_round_for_user(request.user, pk, perm="reform_index.view_ranking")
    own_unit = request.user.unit_id
    if index_round.is_published:
        data, preview = index_round.issued_document.snapshot, False
        groups = [dict(g) for g in data["groups"]]
        for group in groups:
            group["page"] = paginate(request, group["rows"], RANKING_PAGE_SIZE, param=f"{group['kind']}_page")
            group["count"] = len(group["rows"])
            group["own"] = _own_place(request, group, own_unit)
    else:
        # Before publication only the department's staff get here (view_ranking): a preview,
        # ranked over the whole province, only the rows shown read with their points.
        pages = {kind: request.GET.get(f"{kind}_page") for kind in UnitKind.values}
        domains, previews = ranking_preview(
            index_round, pages=pages, own_unit=own_unit, per_page=RANKING_PAGE_SIZE
        )
        data, preview = (
            {"year": index_round.year, "province": index_round.province.name, "domains": domains},
            True,
        )
        groups = []
        for group in previews:
            param = f"{group.kind}_page"
            page = known_page(
                request,
                [vars(row) for row in group.rows],
                number=group.number,
                count=group.count,
                per_page=RANKING_PAGE_SIZE,
                param=param,
            )
            own = group.own and _own_link(request, param, group.own.rank, group.own_number)
            groups.append(
                {"kind": group.kind, "label": group.label, "page": page, "count": group.count, "own": own}
            )
    sections = [
        (
            {**group, "rows_html": ranking_rows_html(group["page"].object_list, own_unit)},
            {
                "type": "bar",
                "horizontal": True,
                "max": 100,
                "suffix": "%",
                "labels": [r["unit_name"] for r in group["page"].object_list],
                "series": [
                    {
                        "label": _("Score (%)"),
                        "data": [float(r["percent"]) for r in group["page"].object_list],
                        "color": "#20c997",
                    }
                ],
            },
        )
        for group in groups
    ]
    return render(
        request,
        "reform_index/ranking.html",
        {"round": index_round, "data": data, "preview": preview, "sections": sections, "own_unit": own_unit},
    )


def _own_place(request, group: dict, own_unit) -> dict | None:
    """The user's unit's rank and a link to the page of ``group`` (an issued snapshot's) that shows
    it, when the unit is in the group but not on the page shown (None otherwise)."""
    if own_unit is None:
        return None
    page = group["page"]
    for i, row in enumerate(group["rows"]):
        if row["unit_id"] == own_unit:
            number = i // RANKING_PAGE_SIZE + 1
            return None if number == page.number else _own_link(request, page.param, row["rank"], number)
    return None


def _own_link(request, param: str, rank: int, number: int) -> dict:
    query = request.GET.copy()
    query[param] = str(number)
    return {"rank": rank, "number": number, "url": f"?{query.urlencode()}"}


@require_safe
def ranking_download(request, pk, fmt):
    index_round = get_round_for_user(request.user, pk, perm="reform_index.view_ranking")
    if not index_round.is_published:
        raise Http404
    doc = index_round.issued_document
    files = {
        "docx": (doc.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "pdf": (doc.pdf, "application/pdf"),
        "xlsx": (
            index_round.ranking_xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    }
    if fmt not in files or not files[fmt][0]:
        raise Http404
    file, content_type = files[fmt]
    return private_file_response(
        file, content_type=content_type, filename=f"Chi-so-CCHC-{index_round.year}-{doc.number}.{fmt}"
    )


@require_safe
def card_detail(request, pk):
    return _card_page(request, get_card_for_user(request.user, pk))


def _card_page(request, card, *, response_form=None):
    """The scorecard's page; ``response_form`` is the unit's refused response, shown again with its errors."""
    user = request.user
    blocks = selectors.card_blocks(card=card)
    return render(
        request,
        "reform_index/card_detail.html",
        {
            "card": card,
            "round": card.round,
            "blocks": blocks,
            "can_score": card.status == CardStatus.DRAFT and can(user, "reform_index.score_scorecard", card),
            "can_appraise": card.status in APPRAISABLE and can(user, "reform_index.appraise_scorecard", card),
            "can_send": card.status == CardStatus.SUBMITTED
            and can(user, "reform_index.appraise_scorecard", card),
            "can_respond": card.status == CardStatus.APPRAISED
            and can(user, "reform_index.score_scorecard", card)
            and timezone.localdate() <= card.round.response_deadline,
            "can_approve": card.status in (CardStatus.APPRAISED, CardStatus.RESPONDED)
            and can(user, "reform_index.approve_scorecard", card),
            "show_appraisal": card.status in (CardStatus.APPRAISED, CardStatus.RESPONDED, CardStatus.APPROVED)
            or can(user, "reform_index.view_round", card.round),
            "missing": services.missing_for_submit(card) if card.status == CardStatus.DRAFT else [],
            "response_form": response_form or ResponseForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def card_score(request, pk, domain_pk):
    card = get_card_for_user(request.user, pk, perm="reform_index.score_scorecard")
    blocks = selectors.card_blocks(card=card)
    block = next((b for b in blocks if b.domain.pk == domain_pk), None)
    if block is None:
        raise Http404
    documents = selectors.unit_documents(unit=card.unit)
    form = SelfScoreForm(request.POST or None, request.FILES or None, rows=block.rows, documents=documents)
    locked = card.status != CardStatus.DRAFT
    if request.method == "POST" and locked:
        messages.error(request, _("The self-scoring was submitted: it is locked."))
        return redirect(card)
    if request.method == "POST" and form.is_valid():
        try:
            services.card_self_save(
                card=card, actor=request.user, rows=form.self_rows(), uploads=form.uploads()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            following = next((b for b in blocks[blocks.index(block) + 1 :]), None)
            if "next" in request.POST and following is not None:
                return redirect("reform_index:card_score", pk=card.pk, domain_pk=following.domain.pk)
            return redirect(reverse("reform_index:card_score", args=[card.pk, domain_pk]))
    return render(
        request,
        "reform_index/card_score.html",
        {
            "card": card,
            "round": card.round,
            "domain_block": block,
            "blocks": blocks,
            "form": form,
            "rows": form.bind_rows(),
        },
    )


@require_POST
def card_submit(request, pk):
    return _card_action(
        request,
        partial(get_card_for_user, request.user, pk, perm="reform_index.score_scorecard"),
        VersionForm,
        services.card_submit,
        _("The self-scoring was submitted; it is now locked and goes to the appraisal team."),
    )


@require_http_methods(["GET", "POST"])
def card_appraise(request, pk):
    card = get_card_for_user(request.user, pk, perm="reform_index.appraise_scorecard")
    # A save that succeeds goes back to the page: the last inspection's facts beside each row are
    # read only to draw it (a GET, or a refused save).
    blocks = selectors.card_blocks(card=card, with_facts=request.method != "POST")
    rows = [r for b in blocks for r in b.rows]
    editable = card.status in APPRAISABLE
    if request.method == "POST":
        form = AppraisalForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                services.card_appraise(card=card, actor=request.user, rows=form.appraisal_rows())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The appraisal was saved."))
                return redirect("reform_index:card_appraise", pk=card.pk)
        # Refused: the page again with what was typed and the messages beside the fields, the
        # rows read again with their facts (the form keeps what was typed).
        blocks = selectors.card_blocks(card=card, with_facts=True)
        form.rows = rows = [r for b in blocks for r in b.rows]
        form.bind_rows()
    else:
        # A plain GET: the unbound form's fields drawn straight from the rows (no form built).
        form = None
        appraisal_fields(rows, editable=editable)
    return render(
        request,
        "reform_index/card_appraise.html",
        {
            "card": card,
            "round": card.round,
            "blocks": blocks,
            "form": form,
            "editable": editable,
            "can_send": card.status == CardStatus.SUBMITTED,
            "visit": blocks
            and blocks[0].rows
            and getattr(blocks[0].rows[0], "facts", None)
            and blocks[0].rows[0].facts.visit,
        },
    )


@require_POST
def card_send(request, pk):
    return _card_action(
        request,
        partial(get_card_for_user, request.user, pk, perm="reform_index.appraise_scorecard"),
        VersionForm,
        services.card_send_appraisal,
        _("The appraisal was sent to the unit."),
    )


@require_POST
def card_respond(request, pk):
    # A refused response comes back in the page, the typed text kept, the error beside it.
    return _card_action(
        request,
        partial(get_card_for_user, request.user, pk, perm="reform_index.score_scorecard"),
        ResponseForm,
        services.card_respond,
        _("Your response was sent to the appraisal team."),
        refused=lambda card, form: _card_page(request, card, response_form=form),
    )


@require_POST
def card_approve(request, pk):
    return _card_action(
        request,
        partial(get_card_for_user, request.user, pk, perm="reform_index.approve_scorecard"),
        VersionForm,
        services.card_approve,
        _("The final scores were approved."),
    )


def _card_action(request, access, form_class, service, success, *, refused=None):
    """A scorecard's one-button step: access (404/403) -> form -> service -> message -> back to the card.

    The form's cleaned data are the service's keyword arguments besides ``card`` and ``actor``.
    ``refused(card, form)``, when given, answers a form that the form or the service refuses on a
    field (the page again with the form); other refusals are flashed on the card's page.
    """
    card = access()
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(card=card, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if refused is None or not hasattr(exc, "error_dict"):
                return _flash_back(request, card, exc.messages)
            _add_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(card)
    if refused is not None:
        return refused(card, form)
    return _flash_back(request, card, [e for errors in form.errors.values() for e in errors])


def _flash_back(request, card, errors):
    for message in errors[:10]:
        messages.error(request, message)
    return redirect(card)


@require_safe
def evidence_download(request, pk):
    evidence = get_evidence_for_user(request.user, pk)
    return private_file_response(
        evidence.file,
        content_type=evidence.content_type,
        as_attachment=evidence.content_type not in INLINE_TYPES,
        filename=evidence.original_name,
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
