"""Real processes for integration and end-to-end tests: started, waited for, stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float = 20.0, interval: float = 0.05,
               message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {message}")


class ManagedProcess:
    """A child process whose output goes to a log file that a failing test can print."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], log_dir: Path,
                 cwd: str | None = None):
        self.name = name
        self.argv = list(argv)
        self.env = {**os.environ, **env}
        self.log_path = log_dir / f"{name}.log"
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def start(self) -> ManagedProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.process = subprocess.Popen(
            self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd,
            start_new_session=True,
        )
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, text: str, timeout: float = 30.0) -> None:
        def seen() -> bool:
            if not self.alive:
                raise RuntimeError(f"{self.name} exited early:\n{self.log()[-4000:]}")
            return text in self.log()

        wait_until(seen, timeout=timeout, message=f"{self.name} to log {text!r}")

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, as in a crash."""
        self._signal(signal.SIGKILL)
        self._reap()

    def stop(self, timeout: float = 10.0) -> None:
        self._signal(signal.SIGTERM)
        self._reap(timeout)

    def _signal(self, signum: int) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def _reap(self, timeout: float = 10.0) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait(5)
        self._log.close()


def venv_bin(name: str) -> str:
    """A console script from the interpreter's own environment."""
    return str(Path(sys.executable).parent / name)
