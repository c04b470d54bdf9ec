"""Accessibility checks for the browser tests: axe-core run on a live Playwright page
against WCAG 2.1 A and AA, and the reflow check axe does not make (1.4.10).

axe-core comes from PyPI inside axe-playwright-python (its bundled axe.min.js), so the
suite needs nothing but Python; docs/accessibility.md says which axe version that is.
"""

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# The axe tags of the success criteria of WCAG 2.0 and 2.1 at levels A and AA: the standard
# we hold every page to. Best practices and WCAG 2.2 rules are left out on purpose.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations", "incomplete"]}
# Rules whose "needs review" answer we count as a violation. The axe-core bundled with
# axe-playwright-python (4.12) leaves these two undecided where axe-core 4.14 fails them:
# an aria-describedby naming an id that is not in the page, and aria-label on an element
# whose role may not be named (a plain div or p). We decide them as 4.14 does.
STRICT_RULES = {"aria-valid-attr-value", "aria-prohibited-attr"}

# 1.4.10 Reflow: content readable at 320 CSS px wide (1280 px at 400 % zoom) without
# scrolling in two dimensions. A wide data table may scroll inside itself; the page may not.
REFLOW_WIDTH = 320

_axe = Axe()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it stands now, with the strict
    rules' undecided findings."""
    results = _axe.run(page, options=AXE_OPTIONS).response
    return results["violations"] + [found for found in results["incomplete"] if found["id"] in STRICT_RULES]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(str(part) for part in node['target'])}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> None:
    """Fail with every violation's rule, impact and the nodes it found, if there is any."""
    violations = axe_violations(page)
    assert not violations, f"axe-core found WCAG 2.1 AA violations on {where}:\n{describe(violations)}"


def assert_reflows(page: Page, where: str) -> None:
    """At 320 CSS px wide the page scrolls in one direction only (no horizontal scroll), and
    what narrowing changed (panels that now scroll, wrapped controls) passes axe-core too."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 640})
    try:
        widths = page.evaluate("({ content: document.scrollingElement.scrollWidth, window: window.innerWidth })")
        wide = page.evaluate(WIDEST_ELEMENTS) if widths["content"] > widths["window"] else []
        assert widths["content"] <= widths["window"], (
            f"{where} scrolls sideways at {REFLOW_WIDTH} px: {widths['content']} px of content in a "
            f"{widths['window']} px window; elements wider than the window: {wide}"
        )
        assert_accessible(page, f"{where} at {REFLOW_WIDTH} px")
    finally:
        if size:
            page.set_viewport_size(size)


# For the failure message: the outermost elements that stick out past the window's right
# edge, leaving out those inside a box that scrolls or clips them (they widen nothing),
# roughly: a positioned element may escape the box.
WIDEST_ELEMENTS = """() => {
  const clipped = (node) => {
    if (["absolute", "fixed"].includes(getComputedStyle(node).position)) return false;
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const node of document.body.querySelectorAll("*")) {
    const box = node.getBoundingClientRect();
    if (box.right <= window.innerWidth + 0.5 || out.some((o) => o.node.contains(node)) || clipped(node)) continue;
    out.push({ node, box });
  }
  const name = (node) => `${node.tagName.toLowerCase()}${node.id ? "#" + node.id : ""}.${node.classList.value}`;
  return out.slice(0, 8).map(({ node, box }) => `${name(node)} right=${Math.round(box.right)}`);
}"""
