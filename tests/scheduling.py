"""How `make test` shares the suite between its xdist workers: every test on its own, as xdist's
``load`` does, except that a module marked ``embedded`` at module level (``pytestmark``) goes
to one worker whole. Such a module serves its own processes from module-scoped fixtures (a
seeded server, a production build, a browser): split over two workers, each worker made them,
20-30 s of CPU for the largest.

xdist's own ``--dist loadgroup`` would do this from an ``xdist_group`` mark, but with pytest 9.2
its workers' group suffix no longer reaches the controller (pytest-dev/pytest-xdist#1386), and
the controller collects nothing itself: so the module's source is read here."""

import functools
import re
from pathlib import Path

from xdist.scheduler import LoadScopeScheduling

ROOT = Path(__file__).resolve().parents[1]
MODULE_MARKED_EMBEDDED = re.compile(r"^pytestmark\s*=.*\bpytest\.mark\.embedded\b", re.MULTILINE)


class ServingModulesOnOneWorker(LoadScopeScheduling):
    """xdist's scope scheduling with a scope per test, or per module for the serving modules;
    the larger scopes are handed out first (xdist's default reordering), so no long module is
    left for the end."""

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return module if serves_its_own_processes(module) else nodeid


@functools.cache
def serves_its_own_processes(module: str) -> bool:
    """Whether a test module (a path from the repository's root) is marked ``embedded`` for all
    its tests."""
    path = ROOT / module
    if path.suffix != ".py" or not path.is_file():
        return False
    return MODULE_MARKED_EMBEDDED.search(path.read_text()) is not None
