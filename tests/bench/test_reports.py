"""The report benchmark on the tiny preset: the sampled hubs' pages and downloads answer."""

import random

from bench import reports
from bench.data import hub_receptionists


def test_the_report_benchmark_reads_each_sampled_hubs_week(generated):
    results = reports.measure(hub_receptionists(), random.Random(3), requests=4)

    assert results["statuses"] == {"200": 8}
    assert results["compliance_page"]["n"] == 4 and results["compliance_csv"]["n"] == 4
