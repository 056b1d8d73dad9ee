"""The report benchmark on the tiny preset: the summary tables are counted, and every
sampled hub's report page and download answers."""

import random

from bench import reports
from bench.data import hub_receptionists


def test_the_report_benchmark_reads_each_sampled_hubs_reports(generated):
    results = reports.measure(hub_receptionists(), random.Random(3), requests=4)

    assert results["statuses"] == {"200": 4 * len(reports.PAGES)}
    assert all(results[name]["n"] == 4 for name, _, _ in reports.PAGES)
    refresh = results["summary_refresh"]
    assert refresh["slot_rows"] > 0 and refresh["booking_rows"] > 0
