"""A checklist page around its rows: the domains with their totals, the whole checklist's
progress and points, and the applicable criteria still unanswered. The page shows the summaries
once; the autosave sends them again out of band with every save (from the same read, so they
always agree). Built in Python like the rows (see html.py).
"""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .formats import format_percent, format_score
from .html import escape, row_html
from .names import N


def _missing_item(c) -> str:
    return f'<li id="{N.missing}{c.pk}"><a href="#criterion-{c.pk}" title="{escape(c.title)}">{escape(c.code)}</a></li>'


def _missing_count(count: int, *, oob: bool = False) -> str:
    swap = ' hx-swap-oob="true"' if oob else ""
    if not count:
        text = _("Every applicable criterion is answered.")
        return f'<p id="checklist-missing-count" class="text-success mb-2"{swap}>{escape(text)}</p>'
    text = ngettext(
        "One applicable criterion is not answered yet:",
        "%(counter)s applicable criteria are not answered yet:",
        count,
    ) % {"counter": count}
    return f'<p id="checklist-missing-count" class="mb-1"{swap}>{escape(text)}</p>'


def missing_html(items, *, oob: bool = False) -> SafeString:
    """The applicable criteria still unanswered (rows or criteria): how many, and a link to each
    showing its code and titled with its name; or that every one is answered."""
    criteria = [getattr(item, "criterion", item) for item in items]
    links = "".join(_missing_item(c) for c in criteria)
    swap = ' hx-swap-oob="true"' if oob else ""
    listed = f'<ul id="checklist-missing-list" class="missing-list list-inline small mb-3">{links}</ul>'
    return SafeString(  # escaped or numbers
        f'<div id="checklist-missing"{swap}>{_missing_count(len(criteria))}{listed if criteria else ""}</div>'
    )


def missing_change_html(criterion, *, remaining: int, was_missing: bool, is_missing: bool) -> SafeString:
    """What an autosave changes in the list of unanswered criteria, out of band, without reading
    the other answers: the count (from the roll-up totals), and this criterion's link taken out
    or put back. With none left, the whole list is sent again (empty), so that links of
    criteria a teammate answered meanwhile go too; with this one the only one, the whole list."""
    if not remaining:
        return missing_html([], oob=True)
    if remaining == 1 and is_missing and not was_missing:
        # The only one left: the list was empty (and not on the page), it is this criterion.
        return missing_html([criterion], oob=True)
    parts = [_missing_count(remaining, oob=True)]
    if was_missing and not is_missing:
        parts.append(f'<li id="{N.missing}{criterion.pk}" hx-swap-oob="delete"></li>')
    elif is_missing and not was_missing:
        parts.append(f'<ul hx-swap-oob="beforeend:#checklist-missing-list">{_missing_item(criterion)}</ul>')
    return SafeString("".join(parts))


def domain_totals_html(domain_id: int, totals, labels, *, oob: bool = False) -> SafeString:
    """A domain's points (and % of its applicable maximum) and how many of its criteria are answered."""
    points = labels["points"] % {
        "points": format_score(totals.points),
        "max": format_score(totals.max_points),
    }
    percent = f" ({format_percent(totals.percent)})" if totals.percent is not None else ""
    answered = labels["domain_answered"] % {"answered": totals.answered, "applicable": totals.applicable}
    swap = ' hx-swap-oob="true"' if oob else ""
    return SafeString(
        f'<span class="domain-totals small text-nowrap" id="domain-totals-{domain_id}"{swap}>'
        f"{points}{percent} · {answered}</span>"
    )


def progress_html(totals, labels, *, oob: bool = False) -> SafeString:
    """The checklist's progress (“38 / 54 answered”) and points (“45,5 / 88 points · 51,7 %”)."""
    answered = labels["answered"] % {"answered": totals.answered, "applicable": totals.applicable}
    points = labels["points"] % {
        "points": format_score(totals.points),
        "max": format_score(totals.max_points),
    }
    percent = f" · <strong>{format_percent(totals.percent)}</strong>" if totals.percent is not None else ""
    swap = ' hx-swap-oob="true"' if oob else ""
    return SafeString(
        f'<div id="checklist-progress" class="checklist-progress" data-answered="{totals.answered}" '
        f'data-applicable="{totals.applicable}"{swap}><div class="d-flex flex-wrap align-items-baseline column-gap-3">'
        f'<strong class="progress-count">{answered}</strong><span class="progress-points">{points}{percent}</span>'
        f'</div><progress class="w-100 checklist-progress-bar" max="{totals.applicable or 1}" '
        f'value="{totals.answered}">{totals.answered}/{totals.applicable}</progress></div>'
    )


def sections_html(sections, labels, *, can_answer: bool, kind: str = "team") -> SafeString:
    """Every domain of the checklist: its title and (for the team) its totals, then its criteria."""
    parts = []
    for section in sections:
        domain = section.domain
        parts.append(
            f'<section class="checklist-domain mb-4" id="domain-{domain.pk}" aria-labelledby="domain-title-{domain.pk}">'
            '<div class="domain-header d-flex flex-wrap align-items-baseline column-gap-2 mb-2">'
            f'<h2 class="h5 mb-0 me-auto" id="domain-title-{domain.pk}">{escape(domain.code)}. {escape(domain.title)}</h2>'
            f"{domain_totals_html(domain.pk, section.totals, labels) if kind == 'team' else ''}</div>"
        )
        parts.extend(row_html(row, labels, can_answer=can_answer, kind=kind) for row in section.rows)
        parts.append("</section>")
    return SafeString("".join(parts))


def next_unanswered_html() -> SafeString:
    """The button that brings the next applicable criterion still unanswered into view (the
    script reads the list of unanswered criteria, which every save keeps current)."""
    return SafeString(
        f'<button type="button" class="btn btn-sm btn-outline-primary mt-1" {N.next_unanswered}>'
        f"{escape(_('Next unanswered criterion'))}</button>"
    )


def banners_html() -> SafeString:
    """What waits on the device (with “Send now”) and the lost connection; hidden until the
    script (static/js/checklist/) fills and shows them."""
    return SafeString(
        f'<div id="{N.queue_banner}" class="alert alert-warning py-1 px-2 mb-0 mt-1 small d-flex flex-wrap '
        'align-items-center gap-2" role="status" aria-live="polite" hidden>'
        f'<span class="{N.queue_text} me-auto"></span><button type="button" class="btn btn-sm btn-warning py-0" '
        f"{N.flush}>{escape(_('Send now'))}</button></div>"
        f'<div id="{N.offline_banner}" class="alert alert-secondary py-1 px-2 mb-0 mt-1 small" role="status" hidden></div>'
    )
