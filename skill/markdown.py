"""Markdown tables, as the reports print them (standard library only)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

__all__ = ["table"]


def table(header: Sequence[str], rows: Iterable[Sequence[str]], right: Collection[int] = ()) -> str:
    """A GitHub-flavoured markdown table; the columns numbered in ``right`` (from 0) align right.

    Every row must have as many cells as the header. Cells are written as
    given: one holding ``|`` or a newline would break the table.
    """
    lines = [_line(header), "|" + "|".join("---:" if column in right else "---" for column in range(len(header))) + "|"]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row of {len(row)} cells in a table of {len(header)} columns: {list(row)}")
        lines.append(_line(row))
    return "\n".join(lines)


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
