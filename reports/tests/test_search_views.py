"""The search box: diacritics and case ignored on SQLite and PostgreSQL, results grouped by kind,
each kind limited to what the user may see, paginated."""

import pytest
from django.db import connection
from django.urls import reverse

from inspections.models import VisitStatus
from reports.search.selectors import search_findings
from units.tests.factories import UserFactory

from . import factories

pytestmark = pytest.mark.django_db

URL = reverse("search:search")


def _search(client, user, q, **params):
    client.force_login(user)
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return {group["kind"].key: list(group["page"]) for group in response.context["groups"]}


def _texts(findings):
    return sorted(f.text for f in findings)


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL, {"q": "mot cua"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_is_not_allowed(client, head):
    client.force_login(head)
    assert client.post(URL, {"q": "mot cua"}).status_code == 405


@pytest.mark.parametrize(
    "query",
    ["ho so tre han", "HỒ SƠ TRỄ HẠN", "Ho So Tre Han", "hồ sơ trễ hạn", "tre han ho so"],
)
def test_diacritics_case_and_word_order_do_not_matter(client, head, world, query):
    groups = _search(client, head, query)
    assert _texts(groups["findings"]) == [
        "Bộ phận Một cửa chưa niêm yết đầy đủ thủ tục hành chính; còn 5 hồ sơ trễ hạn."
    ]


def test_mot_cua_finds_the_one_stop_shop_findings_and_recommendations(client, head, world):
    groups = _search(client, head, "mot cua")
    assert _texts(groups["findings"]) == [
        "Bộ phận Một cửa chưa niêm yết đầy đủ thủ tục hành chính; còn 5 hồ sơ trễ hạn.",
        "Bộ phận một cửa bố trí khoa học.",
    ]
    assert [f.recommendation for f in groups["recommendations"]] == [
        "Niêm yết công khai đầy đủ TTHC tại Bộ phận Một cửa."
    ]


def test_d_with_stroke_matches_plain_d(client, head, world):
    groups = _search(client, head, "DONG THAP")
    assert [unit.name for unit in groups["units"]] == ["UBND tỉnh Đồng Tháp", "Sở Nội vụ tỉnh Đồng Tháp"]


def test_every_word_must_appear(client, head, world):
    groups = _search(client, head, "mot cua khong-co-dau")
    assert groups["findings"] == []


def test_visits_are_found_by_their_unit(client, head, world):
    groups = _search(client, head, "binh tan")
    assert {v.pk for v in groups["visits"]} == {world.binh_tan_2025.pk, world.binh_tan_2026.pk}
    assert [u.name for u in groups["units"]] == ["Xã Bình Tấn"]


def test_head_of_one_province_finds_nothing_of_another(client, outsider, world):
    groups = _search(client, outsider, "mot cua")
    assert _texts(groups["findings"]) == [
        "Bộ phận Một cửa của xã Vô Tranh chưa có sổ theo dõi hồ sơ trễ hạn."
    ]
    assert groups["units"] == []


def test_liaison_finds_only_their_own_units_concluded_findings(client, liaison, world, other_commune, leader):
    reviewed = factories.limitation(
        visit=world.tan_my_2026, code="2.1", creator=leader, text="Bộ phận một cửa xã Tân Mỹ chưa có sổ."
    )
    assert reviewed.visit.status == VisitStatus.REVIEWED
    groups = _search(client, liaison, "mot cua")
    assert _texts(groups["findings"]) == [
        "Bộ phận Một cửa chưa niêm yết đầy đủ thủ tục hành chính; còn 5 hồ sơ trễ hạn.",
        "Bộ phận một cửa bố trí khoa học.",
    ]
    assert {v.unit_id for v in _search(client, liaison, "xa")["visits"]} == {world.binh_tan_2026.unit_id}


def test_a_liaison_does_not_see_findings_of_their_unit_before_the_conclusion(client, liaison, world):
    world.binh_tan_2026.status = VisitStatus.REVIEWED
    world.binh_tan_2026.save(update_fields=["status"])
    groups = _search(client, liaison, "hồ sơ trễ hạn")
    assert groups["findings"] == []


def test_a_user_without_a_role_finds_nothing(client, world, commune):
    nobody = UserFactory(username="nobody", unit=commune, roles=[])
    groups = _search(client, nobody, "mot cua")
    assert all(results == [] for results in groups.values())


def test_one_kind_is_paginated(client, head, world, leader):
    for n in range(30):
        factories.limitation(
            visit=world.binh_tan_2026, code="1.2", creator=leader, text=f"Sổ một cửa số {n} ghi chép thiếu."
        )
    client.force_login(head)
    first = client.get(URL, {"q": "ghi chep thieu", "kind": "findings"})
    second = client.get(URL, {"q": "ghi chep thieu", "kind": "findings", "page": 2})
    (group,) = first.context["groups"]
    assert group["page"].paginator.count == 30
    assert len(group["page"]) == 25
    assert len(second.context["groups"][0]["page"]) == 5


def test_everything_shows_a_preview_of_each_kind_with_a_link_to_all(client, head, world, leader):
    for n in range(7):
        factories.limitation(
            visit=world.binh_tan_2026, code="1.2", creator=leader, text=f"Một cửa: thiếu sổ {n}."
        )
    client.force_login(head)
    response = client.get(URL, {"q": "mot cua"})
    groups = {g["kind"].key: g["page"] for g in response.context["groups"]}
    assert len(groups["findings"]) == 5
    assert groups["findings"].paginator.count == 9
    assert "kind=findings" in response.content.decode()


def test_a_query_of_one_letter_searches_nothing(client, head, world):
    client.force_login(head)
    response = client.get(URL, {"q": "a"})
    assert response.context["groups"] == []
    assert response.status_code == 200


def test_search_runs_a_fixed_number_of_queries(client, head, world, leader, django_assert_max_num_queries):
    for n in range(10):
        factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader, text=f"Một cửa {n}.")
    client.force_login(head)
    # Session, user, roles, the user's unit, the visible visits and the two kinds of findings
    # counted together, units, visits (the units a unit so named replaced within it), the
    # findings' and recommendations' pages. PostgreSQL: the visible visits, the counts and the
    # units' and visits' pages in one statement (search_everything), the findings' and
    # recommendations' pages in one (FindingPages); on SQLite the visible visits and the counts
    # are two queries, the pages four.
    with django_assert_max_num_queries(6 if connection.vendor == "postgresql" else 10):
        client.get(URL, {"q": "mot cua"})


@pytest.mark.parametrize("query", ["mot cua", "ho so tre han", "khong-co-dau", "ho so"])
def test_the_two_kinds_of_findings_are_counted_together_as_each_alone(
    head, world, leader, query, monkeypatch
):
    from reports.search import selectors

    monkeypatch.setattr(selectors, "RESULT_CAP", 3)
    factories.one_stop_limitations(visit=world.binh_tan_2026, creator=leader, count=6)
    visit_ids = selectors.finding_visit_ids(user=head)
    sources = [
        selectors._capped_count_source(field=field, user=head, query=query, visit_ids=visit_ids)
        for field in ("text", "recommendation")
    ]
    alone = [source.order_by().values("pk")[:4].count() for source in sources]
    assert selectors.capped_counts(sources) == alone
    assert (
        alone == {"mot cua": [4, 4], "ho so tre han": [4, 0], "khong-co-dau": [0, 0], "ho so": [4, 4]}[query]
    )


def test_fold_expression_matches_text_with_diacritics_in_the_database(head, world):
    found = search_findings(user=head, query="KHOA HOC")
    assert [f.text for f in found] == ["Bộ phận một cửa bố trí khoa học."]


def test_the_next_page_link_leads_to_the_next_page(client, head, world, leader):
    import re

    for n in range(30):
        factories.limitation(
            visit=world.binh_tan_2026, code="1.2", creator=leader, text=f"Ghi chép thiếu {n}."
        )
    client.force_login(head)
    html = client.get(URL, {"q": "ghi chep thieu", "kind": "findings"}).content.decode()
    href = (
        re.search(r'class="page-link" href="([^"]+)">[^<]*</a></li>\s*</ul>', html)
        .group(1)
        .replace("&amp;", "&")
    )
    assert href.startswith("?") and not href.startswith("??")
    second = client.get(URL + href)
    assert second.context["groups"][0]["page"].number == 2


def test_the_fast_fold_of_sqlite_equals_fold_on_every_latin_letter():
    import unicodedata

    from core.search import fold_fast
    from core.text import fold

    for code in [*range(0x20, 0x250), *range(0x1E00, 0x1F00)]:
        for form in (chr(code), unicodedata.normalize("NFD", chr(code))):
            assert " ".join(fold_fast(form).split()) == fold(form), hex(code)


def _queries(client, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(URL, params)
    return len(queries)


@pytest.mark.parametrize("params", [{"q": "mot cua"}, {"q": "ho so tre han", "kind": "findings"}])
def test_the_number_of_queries_does_not_grow_with_the_results(
    client, head, world, leader, params, monkeypatch
):
    """Each kind's page and count take a fixed number of queries at any size, on both sides of
    the findings' SPARSE switch (sorted matches, or the walk by date)."""
    from reports.search import selectors

    monkeypatch.setattr(selectors, "SPARSE", 10)
    client.force_login(head)
    counts = []
    for extra in (3, 40):
        for n in range(extra):
            factories.limitation(
                visit=world.binh_tan_2026, code="1.2", creator=leader, text=f"Một cửa: hồ sơ trễ hạn số {n}."
            )
        counts.append(_queries(client, params))
    assert counts[0] == counts[1]


def test_a_page_past_the_last_shows_the_last_page(client, head, world, leader):
    for n in range(30):
        factories.limitation(
            visit=world.binh_tan_2026, code="1.2", creator=leader, text=f"Ghi chép thiếu {n}."
        )
    client.force_login(head)
    response = client.get(URL, {"q": "ghi chep thieu", "kind": "findings", "page": 9})
    (group,) = response.context["groups"]
    assert group["page"].number == 2
    assert group["page"].paginator.count == 30
    assert len(group["page"]) == 5
    response = client.get(URL, {"q": "ghi chep thieu", "kind": "findings", "page": "x"})
    assert response.context["groups"][0]["page"].number == 1


def test_short_and_long_words_together_still_need_every_word(client, head, world, leader):
    """On PostgreSQL the words of three letters or more go through the trigram index, the shorter
    ones are checked on the rows it gives: both must occur."""
    factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader, text="Hồ sơ lưu trữ thiếu.")
    factories.limitation(
        visit=world.binh_tan_2026, code="1.2", creator=leader, text="Tài liệu lưu trữ thiếu."
    )
    groups = _search(client, head, "ho luu tru", kind="findings")
    assert _texts(groups["findings"]) == ["Hồ sơ lưu trữ thiếu."]
    assert _texts(search_findings(user=head, query="LƯU TRỮ")) == [
        "Hồ sơ lưu trữ thiếu.",
        "Tài liệu lưu trữ thiếu.",
    ]


def _many_across_visits(world, leader, count):
    """``count`` findings with "một cửa" in their text and recommendation, spread over three
    visits of different dates and created out of date order (so the finding ids do not follow
    the dates)."""
    visits = [world.binh_tan_2026, world.binh_tan_2025, world.tan_my_2026]
    for n in range(count):
        factories.limitation(
            visit=visits[n % 3],
            code="1.2",
            creator=leader,
            text=f"Sổ một cửa số {n} ghi chép thiếu.",
            recommendation=f"Bộ phận một cửa bổ sung sổ {n}.",
        )


@pytest.mark.parametrize("kind", ["findings", "recommendations"])
def test_many_matches_are_walked_by_date_in_the_same_order_as_few(
    client, head, world, leader, kind, monkeypatch
):
    """Past SPARSE matches the page walks the visits newest first instead of sorting every
    match: same rows, same order ((visit date, finding id) newest first), on every page."""
    from reports.search import selectors

    _many_across_visits(world, leader, 30)
    pages = {}
    for sparse in (1000, 3):
        monkeypatch.setattr(selectors, "SPARSE", sparse)
        pages[sparse] = [
            [f.pk for f in _search(client, head, "mot cua", kind=kind, page=n)[kind]] for n in (1, 2)
        ] + [[f.pk for f in _search(client, head, "mot cua")[kind]]]
    assert pages[3] == pages[1000]
    found = [f for n in (1, 2) for f in _search(client, head, "mot cua", kind=kind, page=n)[kind]]
    keys = [(f.visit.starts_at, f.pk) for f in found]
    assert keys == sorted(keys, reverse=True)
    assert len(found) == len({f.pk for f in found}) >= 30
    assert pages[3][2] == pages[3][0][:5]


def test_past_the_cap_the_count_reads_more_than(client, head, world, leader, monkeypatch):
    """A common word: the matches are counted up to RESULT_CAP ("hơn 200"), the pages reach that
    many rows, and the page says to narrow the search."""
    from reports.search import selectors

    monkeypatch.setattr(selectors, "RESULT_CAP", 10)
    monkeypatch.setattr(selectors, "SPARSE", 4)
    monkeypatch.setattr("reports.search.views.RESULT_CAP", 10)
    _many_across_visits(world, leader, 14)
    client.force_login(head)
    response = client.get(URL, {"q": "ghi chep thieu", "kind": "findings"})
    (group,) = response.context["groups"]
    assert group["page"].capped
    assert group["page"].paginator.count == 10
    html = response.content.decode()
    assert "hơn 10" in html
    assert "Chỉ liệt kê 10 kết quả mới nhất" in html
    everything = client.get(URL, {"q": "ghi chep thieu"}).content.decode()
    assert "Xem hơn 10 kết quả" in everything
    last = client.get(URL, {"q": "ghi chep thieu", "kind": "findings", "page": 9}).context["groups"][0][
        "page"
    ]
    assert last.number == 1 and len(last) == 10
    few = client.get(URL, {"q": "ghi chep thieu so 1", "kind": "findings"}).context["groups"][0]["page"]
    assert not few.capped


@pytest.mark.parametrize(
    "query",
    [
        "binh tan",  # the unit's name
        "ke hoach 2025",  # the plan's title, and a short word
        "tru so ubnd",  # the place only
        "BÌNH tấn kế hoạch",  # unit and plan together, any case and accents
        "tan hoi truong",  # unit and place
        "binh ubnd 2026 xa",  # the three, with a short word
        "ke",  # a short word only: every visit folded
        "binh khong-co-dau",  # a word nowhere: nothing
        "h tan",  # a one-letter word with a long one
    ],
)
def test_visits_match_the_words_in_their_unit_plan_and_place_together(head, world, query):
    """The visits kind finds its candidates through the trigram indexes on PostgreSQL
    (VisitWordsMatch): the same visits as folding the unit name, plan title and place joined,
    each word in any of the three."""
    from core.search import matches_words
    from inspections.models import Visit
    from reports.search.selectors import search_visits

    Visit.objects.filter(pk=world.binh_tan_2026.pk).update(place="Hội trường UBND xã")
    Visit.objects.filter(pk=world.tan_my_2026.pk).update(place="Trụ sở UBND xã Tân Mỹ")
    found = {visit.pk for visit in search_visits(user=head, query=query)}
    expected = set(
        Visit.objects.filter(matches_words(query, "unit__name", "plan__title", "place"))
        .exclude(pk=world.foreign_2026.pk)
        .values_list("pk", flat=True)
    )
    assert found == expected
    assert bool(found) == (query not in {"binh khong-co-dau"}), query


def test_on_postgresql_the_visits_are_found_through_the_trigram_indexes(head, world):
    from django.db import connection

    from reports.search.selectors import search_visits

    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's")
    sql = str(search_visits(user=head, query="binh tan").query)
    # Among the visible visits, those whose unit's folded name (trigram index) holds the word...
    assert "ANY(ARRAY(SELECT id FROM inspections_visit WHERE id IN (" in sql
    assert "(unit_id = ANY(ARRAY(SELECT id FROM units_unit WHERE search_fold(name) LIKE" in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN "
            "('reports_unit_name_fold_trgm', 'reports_visit_place_fold_trgm')"
        )
        assert len(cursor.fetchall()) == 2


@pytest.mark.parametrize("query", ["binh tan", "ke hoach", "xa", "tru so"])
def test_a_liaison_finds_the_same_visits_as_the_fold_among_the_visits_they_see(liaison, world, query):
    """The candidates are looked for among the user's visible visits (VisitWordsMatch's
    ``within``): the same visits as the joined fold of what the liaison sees."""
    from core.search import matches_words
    from inspections.models import Visit
    from inspections.selectors import visits_visible_to
    from reports.search.selectors import search_visits

    Visit.objects.filter(pk=world.binh_tan_2026.pk).update(place="Trụ sở UBND xã Bình Tấn")
    found = {visit.pk for visit in search_visits(user=liaison, query=query)}
    visible = visits_visible_to(liaison)
    expected = set(
        visible.filter(matches_words(query, "unit__name", "plan__title", "place")).values_list(
            "pk", flat=True
        )
    )
    assert found == expected
    assert found <= set(visible.values_list("pk", flat=True))
    assert found or query not in {"binh tan", "tru so"}


def test_the_visible_visit_ids_are_written_as_an_array_once_a_search():
    from reports.search.selectors import IdList, InIds, array_literal

    ids = IdList([3, 1, 2])
    assert array_literal(ids) == "{3,1,2}" == array_literal([3, "1", 2])
    # The same string for every query of the search (written once), the list itself kept.
    assert array_literal(ids) is array_literal(ids)
    assert InIds("visit_id", ids).ids is ids
