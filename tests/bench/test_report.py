"""What a run is judged by: each target met or not from the figures, held as a ratio to its
same-run floor where the run measures one, and every figure in the printed table."""

import copy

from bench import report


def _locks(share: float) -> dict:
    largest = {"lock": "LWLock WALWrite", "share": share}
    return {
        "polls": 500,
        "busy_backend_samples": 3000,
        "waiting_on_any_lock": share + 0.01,
        "largest": largest,
        "top": [largest],
    }


def _phase(per_s: float, lock_share: float) -> dict:
    return {
        "bookings": int(per_s * 10),
        "elapsed_s": 10.0,
        "per_s": per_s,
        "latency": {"n": int(per_s * 10), "p50_ms": 9.5, "p95_ms": 21.0, "max_ms": 40.0},
        "client_cpu_ms_per_booking": 2.1,
        "outcomes": {"booked": int(per_s * 10)},
        "hubs": 4,
        "audit_events": int(per_s * 10),
        "locks": _locks(lock_share),
    }


FIGURES = {
    "preset": "tiny",
    "commit": "abc1234",
    "durable_commits": True,
    "machine": {
        "nproc": 2,
        "postgresql": "15",
        "load_average_at_start": [1.0],
        "load_average_at_end": [1.5],
    },
    "search_sql": {
        "first_page": {"p50_ms": 1.0, "p95_ms": 1.5, "n": 300},
        "whole_result": {"p50_ms": 60.0, "p95_ms": 70.0, "n": 10, "rows_p50": 7800},
    },
    "search_selector": {"p50_ms": 2.5, "p95_ms": 3.0, "n": 300},
    "search_api": {
        "trivial": {"p50_ms": 5.0, "p95_ms": 6.0, "n": 300},
        "first_page": {"p50_ms": 8.9, "p95_ms": 9.5, "n": 300},
        "whole_result": {"p50_ms": 1600.0, "p95_ms": 1700.0, "n": 10, "pages_p50": 158},
    },
    "booking": {
        "seconds": 10,
        "runs": [
            {
                "clients": 4,
                "floor": _phase(1000.0, 0.01),
                "booked": _phase(520.0, 0.02),
                "ratio": 0.52,
            },
            {
                "clients": 8,
                "floor": _phase(1200.0, 0.02),
                "booked": _phase(480.0, 0.03),
                "ratio": 0.4,
            },
        ],
    },
    "storm": {
        "attempts": 1000,
        "concurrent_clients": 40,
        "slots": 10,
        "bookings": 10,
        "live_bookings_in_db": 10,
        "distinct_slots_booked": 10,
        "outcomes": {"booked": 10, "taken": 990},
        "seconds": 12.0,
        "ok": True,
    },
    "write_back": {
        "sandbox_latency_ms": 50,
        "celery_worker_processes": 1,
        "celery_threads_per_process": 32,
        "paced": {
            "bookings": 100,
            "rate_per_s": 5.0,
            "states": {"confirmed": 100},
            "booking_to_confirmed": {"n": 100, "p50_ms": 243.0, "p95_ms": 256.0},
            "booked_per_s": 5.0,
            "confirmed_per_s": 5.0,
            "last_confirmed_after_last_booked_ms": 250,
        },
        "burst": {
            "bookings": 300,
            "states": {"confirmed": 300},
            "booking_to_confirmed": {"n": 300, "p50_ms": 480.0, "p95_ms": 990.0},
            "booked_per_s": 40.0,
            "confirmed_per_s": 39.0,
            "last_confirmed_after_last_booked_ms": 600,
        },
    },
}


def _figures(**changes) -> dict:
    """FIGURES with some values changed, each named by its path: booking__runs__1__ratio."""
    figures = copy.deepcopy(FIGURES)
    for path, value in changes.items():
        *parents, last = path.split("__")
        place = figures
        for key in parents:
            place = place[int(key)] if key.isdigit() else place[key]
        place[last] = value
    return figures


def test_a_run_that_holds_every_target_meets_them_all():
    verdicts = report.targets(FIGURES)
    assert {name: v["met"] for name, v in verdicts.items()} == {
        "search_p95": True,
        "search_p50_over_floors": True,
        "booking_over_floor_at_4": True,
        "booking_over_floor_at_8": True,
        "largest_lock": True,
        "storm": True,
        "write_back_paced_p95": True,
        "write_back_pace": True,
        "write_back_burst_p95": True,
        "write_back_all_confirmed": True,
    }


def test_search_is_judged_by_its_p95_and_by_its_p50_over_its_floors():
    verdicts = report.targets(_figures(search_api__first_page__p95_ms=10.5))
    assert verdicts["search_p95"]["met"] is False
    # Floors: raw SQL 1.0 + trivial API 5.0 = 6.0 ms; 9.3 ms is 1.55 of them.
    verdicts = report.targets(_figures(search_api__first_page__p50_ms=9.3))
    assert verdicts["search_p50_over_floors"] == {
        "target": "search, first page: p50 <= 1.5 x (raw SQL + trivial API)",
        "value": 1.55,
        "limit": 1.5,
        "met": False,
    }


def test_booking_is_judged_as_a_ratio_to_its_floor_at_each_client_count():
    below = report.BOOKING_OVER_FLOOR - 0.01
    verdicts = report.targets(_figures(booking__runs__1__ratio=below))
    assert verdicts["booking_over_floor_at_4"]["met"] is True
    assert verdicts["booking_over_floor_at_8"]["value"] == below
    assert verdicts["booking_over_floor_at_8"]["met"] is False
    # The limit in bookings a second on this host is the ratio times this run's floor.
    assert (
        f"({report.BOOKING_OVER_FLOOR * 1200:.0f}/s here)"
        in (verdicts["booking_over_floor_at_8"]["target"])
    )


def test_the_largest_lock_is_judged_at_the_most_clients_only():
    verdicts = report.targets(_figures(booking__runs__0__booked__locks=_locks(0.2)))
    assert verdicts["largest_lock"]["met"] is True
    verdicts = report.targets(_figures(booking__runs__1__booked__locks=_locks(0.06)))
    assert verdicts["largest_lock"]["value"] == 0.06
    assert verdicts["largest_lock"]["met"] is False


def test_write_back_must_keep_pace_confirm_within_5_s_and_lose_nothing():
    verdicts = report.targets(_figures(write_back__burst__confirmed_per_s=15.0))
    assert verdicts["write_back_pace"]["value"] == 0.375
    assert verdicts["write_back_pace"]["met"] is False
    verdicts = report.targets(
        _figures(write_back__burst__booking_to_confirmed={"n": 300, "p50_ms": 7e3, "p95_ms": 14e3})
    )
    assert verdicts["write_back_burst_p95"]["met"] is False
    verdicts = report.targets(_figures(write_back__burst__states={"confirmed": 299, "dead": 1}))
    assert verdicts["write_back_all_confirmed"]["value"] == "399/400"
    assert verdicts["write_back_all_confirmed"]["met"] is False


def test_a_run_without_a_section_is_not_judged_on_it():
    figures = copy.deepcopy(FIGURES)
    del figures["search_api"], figures["write_back"]
    assert set(report.targets(figures)) == {
        "booking_over_floor_at_4",
        "booking_over_floor_at_8",
        "largest_lock",
        "storm",
    }


def test_the_table_shows_every_figure_and_every_verdict():
    figures = _figures(booking__runs__1__ratio=0.1)
    figures["targets"] = report.targets(figures)
    table = report.table(figures)
    assert "first page of 50: API" in table
    assert "      4     520.0    1000.0   0.520" in table
    assert "      8     480.0    1200.0   0.100" in table
    assert "8 clients, booked   3.0% LWLock WALWrite" in table
    assert "paced: 100 at 5/s, p50 243 ms, p95 256 ms" in table
    assert "burst: 300 booked at 40/s, confirmed at 39/s, the last 600 ms after" in table
    assert "booked/s >= " in table
    assert table.count("NOT MET") == 1
