"""The house's floors, measured from the code's own imports (every import, also those inside
functions): an app imports only the apps on its floor's list below it, nothing imports in a
circle, and no module outside migrations is over 400 lines. See docs/architecture.md."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Each app and the apps it may import. Ground floor first; the doors (desk) and the project
# (itsm) at the top. Same order as INSTALLED_APPS.
FLOORS = {
    "core": set(),
    "org": {"core"},
    "tickets": {"core", "org"},
    "routing": {"core", "org", "tickets"},
    "sla": {"core", "org", "tickets"},
    "escalations": {"core", "org", "tickets", "routing"},
    "kb": {"core", "org", "tickets"},
    "notifications": {"core", "org", "tickets", "routing", "sla", "escalations"},
    "integrations": {"core", "org", "tickets", "routing", "notifications"},
    "dashboard": {"core", "org", "tickets", "routing", "sla", "escalations", "notifications"},
    "resolutions": {"core", "org", "tickets", "notifications"},
    "desk": {
        "core",
        "org",
        "tickets",
        "routing",
        "sla",
        "escalations",
        "kb",
        "notifications",
    },
    "itsm": set(),  # the project: settings, URLs, ASGI, Celery, the demo; may import any app
}
APPS = set(FLOORS)
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The project modules a file imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    resolved = set()
    for name in names:
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in MODULES:
                resolved.add(candidate)
                break
    return resolved


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


@pytest.mark.parametrize("app", sorted(APPS - {"itsm"}))
def test_an_app_imports_only_the_floors_below_it(app):
    allowed = FLOORS[app] | {app}
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] == app
        for target in targets
        if target.split(".")[0] not in allowed
    )
    assert wrong == []


def test_the_floors_are_a_tower():
    """The allowed imports themselves run one way: no app may import one that may import it."""
    for app, below in FLOORS.items():
        for other in below:
            assert app not in FLOORS[other], f"{app} and {other} may import each other"


def test_no_module_imports_in_a_circle():
    index, low, stack, on_stack, circles = {}, {}, [], set(), []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                circles.append(sorted(members))

    for node in GRAPH:
        if node not in index:
            visit(node)
    assert circles == []


def test_no_module_is_over_400_lines():
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
