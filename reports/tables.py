"""A report's table: the one source of its chart, its HTML table and its CSV, so the three
cannot disagree. Pure: no database.

Counts of patients' appointments under 5 (but not 0) are suppressed, as national statistics
suppress them; and so that a suppressed count cannot be worked back from those shown, a row
with one suppressed loses all its appointment counts (or, in a matrix, its next smallest),
and a column with one suppressed row loses its next smallest count too (or its total).
Capacity (slots offered) is never about a patient and is always shown."""

from collections.abc import Iterable
from dataclasses import dataclass, field

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    patients: bool = True  # counts patients' appointments: small numbers suppressed
    # A percentage: (numerator key, denominator key); suppressed with either.
    rate_of: tuple[str, str] | None = None


@dataclass(frozen=True)
class Cell:
    value: float | int | None  # None: suppressed, or no figure
    text: str


@dataclass
class Row:
    label: str
    cells: dict[str, Cell]
    total: bool = False


@dataclass
class Table:
    slug: str
    caption: str
    label_heading: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    chart_key: str | None = None  # the column the chart draws
    chart_title: str = ""

    def display_rows(self) -> list[tuple[Row, list[tuple[str, Cell]]]]:
        """Each row with its cells in column order, and each cell's heading."""
        return [(row, [(c.heading, row.cells[c.key]) for c in self.columns]) for row in self.rows]

    def csv_rows(self) -> list[list[str]]:
        head = [self.label_heading, *(c.heading for c in self.columns)]
        return [head, *([r.label, *(r.cells[c.key].text for c in self.columns)] for r in self.rows)]

    def chart_values(self) -> list[tuple[str, float | None, str]]:
        if self.chart_key is None:
            return []
        return [
            (row.label, row.cells[self.chart_key].value, row.cells[self.chart_key].text)
            for row in self.rows
        ]


def build(
    slug: str,
    caption: str,
    label_heading: str,
    columns: list[Column],
    rows: Iterable[tuple[str, dict[str, int]]],
    *,
    total: str | None = None,
    chart_key: str | None = None,
    chart_title: str = "",
    matrix: bool = False,
) -> Table:
    """A table from (label, counts) rows, with a total row if named, suppressed as above."""
    rows = [(label, dict(counts)) for label, counts in rows]
    if total is not None:
        summed: dict[str, int] = {}
        for _, counts in rows:
            for key, value in counts.items():
                summed[key] = summed.get(key, 0) + value
        rows.append((total, summed))
    hidden = _suppressed(columns, rows, has_total=total is not None, matrix=matrix)
    table = Table(
        slug, caption, label_heading, columns, chart_key=chart_key, chart_title=chart_title
    )
    for index, (label, counts) in enumerate(rows):
        cells = {}
        for column in columns:
            if column.rate_of:
                numerator, denominator = column.rate_of
                if (index, numerator) in hidden or (index, denominator) in hidden:
                    cells[column.key] = Cell(None, SUPPRESSED)
                elif counts.get(denominator):
                    rate = round(100 * counts.get(numerator, 0) / counts[denominator], 1)
                    cells[column.key] = Cell(rate, f"{rate}%")
                else:
                    cells[column.key] = Cell(None, "")
            elif (index, column.key) in hidden:
                cells[column.key] = Cell(None, SUPPRESSED)
            else:
                value = counts.get(column.key, 0)
                cells[column.key] = Cell(value, f"{value:,}")
        table.rows.append(Row(label, cells, total=total is not None and index == len(rows) - 1))
    return table


def _small(value: int) -> bool:
    return 0 < value < SUPPRESS_BELOW


def _suppressed(columns, rows, *, has_total: bool, matrix: bool) -> set[tuple[int, str]]:
    """(row index, column key) of every count withheld."""
    keys = [c.key for c in columns if c.patients and not c.rate_of]
    counts = [r[1] for r in rows]
    hidden = {(i, k) for i, row in enumerate(counts) for k in keys if _small(row.get(k, 0))}
    data_rows = list(range(len(rows) - 1) if has_total else range(len(rows)))
    total_row = len(rows) - 1 if has_total else None
    matrix_keys = [k for k in keys if k != "total"]
    changed = True
    while changed:
        changed = False
        for i in range(len(rows)):
            if matrix:  # a row with one withheld cell withholds its next smallest (or total)
                changed |= _complete(hidden, [(i, k) for k in matrix_keys], (i, "total"), counts)
            elif any((i, k) in hidden for k in keys):  # withholds all its counts
                for k in keys:
                    if (i, k) not in hidden:
                        hidden.add((i, k))
                        changed = True
        if changed or total_row is None:
            continue
        for k in keys:  # a column with one withheld withholds its next smallest (or total)
            if _complete(hidden, [(i, k) for i in data_rows], (total_row, k), counts):
                changed = True
                break  # the rows' rule first again: it may have completed other columns
    return hidden


def _complete(hidden: set, line: list[tuple[int, str]], total: tuple[int, str], counts) -> bool:
    """Along a line of cells summing to `total`, one withheld cell is never alone: withhold
    the smallest other count, or, with none, the total. True if it withheld one."""
    if sum(1 for cell in line if cell in hidden) != 1:
        return False
    others = sorted(
        (counts[i].get(k, 0), i, k) for i, k in line if (i, k) not in hidden and counts[i].get(k, 0)
    )
    cell = (others[0][1], others[0][2]) if others else total
    if cell in hidden:
        return False
    hidden.add(cell)
    return True
