"""A document's numbering profile, inferred from the document itself: which marker shapes nest under which, as a tree."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .lines import Line, squeeze
from .markers import Marker, marker_of


@dataclass
class Item:
    """A numbered stretch of the document: its heading line and marker, own lines, and sub-items."""

    marker: Marker
    head: Line
    lines: list[Line] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """The marker shape of this item."""
        return self.marker.kind

    def all_lines(self) -> list[Line]:
        """Heading, own lines and every sub-item's lines in document order."""
        out = [self.head, *self.lines, *(ln for c in self.children for ln in c.all_lines())]
        return sorted(out, key=lambda ln: ln.no)

    def walk(self) -> list[Item]:
        """The item and all its descendants, depth first."""
        return [self, *(d for c in self.children for d in c.walk())]


@dataclass
class Profile:
    """The marker shapes of one document, from the outermost level in, and the tree they make."""

    order: list[str]
    prefix: list[Line]
    roots: list[Item]

    def items(self) -> list[Item]:
        """Every item of the tree, depth first."""
        return [i for r in self.roots for i in r.walk()]

    def by_kind(self) -> dict[str, list[Item]]:
        """Items grouped by marker shape."""
        out: dict[str, list[Item]] = defaultdict(list)
        for item in self.items():
            out[item.kind].append(item)
        return out


def markers(lines: list[Line]) -> list[tuple[Line, Marker]]:
    """Every line that opens with a numbering marker."""
    out = []
    for line in lines:
        m = marker_of(line.text) if line.kind not in ("row", "blank") else None
        if m:
            out.append((line, m))
    return out


def nesting_order(found: list[tuple[Line, Marker]]) -> list[str]:
    """Marker shapes from outermost to innermost: a shape first met inside another nests under it (the commonest depth wins)."""
    stack: list[str] = []
    depths: dict[str, Counter[int]] = defaultdict(Counter)
    for _, m in found:
        if m.kind in stack:
            del stack[stack.index(m.kind) + 1:]
        else:
            stack.append(m.kind)
        depths[m.kind][len(stack) - 1] += 1
    first = {m.kind: i for i, (_, m) in reversed(list(enumerate(found)))}
    # Chapters (Ⅰ., 붙임) are outermost in every plan of the genre, even after a summary box printed above them.
    return sorted(depths, key=lambda k: (k != "chapter", _mean_depth(depths[k]), first[k]))


def _mean_depth(counts: Counter[int]) -> float:
    """The average depth at which a shape was met."""
    return sum(d * n for d, n in counts.items()) / sum(counts.values())


def build(lines: list[Line]) -> Profile:
    """The document's profile: shape order and the item tree over its lines."""
    found = markers(lines)
    order = nesting_order(found)
    rank = {k: i for i, k in enumerate(order)}
    heads = {ln.no: m for ln, m in found}
    prefix: list[Line] = []
    roots: list[Item] = []
    stack: list[Item] = []
    for line in lines:
        m = heads.get(line.no)
        if m is None:
            (stack[-1].lines if stack else prefix).append(line)
            continue
        while stack and rank[stack[-1].kind] >= rank[m.kind]:
            stack.pop()
        item = Item(m, line)
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
    return Profile(order, prefix, roots)


def title_key(title: str) -> str:
    """A title for comparing repeats: spaces, bold marks and a trailing parenthesis removed."""
    key = squeeze(title)
    cut = key.find("(")
    return key[:cut] if cut > 0 else key
