"""The plan directory of a very big portal: its plans listed on pages of PLAN_PAGE_SIZE, by organisation and year.

Three portal-wide pages list every plan: the home page, the all-projects index (once it is split by plan) and the
downloads page. At 2,000 plans (100,000 projects) they were 0.56, 0.77 and 1.45 MB of HTML, growing with every plan.
Above PLAN_LIST_MAX plans each of them lists the directory's pages instead (one line a page: which organisations,
how many plans and projects), and every plan has one row, with its pages and downloads, on one directory page.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.portal import PlanBundle

# Up to this many plans the three pages list every plan (a national portal of 2,000 plans is far above; the
# synthetic 10,000-project portal has 200). A directory row with its links is ~1 KB of HTML: 100 a page.
PLAN_LIST_MAX = 200
PLAN_PAGE_SIZE = 100
FOLDER = "plans"


@dataclass(frozen=True)
class DirectoryPage:
    """One page of the plan directory: its plans (by organisation, then year) and where it is."""

    number: int
    count: int
    bundles: tuple[PlanBundle, ...]

    @property
    def path(self) -> str:
        """`plans/<n>.md`."""
        return f"{FOLDER}/{self.number}.md"

    @property
    def title(self) -> str:
        """`계획 목록 3/20쪽`."""
        return f"계획 목록 {self.number}/{self.count}쪽"

    @property
    def span(self) -> str:
        """`합성기관 0000 – 합성기관 0049`: the first and last organisation on the page."""
        first, last = self.bundles[0].org.name, self.bundles[-1].org.name
        return first if first == last else f"{first} – {last}"

    @property
    def projects(self) -> int:
        """How many projects its plans have."""
        return sum(len(b.projects) for b in self.bundles)


def directory_paths(plans: int) -> list[str]:
    """The paths of the directory's pages of a portal of this many plans (a shard writes stand-ins there: shards/shard.py)."""
    return [] if plans <= PLAN_LIST_MAX else [f"{FOLDER}/{n}.md" for n in range(1, -(-plans // PLAN_PAGE_SIZE) + 1)]


def plan_directory(bundles: list[PlanBundle]) -> list[DirectoryPage]:
    """The directory's pages for these plans, or none when they are few enough to list on one page (PLAN_LIST_MAX)."""
    if not directory_paths(len(bundles)):
        return []
    ordered = sorted(bundles, key=lambda b: (b.org.id, b.plan.year))
    chunks = [tuple(ordered[i : i + PLAN_PAGE_SIZE]) for i in range(0, len(ordered), PLAN_PAGE_SIZE)]
    return [DirectoryPage(n, len(chunks), chunk) for n, chunk in enumerate(chunks, start=1)]
