"""Accessibility and console checks for the browser tests.

``axe_violations(page)``: axe-core (npm, pinned in package.json; `make test` runs `npm ci` when
node_modules is missing) evaluated in the page through the DevTools protocol, which the pages'
Content-Security-Policy does not govern. Not ``add_script_tag(path=...)``: that inserts an
inline <script>, which ``script-src 'self'`` blocks (and reports as a violation). Returns the
serious and critical violations, one line each.

``Watch(page)``: collects console errors, uncaught exceptions and CSP violations (reported
by an init script listening for ``securitypolicyviolation``) of every document the page opens."""

from functools import cache
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# WCAG 2.1 A and AA, and the best practices axe marks serious or critical (landmarks, headings).
RUN = """() => axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
  resultTypes: ["violations"],
})"""
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`securitypolicyviolation: ${event.effectiveDirective} blocked ` +
    `${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def axe_violations(page: Page) -> list[str]:
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci` (make test does).")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_source())
    result = page.evaluate(RUN)
    return [
        f"{page.url} {item['id']} ({item['impact']}): {item['help']} at "
        + ", ".join(" ".join(node["target"]) for node in item["nodes"][:4])
        for item in result["violations"]
        if item["impact"] in BLOCKING
    ]


@cache
def _source() -> str:
    # Evaluated as a function body: axe's UMD wrapper then defines window.axe.
    return "() => {" + AXE.read_text() + "\n}"


class Watch:
    """What went wrong on a page's documents, as lines naming the page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        self.expected: set[str] = set()  # documents answered 403 or 404 on purpose
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            source = message.location.get("url", "")
            if source in self.expected and message.text.startswith("Failed to load resource"):
                return
            self.problems.append(f"{self.page.url}: console {message.text} ({source})")
