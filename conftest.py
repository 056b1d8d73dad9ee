"""Run-wide reporting hooks. Here, at the root, so that the process that prints the summary
loads them under pytest-xdist too (it collects no tests, so loads no deeper conftest)."""

import pytest


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Say how many bookings each write-back fault test drove, and what it found."""
    lines = []
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            properties = dict(getattr(report, "user_properties", ()))
            if getattr(report, "when", "") != "call" or "bookings_driven" not in properties:
                continue
            lines.append(
                f"{outcome.upper()} {report.nodeid.split('::')[-1]}: "
                f"{properties['bookings_driven']} bookings driven, "
                f"{properties.get('lost', '?')} lost, "
                f"{properties.get('duplicated', '?')} duplicated, "
                f"{properties.get('seconds', '?')}s"
            )
    if lines:
        terminalreporter.write_sep("-", "write-back fault tests")
        for line in lines:
            terminalreporter.write_line(line)
    _schema_fuzzing(terminalreporter)


def _schema_fuzzing(terminalreporter) -> None:
    """How much the schema fuzzing ran (tests/api/test_fuzz.py), for quoting."""
    for report in terminalreporter.stats.get("passed", []):
        for name, run in getattr(report, "user_properties", ()):
            if name == "fuzz" and getattr(report, "when", "") == "call":
                terminalreporter.write_line(
                    f"schemathesis: {run['operations']} operations, {run['examples']} "
                    f"examples as {run['persona']}"
                )
