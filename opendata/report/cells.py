"""The small-cell rule of the leadership report: a count of persons from 1 to
OPEN_DATA_MIN_CELL - 1 at unit level is never shown, only "<5" (HIDDEN).

Hiding the small cell alone is not enough where a total is published beside it: the total minus
the other cells would give it back. So a line (a row or a column) whose total is published and
that hides exactly one cell hides a second one too, the smallest other non-zero one or else a
zero (PROTECTED, shown as "×", never as "<5": it may be any number), until no such line hides
exactly one. A line of one cell cannot be protected that way: its total must not be shown
(`protect_table` says which)."""

from django.conf import settings

HIDDEN = None  # a small count (JSON null), shown "<5"
PROTECTED = "protected"  # hidden so that a small count cannot be worked out, shown "×"


def min_cell() -> int:
    return settings.OPEN_DATA_MIN_CELL


def is_small(value: int) -> bool:
    return 0 < value < min_cell()


def is_hidden(value) -> bool:
    return value is HIDDEN or value == PROTECTED


def cell(value: int) -> int | None:
    """One count of persons with no total beside it: the number, or HIDDEN."""
    return HIDDEN if is_small(value) else value


def protect_table(
    rows: list[list[int]], *, row_totals: bool = False, column_totals: bool = False
) -> tuple[list[list], set[tuple[str, int]]]:
    """The table with small cells HIDDEN and, in each line whose total is published (each row
    with `row_totals`, each column with `column_totals`), a second cell PROTECTED where only
    one is hidden. Also the lines that still hide a single cell, ("row", r) or ("column", c):
    their total gives it back, so it must not be shown."""
    state = [[HIDDEN if is_small(v) else v for v in row] for row in rows]
    lines = []
    if row_totals:
        lines += [(("row", r), [(r, c) for c in range(len(row))]) for r, row in enumerate(rows)]
    if column_totals and rows:
        lines += [(("column", c), [(r, c) for r in range(len(rows))]) for c in range(len(rows[0]))]
    changed = True
    while changed:
        changed = False
        for _name, line in lines:
            if sum(is_hidden(state[r][c]) for r, c in line) != 1:
                continue
            candidates = [
                (rows[r][c] == 0, rows[r][c], r, c) for r, c in line if not is_hidden(state[r][c])
            ]
            if candidates:
                *_order, r, c = min(candidates)
                state[r][c] = PROTECTED
                changed = True
    open_lines = {name for name, line in lines if sum(is_hidden(state[r][c]) for r, c in line) == 1}
    return state, open_lines


def shown(value) -> str:
    """A cell as the report prints it: the number, "<5" or "×"."""
    if value is HIDDEN:
        return f"<{min_cell()}"
    if value == PROTECTED:
        return "×"
    return value


def chart_value(value):
    """A cell for a chart: a hidden one draws no bar."""
    return None if is_hidden(value) else value
