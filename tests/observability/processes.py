"""Real processes for the observability tests: a command whose output lines are collected by
a thread, which tells when a given line has appeared."""

import subprocess
import sys
import threading

import pytest

from tests.dashboard.server import ROOT, stop


class Watched:
    """A subprocess; each line of its stderr (stdout too, if merged) is kept in ``lines``."""

    def __init__(self, args: list[str], env: dict, *, merge_stdout: bool = True) -> None:
        self.args = args
        self.env = env
        self.merge_stdout = merge_stdout
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None
        self._seen = threading.Condition()

    def start(self) -> "Watched":
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE if self.merge_stdout else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if self.merge_stdout else subprocess.PIPE,
            text=True,
        )
        stream = self.process.stdout if self.merge_stdout else self.process.stderr
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()
        return self

    def _read(self, stream) -> None:
        for line in stream:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()
        with self._seen:
            self.lines.append("")  # end of output: wake whoever waits
            self._seen.notify_all()

    def wait_for(self, text: str, timeout: float = 60) -> None:
        """Until a line containing ``text`` appears (or the process ends: the test fails)."""
        with self._seen:
            found = self._seen.wait_for(
                lambda: any(text in line for line in self.lines) or self.process.poll() is not None,
                timeout=timeout,
            )
        if not found or not any(text in line for line in self.lines):
            self.stop()
            pytest.fail(f"no line with {text!r}:\n" + "\n".join(self.lines)[-3000:])

    def stop(self) -> list[str]:
        """Ends the process; every line it wrote."""
        stop(self.process, timeout=20)
        return [line for line in self.lines if line]


def celery(*args: str) -> list[str]:
    """``celery -A itsm <args>`` quietly (no banner: every line it writes is a log line)."""
    return [sys.executable, "-m", "celery", "-A", "itsm", "--quiet", *args]
