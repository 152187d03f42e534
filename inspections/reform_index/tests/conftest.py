import pytest

from ..models import Scorecard
from .factories import index_template, open_round


@pytest.fixture
def index_tpl(db):
    return index_template()


@pytest.fixture
def index_round(administrator, province, department, commune, other_commune, index_tpl):
    """The 2026 round of Đồng Tháp: the Sở Nội vụ and two communes in scope."""
    return open_round(
        actor=administrator, province=province, units=[department, commune, other_commune], template=index_tpl
    )


@pytest.fixture
def card(index_round, commune):
    """The scorecard of xã Bình Tấn (the liaison's commune)."""
    return Scorecard.objects.get(round=index_round, unit=commune)
