"""The light-page budget's report says plainly which figure is over its budget."""

from devtools.bench.light import Visit, section


def test_the_report_marks_a_figure_over_its_budget():
    lines = section(Visit(120.5, 3.8, 22), Visit(18.6, 0.86, 22), criteria=52, when="06/12/2026")
    text = "\n".join(lines)

    assert "| first (empty cache) | 120.5 KB | 22 | 3.80 s | 100 KB, 3 s: **over budget** |" in text
    assert "| later | 18.6 KB | 22 | 0.86 s | 1 s: within budget |" in text


def test_a_page_within_budget_is_reported_so():
    text = "\n".join(section(Visit(95, 2.9, 20), Visit(10, 0.5, 20), criteria=52, when="06/12/2026"))

    assert "within budget |" in text and "**over budget**" not in text
