"""A whole run of the harness on the tiny preset: booking beside its floor at two client
counts, in client processes of its own, judged by its ratios and printed."""

import pytest

from bench import harness


@pytest.fixture
def results_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    return tmp_path


def test_a_tiny_run_reports_booking_beside_its_floor_and_judges_it(committed, results_dir, capsys):
    results = harness.main(
        ["--preset", "tiny", "--skip", "api", "--skip", "storm", "--skip", "write-back",
         "--skip", "gpconnect", "--skip", "reports",
         "--booking-clients", "1", "2", "--search-requests", "5", "--whole-requests", "1"]
    )  # fmt: skip

    runs = results["booking"]["runs"]
    assert [run["clients"] for run in runs] == [1, 2]
    for run in runs:
        for phase in ("floor", "booked"):
            figures = run[phase]
            assert figures["bookings"] > 0
            assert figures["hubs"] == run["clients"]
            assert figures["audit_events"] == figures["bookings"]  # the audit trail is on
            assert figures["locks"]["polls"] > 0
            assert not [o for o in figures["outcomes"] if o.startswith("error")]
        assert run["ratio"] == round(run["booked"]["per_s"] / run["floor"]["per_s"], 3)
    assert set(results["targets"]) == {
        "booking_over_floor_at_1",
        "booking_over_floor_at_2",
        "largest_lock",
    }
    printed = capsys.readouterr().out
    assert "booking as the API books, audit trail on, beside its floor" in printed
    assert "booking at 2 clients: no lock > 5% of busy backend time" in printed
    assert (results_dir / "latest-tiny.json").exists()
