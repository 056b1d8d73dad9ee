"""Each report's tables, from the summary tables through reports.selectors: the columns,
the labels and the order a reader expects, small numbers suppressed (reports.tables)."""

from booking.appointment_data import LEAD_TIME_BANDS, LEAD_TIME_LONGEST, LEAD_TIME_UNKNOWN
from reports import selectors
from reports.selectors import Scope
from reports.tables import SUPPRESSED, Cell, Column, Table, build

UTILISATION_BY = {
    "practice": "Practice",
    "site": "Site",
    "category": "National appointment category",
    "role": "Practitioner role",
    "mode": "How the patient is seen",
    "weekday": "Day of the week",
    "hour": "Hour",
    "week": "Week",
}
DNA_BY = {
    "practice": "Practice",
    "channel": "How it was booked",
    "lead_time": "Time from booking to appointment",
    "reminded": "Reminder the day before",
}
LEAD_TIME_ORDER = [label for _, label in LEAD_TIME_BANDS] + [LEAD_TIME_LONGEST, LEAD_TIME_UNKNOWN]

UTILISATION_COLUMNS = [
    Column("offered", "Slots offered", patients=False),
    Column("booked", "Booked"),
    Column("attended", "Attended"),
    Column("did_not_attend", "Did not attend"),
    Column("unused", "Unused"),
    Column("fill_rate", "Fill rate", rate_of=("booked", "offered")),
]
DNA_COLUMNS = [
    Column("appointments", "Appointments"),
    Column("did_not_attend", "Did not attend"),
    Column("dna_rate", "Did-not-attend rate", rate_of=("did_not_attend", "appointments")),
]


def utilisation(scope: Scope, by: str) -> Table:
    heading = UTILISATION_BY[by]
    return build(
        "utilisation",
        f"Slots and their use, by {heading.lower()}",
        heading,
        UTILISATION_COLUMNS,
        selectors.slots_by(scope, by),
        total="All",
        chart_key="fill_rate",
        chart_title="Fill rate: the share of slots offered that were booked (%)",
    )


def fair_share(scope: Scope) -> Table:
    """Each practice's share of the slots given to the hub against its patients' share of
    the appointments in them: the imbalance in points of the share."""
    given, used = selectors.hub_slots_and_use(scope)
    all_given, all_used = sum(given.values()), sum(used.values())
    rows = []
    for practice in scope.practices:
        rows.append(
            (practice.name, {"given": given.get(practice.pk, 0), "used": used.get(practice.pk, 0)})
        )
    outside = sum(n for key, n in used.items() if key not in {p.pk for p in scope.practices})
    if outside:
        rows.append(("Patients of practices outside the hub", {"given": 0, "used": outside}))
    table = build(
        "fair-share",
        "Slots given to the hub and used by each practice's patients",
        "Practice",
        [
            Column("given", "Slots given to the hub", patients=False),
            Column("used", "Appointments used by its patients"),
        ],
        rows,
        total="All practices",
    )
    _add_shares(table, all_given, all_used)
    return table


def _add_shares(table: Table, all_given: int, all_used: int) -> None:
    """Shares of the whole, and the imbalance: its patients' share minus its share given."""
    table.columns = [
        *table.columns,
        Column("given_share", "Share of slots given", patients=False),
        Column("used_share", "Share of appointments used"),
        Column("imbalance", "Imbalance (points)"),
    ]
    for row in table.rows:
        given = row.cells["given"].value
        used = row.cells["used"].value
        given_share = round(100 * given / all_given, 1) if all_given else None
        used_share = round(100 * used / all_used, 1) if all_used and used is not None else None
        row.cells["given_share"] = Cell(
            given_share, f"{given_share}%" if given_share is not None else ""
        )
        if used is None:
            row.cells["used_share"] = row.cells["imbalance"] = Cell(None, SUPPRESSED)
            continue
        row.cells["used_share"] = Cell(
            used_share, f"{used_share}%" if used_share is not None else ""
        )
        if row.total or given_share is None or used_share is None:
            row.cells["imbalance"] = Cell(None, "")
        else:
            imbalance = round(used_share - given_share, 1)
            row.cells["imbalance"] = Cell(imbalance, f"{imbalance:+}")
    table.chart_key, table.chart_title = (
        "imbalance",
        "Imbalance: share used minus share given (points)",
    )


def did_not_attend(scope: Scope, by: str) -> Table:
    heading = DNA_BY[by]
    rows = selectors.appointments_by(scope, by, past_only=True)
    if by == "lead_time":
        rows.sort(
            key=lambda row: LEAD_TIME_ORDER.index(row[0]) if row[0] in LEAD_TIME_ORDER else 99
        )
    return build(
        "did-not-attend",
        f"Appointments that have happened, and those not attended, by {heading.lower()}",
        heading,
        DNA_COLUMNS,
        rows,
        total="All",
        chart_key="dna_rate",
        chart_title="Did-not-attend rate (%)",
    )


def flows(scope: Scope) -> Table:
    """Rows: the patient's registered practice; columns: the practice whose slot it was."""
    counts = selectors.flows(scope)
    names = scope.names
    columns = [Column(str(p.pk), p.name) for p in scope.practices] + [Column("total", "Total")]
    registered = [p.pk for p in scope.practices]
    if any(key not in names for key, _ in counts):
        registered.append(None)
    rows = []
    for origin in registered:
        cells = {str(p.pk): counts.get((origin, p.pk), 0) for p in scope.practices}
        if origin is None:
            cells = {
                str(p.pk): sum(n for (o, t), n in counts.items() if t == p.pk and o not in names)
                for p in scope.practices
            }
        cells["total"] = sum(cells.values())
        rows.append((names.get(origin, "Practices outside the hub"), cells))
    return build(
        "flows",
        "Appointments: the patients' practices (rows) and the practices they were seen at",
        "Registered practice",
        columns,
        rows,
        total="All",
        matrix=True,
    )


def sources(scope: Scope) -> Table:
    return build(
        "sources",
        "Appointments by the organisation that booked them",
        "Booked by",
        [Column("appointments", "Appointments"), Column("did_not_attend", "Did not attend")],
        selectors.appointments_by(scope, "source"),
        total="All",
        chart_key="appointments",
        chart_title="Appointments by the organisation that booked them",
    )
