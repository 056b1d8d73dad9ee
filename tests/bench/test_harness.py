"""What `make bench` reports: the write-back figures reach the printed table and DESIGN.md's
targets (the measurement itself needs real processes: `python -m bench.write_back`)."""

from bench import harness


def _results(*, paced_p95: int, burst_delivered: int) -> dict:
    return {
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
            "first_page": {"p50_ms": 0.9, "p95_ms": 1.0, "n": 5},
            "whole_result": {"p50_ms": 1.3, "p95_ms": 1.3, "n": 1, "rows_p50": 80},
        },
        "search_selector": {"p50_ms": 4.8, "p95_ms": 6.0, "n": 5},
        "write_back": {
            "sandbox_latency_ms": 50,
            "celery_worker_processes": 4,
            "paced": {
                "bookings": 100,
                "rate_per_s": 5.0,
                "states": {"confirmed": 100},
                "booking_to_confirmed": {"p50_ms": 243, "p95_ms": paced_p95, "max_ms": 421},
            },
            "burst": {
                "bookings": 300,
                "booked_per_s": 63.3,
                "states": {"confirmed": burst_delivered, "dead": 300 - burst_delivered},
                "confirmed_per_s": 15.6,
                "booking_to_confirmed": {"p50_ms": 7380, "p95_ms": 13749, "max_ms": 14524},
            },
        },
    }


def test_the_write_back_figures_are_in_the_table_and_judged_against_design_md():
    results = _results(paced_p95=256, burst_delivered=300)
    results["targets"] = harness.targets(results)
    assert results["targets"]["write_back_p95_le_2000ms"] == {"value": 256, "met": True}
    assert results["targets"]["write_back_all_confirmed"] == {"value": "400/400", "met": True}
    table = harness.table(results)
    assert "paced: 100 at 5/s, p50 243 ms, p95 256 ms" in table
    assert "burst: 300 booked at 63.3/s, confirmed at 15.6/s, p50 7380 ms, p95 13749 ms" in table
    assert "write_back_p95_le_2000ms" in table


def test_a_slow_or_lossy_write_back_misses_its_targets():
    results = _results(paced_p95=2400, burst_delivered=299)
    targets = harness.targets(results)
    assert not targets["write_back_p95_le_2000ms"]["met"]
    assert targets["write_back_all_confirmed"] == {"value": "399/400", "met": False}
