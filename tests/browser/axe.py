"""Accessibility checks with axe-core (npm), run inside the page in real Chromium: the WCAG
2.2 A and AA rules, at a desktop width and a 375 px phone's. Every page checked is recorded
for the run's summary (tests/browser/conftest.py)."""

import json
import os
from pathlib import Path

from django.conf import settings

AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
WIDTHS = (DESKTOP, PHONE)


def record_file() -> Path | None:
    """Where this run's checks are listed: beside the run's throwaway servers."""
    services = os.environ.get("HUBDIARY_TEST_SERVICES")
    return Path(services) / "axe-pages.jsonl" if services else None


def _axe(page) -> dict:
    # evaluate() is not subject to the page's Content-Security-Policy, so the strict CSP
    # stays on for everything else the test does.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text() + "\n;true")
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            const rules = axe.getRules(tags).length;
            return {violations: result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})), rules};
        }""",
        WCAG_22_A_AND_AA,
    )


def assert_accessible(page, name: str, *, widths=WIDTHS) -> None:
    """No WCAG 2.2 A or AA violation on the page as it is now, at each width."""
    problems, checks = [], []
    original = page.viewport_size
    for width in widths:
        page.set_viewport_size(width)
        # The header gathers the menu items that no longer fit into "More" a moment after
        # a resize: check the page as it then stands.
        page.wait_for_timeout(500)
        result = _axe(page)
        for violation in result["violations"]:
            problems.append(
                f"{width['width']}px {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {violation['nodes']}"
            )
        checks.append({"page": name, "width": width["width"], "rules": result["rules"]})
    if original:
        page.set_viewport_size(original)
    assert not problems, f"{name} ({page.url}):\n" + "\n".join(problems)
    recorded = record_file()
    if recorded is not None:
        with recorded.open("a") as out:
            out.writelines(json.dumps(check) + "\n" for check in checks)
