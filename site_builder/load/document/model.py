"""The document as read from HWP 5, HWPX or plain text: paragraphs and tables in reading order."""

from __future__ import annotations

from dataclasses import dataclass


class DocumentError(Exception):
    """A file that cannot be read; str(exc) is a Korean sentence saying what the file is and what to do."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as typed: numbering glyphs kept, tabs as TAB characters, line breaks as spaces."""

    text: str


@dataclass(frozen=True)
class Cell:
    """One table cell: its top-left grid position, spans, content blocks and background colour."""

    row: int
    col: int
    row_span: int
    col_span: int
    blocks: tuple[Paragraph | Table, ...]
    fill: str | None = None

    @property
    def text(self) -> str:
        """The cell's non-blank paragraphs joined by newlines (a nested table adds one line per row)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend(" ".join(c.text.replace("\n", " ") for c in row if c.text.strip()) for row in block.rows())
        return "\n".join(line for line in lines if line.strip())


@dataclass(frozen=True)
class Table:
    """A table of n_rows x n_cols grid positions; cells cover one or more positions."""

    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]

    def grid(self) -> list[list[Cell | None]]:
        """n_rows x n_cols positions, each the cell covering it (a merged cell fills all it covers)."""
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + max(cell.row_span, 1), self.n_rows)):
                for c in range(cell.col, min(cell.col + max(cell.col_span, 1), self.n_cols)):
                    grid[r][c] = cell
        return grid

    def rows(self) -> list[list[Cell]]:
        """Per grid row, the cells whose top-left position is in that row, left to right."""
        rows: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            if 0 <= cell.row < self.n_rows:
                rows[cell.row].append(cell)
        return rows


Block = Paragraph | Table
MAX_GRID = 1_000_000  # positions; a larger table only comes from a damaged file


def checked_table(n_rows: int, n_cols: int, cells: tuple[Cell, ...]) -> Table:
    """A Table whose cells lie inside its grid; ValueError (a damaged file) otherwise."""
    if n_rows * n_cols > MAX_GRID:
        raise ValueError("표 크기가 비정상적임")
    for cell in cells:
        if cell.row_span < 1 or cell.col_span < 1 or cell.row + cell.row_span > n_rows or cell.col + cell.col_span > n_cols:
            raise ValueError("표 칸이 표 범위를 벗어남")
    return Table(n_rows, n_cols, cells)


@dataclass(frozen=True)
class Document:
    """A whole document: its source format ("hwp5", "hwpx", "text") and body blocks in reading order."""

    format: str
    blocks: tuple[Block, ...]

    def tables(self) -> list[Table]:
        """Every table, nested ones included, in reading order (outer before inner)."""
        found: list[Table] = []
        _collect_tables(self.blocks, found)
        return found

    def paragraphs(self) -> list[Paragraph]:
        """Every body paragraph outside tables, in reading order."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]


def _collect_tables(blocks: tuple[Block, ...], found: list[Table]) -> None:
    for block in blocks:
        if isinstance(block, Table):
            found.append(block)
            for cell in block.cells:
                _collect_tables(cell.blocks, found)
