"""Small numbers withheld so that none can be worked back from the figures shown."""

from reports.tables import SUPPRESSED, Column, build

COUNTS = [Column("offered", "Offered", patients=False), Column("booked", "Booked")]


def _texts(table):
    return {row.label: [c.text for c in row.cells.values()] for row in table.rows}


def test_nothing_small_nothing_withheld():
    table = build("t", "", "Practice", COUNTS, [("A", {"offered": 9, "booked": 7})])
    assert _texts(table) == {"A": ["9", "7"]}


def test_a_count_under_five_is_withheld_but_zero_and_capacity_are_not():
    table = build(
        "t",
        "",
        "Practice",
        COUNTS,
        [("A", {"offered": 3, "booked": 3}), ("B", {"offered": 2, "booked": 0})],
    )
    assert _texts(table) == {"A": ["3", SUPPRESSED], "B": ["2", "0"]}


def test_with_a_total_one_withheld_cell_takes_the_next_smallest_with_it():
    rows = [
        ("A", {"offered": 10, "booked": 3}),
        ("B", {"offered": 10, "booked": 8}),
        ("C", {"offered": 10, "booked": 9}),
    ]
    table = build("t", "", "Practice", COUNTS, rows, total="All")
    assert _texts(table) == {
        "A": ["10", SUPPRESSED],
        "B": ["10", SUPPRESSED],
        "C": ["10", "9"],
        "All": ["30", "20"],
    }


def test_alone_in_its_column_a_withheld_cell_takes_the_total_with_it():
    rows = [("A", {"offered": 10, "booked": 3}), ("B", {"offered": 10, "booked": 0})]
    table = build("t", "", "Practice", COUNTS, rows, total="All")
    assert _texts(table)["All"] == ["20", SUPPRESSED]


def test_a_rate_is_withheld_with_its_counts():
    columns = [*COUNTS, Column("rate", "Rate", rate_of=("booked", "offered"))]
    table = build("t", "", "Practice", columns, [("A", {"offered": 10, "booked": 2})])
    assert _texts(table) == {"A": ["10", SUPPRESSED, SUPPRESSED]}


def test_in_a_matrix_each_row_and_column_keeps_a_withheld_cell_company():
    columns = [Column("a", "A"), Column("b", "B"), Column("total", "Total")]
    rows = [("A", {"a": 20, "b": 2, "total": 22}), ("B", {"a": 9, "b": 30, "total": 39})]
    table = build("t", "", "From", columns, rows, total="All", matrix=True)
    texts = _texts(table)
    assert texts["A"][1] == SUPPRESSED
    assert sum(t == SUPPRESSED for t in texts["A"]) >= 2  # its row
    assert sum(texts[r][1] == SUPPRESSED for r in ("A", "B", "All")) >= 2  # its column
