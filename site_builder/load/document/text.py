"""The plain-text export form the importer reads: one line per paragraph, one TAB-separated line per table row."""

from __future__ import annotations

from .model import Block, Cell, Document, Paragraph, Table

BR = "<br>"


def to_text(doc: Document, shade_mark: str | None = "■") -> str:
    """The document as export text; shaded empty cells beside a row label become shade_mark (None: left empty)."""
    # A text document's lines already are export lines (TABs between cells): they pass through unchanged.
    lines = [b.text for b in doc.blocks if isinstance(b, Paragraph)] if doc.format == "text" else block_lines(doc.blocks, shade_mark)
    return "\n".join(lines) + "\n" if lines else ""


def block_lines(blocks: tuple[Block, ...], shade_mark: str | None) -> list[str]:
    """Export lines of a run of blocks; a one-row frame around a table is unwrapped so its rows stay lines."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(one_line(block.text))
        elif is_frame(block):
            for cell in block.rows()[0]:
                lines.extend(block_lines(cell.blocks, shade_mark))
        else:
            lines.extend(table_lines(block, shade_mark))
    return lines


def is_frame(table: Table) -> bool:
    """A one-row table holding a table of several rows: a layout frame (diagram box), not a heading box."""
    return table.n_rows == 1 and any(isinstance(b, Table) and b.n_rows > 1 for c in table.cells for b in c.blocks)


def one_line(text: str) -> str:
    """Paragraph text on one line: tabs and stray line breaks become spaces."""
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def table_lines(table: Table, shade_mark: str | None) -> list[str]:
    """A table's lines: one per row, or a single line for a one-row table (heading boxes)."""
    if table.n_rows == 1:
        texts = (cell_text(c, " ", " ") for c in table.rows()[0])
        return [" ".join(t for t in texts if t)]
    grid = table.grid()
    return ["\t".join(row_texts(grid, r, shade_mark)) for r in range(table.n_rows)]


def row_texts(grid: list[list[Cell | None]], r: int, shade_mark: str | None) -> list[str]:
    """One grid row: a cell's text at its top-left position, '' where a merged cell or nothing covers."""
    texts = [cell_text(c) if c is not None and (c.row, c.col) == (r, col) else "" for col, c in enumerate(grid[r])]
    label = grid[r][0] if grid[r] else None
    # Month grids mark months by shading empty cells beside a row label in the first column (often merged
    # from the row above); a shaded total row, label included, is not a mark.
    if shade_mark is None or r == 0 or label is None or not cell_text(label):
        return texts
    for col, c in enumerate(grid[r]):
        if c is not None and (c.row, c.col) == (r, col) and not texts[col] and c.fill is not None and c.fill != label.fill:
            texts[col] = shade_mark
    return texts


def cell_text(cell: Cell, para_sep: str = BR, row_sep: str = BR) -> str:
    """A cell's non-blank paragraphs joined by para_sep; a nested table's rows by row_sep, its cells by ' '."""
    parts = [p for p in (block_text(b, row_sep) for b in cell.blocks) if p]
    return para_sep.join(parts)


def block_text(block: Block, row_sep: str = BR) -> str:
    """A paragraph's one-line text, or a nested table flattened (rows by row_sep, cells by ' ')."""
    if isinstance(block, Paragraph):
        return one_line(block.text).strip()
    rows = (" ".join(t for t in (cell_text(c, " ", " ") for c in row) if t) for row in block.rows())
    return row_sep.join(r for r in rows if r)
