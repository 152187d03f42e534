"""What one run of `manage.py bench` measured: per page and data set, and the budgets' ratios."""

from dataclasses import dataclass, field

from .registry import PLAIN_PAGE, SIZES, Budget, Page


@dataclass
class Measurement:
    queries: int | None = None
    median_ms: float | None = None
    error: str = ""


@dataclass
class Row:
    page: Page
    by_size: dict[str, Measurement] = field(default_factory=dict)
    # size -> the page's median over the plain 100-row page's, the two requested alternately
    # (measure_pair). The plain page's cost does not depend on the data set, so the change of this
    # ratio from the small to the large set is the page's own growth, without the machine's drift
    # between the two halves of the run (a 0-query login page "grew" 1.33 x in two separate series).
    plain_paired: dict[str, float] = field(default_factory=dict)

    @property
    def grows(self) -> bool:
        counts = [self.by_size[s].queries for s in SIZES if s in self.by_size]
        return None not in counts and len(counts) > 1 and counts[-1] > counts[0]

    @property
    def growth(self) -> float | None:
        """How many times the page's cost grew from the small to the large set: its ratio to the
        plain page on the large set over that on the small set when both were measured alternately
        with it, else its median on the large set over the small one's (None if either is missing)."""
        small_ratio, large_ratio = self.plain_paired.get("small"), self.plain_paired.get("large")
        if small_ratio and large_ratio is not None:
            return large_ratio / small_ratio
        return self.raw_growth

    @property
    def raw_growth(self) -> float | None:
        """The median time on the large data set over the small one's (None if either is missing)."""
        small, large = self.by_size.get("small"), self.by_size.get("large")
        if small is None or large is None or not small.median_ms or large.median_ms is None:
            return None
        return large.median_ms / small.median_ms

    @property
    def failed(self) -> bool:
        return any(m.error for m in self.by_size.values())


@dataclass
class Result:
    floor: dict[str, Measurement]
    rows: list[Row]
    repeat: int
    machine: dict[str, str]
    datasets: dict[str, str] = field(default_factory=dict)
    budgets: list[Budget] = field(default_factory=list)
    # (page, baseline, size) -> ratio of medians measured with the two pages' requests alternating
    # (see measure_pair), which a busy machine disturbs far less than two separate series.
    paired: dict[tuple[str, str, str], float] = field(default_factory=dict)
    # The growth check: a page whose time on the large set passes this many times its time on the
    # small set fails the run (None: growth is printed, not checked). Pages with a ``grows``
    # reason (exports of every row) are left out.
    max_growth: float | None = None

    def median(self, name: str, size: str) -> float | None:
        """The median ms of the page called ``name`` (or of the floor) on data set ``size``."""
        if name == "floor":
            found = self.floor.get(size)
        else:
            found = next((r.by_size.get(size) for r in self.rows if r.page.name == name), None)
        return found.median_ms if found else None

    def ratios(self, budget: Budget) -> dict[str, float | None]:
        out = {}
        for size in SIZES:
            if (budget.page, budget.baseline, size) in self.paired:
                out[size] = self.paired[(budget.page, budget.baseline, size)]
                continue
            page, base = self.median(budget.page, size), self.median(budget.baseline, size)
            out[size] = page / base if page is not None and base else None
        return out

    def over_budget(self) -> list[Budget]:
        return [
            b for b in self.budgets if any(r is not None and r > b.max_ratio for r in self.ratios(b).values())
        ]

    def over_growth(self) -> list[Row]:
        """Pages whose time grew from the small to the large set beyond ``max_growth``."""
        if self.max_growth is None:
            return []
        return [
            row
            for row in self.rows
            if not row.page.grows and row.growth is not None and row.growth > self.max_growth
        ]

    def plain_ratio(self, row: Row, size: str = "large") -> float | None:
        """The page's median over the plain 100-row page's on data set ``size`` (the two requested
        alternately when the run did so)."""
        if size in row.plain_paired:
            return row.plain_paired[size]
        plain = self.median(PLAIN_PAGE, size)
        found = row.by_size.get(size)
        if not plain or found is None or found.median_ms is None:
            return None
        return found.median_ms / plain
