"""An id in a query string beyond the database's integer range is refused, never a server error.

SQLite stores 64-bit integers and the driver raises OverflowError on a larger Python int; the
filters refuse such an id as they refuse an unknown one, with a Vietnamese message.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.forms import IdChoiceField, IdField
from inspections.models import InspectionPlan

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond 2**64


@pytest.mark.parametrize(
    "name, query",
    [
        ("inspections:visit_list", {"plan": HUGE}),
        ("inspections:visit_list", {"inspector": HUGE}),
        ("inspections:visit_list", {"leader": HUGE}),
        ("findings:action_list", {"plan": HUGE}),
        ("dashboards:head", {"plan": HUGE}),
        ("dashboards:head", {"unit": HUGE}),
        ("dashboards:actions", {"plan": HUGE}),
        ("dashboards:actions", {"unit": HUGE}),
        ("dashboards:actions", {"year": HUGE}),
        ("dashboards:export_actions", {"plan": HUGE, "format": "csv"}),
        ("dashboards:export_actions", {"unit": HUGE, "format": "csv"}),
        ("dashboards:export_visits", {"plan": HUGE, "format": "csv"}),
    ],
)
def test_a_list_filtered_by_an_id_beyond_the_integer_range_answers_without_error(client, head, name, query):
    client.force_login(head)

    response = client.get(reverse(name), query)
    body = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == 200
    assert body


def test_an_id_beyond_the_range_is_refused_in_vietnamese_without_a_query(django_assert_num_queries):
    with translation.override("vi"), django_assert_num_queries(0):
        choice_errors = _errors(IdChoiceField(queryset=InspectionPlan.objects.all(), required=False), HUGE)
        id_errors = _errors(IdField(required=False), HUGE)

    assert choice_errors[0].startswith("Hãy chọn một lựa chọn hợp lệ.")
    assert id_errors == ["Số này không ứng với bản ghi nào."]


def _errors(field, value):
    try:
        field.clean(value)
    except ValidationError as error:
        return [str(message) for message in error.messages]
    return []
