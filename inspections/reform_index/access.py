"""The only way a view turns an id into a round, a scorecard or an evidence file.

Whoever may not see the object gets 404 (its existence is not confirmed); whoever may see it but
not do what the view does gets 403.
"""

from django.db import connection
from django.db.models import Exists, OuterRef
from django.http import Http404

from core.permissions import can, require
from units.models import Unit

from . import statements
from .models import IndexEvidence, IndexRound, Scorecard

_MERGERS = Unit.predecessors.through


def get_round_for_user(user, pk: int, *, perm: str = "reform_index.view_round") -> IndexRound:
    """The round ``pk`` if ``user`` may see it (404 otherwise), and holds ``perm`` on it (403)."""
    index_round = (
        IndexRound.objects.select_related("province", "template", "issued_document").filter(pk=pk).first()
    )
    if index_round is None or not (
        can(user, "reform_index.view_round", index_round)
        or can(user, "reform_index.view_ranking", index_round)
    ):
        raise Http404
    require(user, perm, index_round)
    return index_round


def get_card_for_user(user, pk: int, *, perm: str = "reform_index.view_scorecard") -> Scorecard:
    """The scorecard ``pk`` if ``user`` may see it (404 otherwise), and holds ``perm`` on it (403)."""
    # PostgreSQL: the written-out statement, planned once per connection (statements.card);
    # _card_orm is its reference (and SQLite's reading).
    card = statements.card(pk) if connection.vendor == "postgresql" else _card_orm(pk)
    if card is None or not can(user, "reform_index.view_scorecard", card):
        raise Http404
    require(user, perm, card)
    return card


def _card_orm(pk: int) -> Scorecard | None:
    """The scorecard ``pk`` with its round, province, template and unit, or None.

    By its primary key, without .first()'s ORDER BY ... LIMIT 1 over the joins (which PostgreSQL
    may plan for milliseconds): at most one row. ``unit_has_predecessors``: whether the unit
    replaced any (an index probe of the mergers' table), so that the pages reading the unit's
    inspections skip looking for its predecessors."""
    return next(
        iter(
            Scorecard.objects.select_related("round__province", "round__template", "unit")
            .annotate(unit_has_predecessors=Exists(_MERGERS.objects.filter(from_unit_id=OuterRef("unit_id"))))
            .filter(pk=pk)
        ),
        None,
    )


def get_evidence_for_user(user, pk: int) -> IndexEvidence:
    """An evidence file, for whoever may see its scorecard (404 otherwise)."""
    evidence = (
        IndexEvidence.objects.select_related("score__scorecard__unit", "score__scorecard__round__province")
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not can(user, "reform_index.view_scorecard", evidence.score.scorecard):
        raise Http404
    return evidence
