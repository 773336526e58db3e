"""Start the emulator server in a child process and learn its URL (for scripts and tests)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType

import httpx

_URL = re.compile(r"listening on (http://\S+)")


class EmulatorProcess:
    """``with EmulatorProcess(["--state", "x.sqlite"]) as emulator: emulator.url``.

    Runs ``python -m pulumi_twilio_intelligence.emulator --port 0 ARGS...`` and reads the base URL
    from its first line, with ``env`` added to this process's environment (e.g. credentials in
    ``TWILIO_EMULATOR_ACCOUNTS``). On exit the server gets SIGTERM (then SIGKILL after 10 seconds).

    Raises:
        RuntimeError: the server exited or printed no URL within ``timeout`` seconds.
    """

    def __init__(
        self,
        args: Sequence[str] = (),
        *,
        python: str | None = None,
        timeout: float = 30.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.args = list(args)
        self.env = dict(env or {})
        self.python = python or sys.executable
        self.timeout = timeout
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def __enter__(self) -> EmulatorProcess:
        cmd = [self.python, "-m", "pulumi_twilio_intelligence.emulator", "--port", "0", *self.args]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"},
        )
        found = threading.Event()

        def pump() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.output.append(line)
                match = _URL.search(line)
                if match and not self.url:
                    self.url = match.group(1)
                    found.set()
            found.set()

        threading.Thread(target=pump, daemon=True).start()
        if not found.wait(self.timeout) or not self.url:
            self.stop()
            raise RuntimeError("the emulator did not start: " + "".join(self.output)[-2000:])
        return self

    def admin(self, method: str, path: str, json: object = None) -> httpx.Response:
        """Call the admin API (``path`` below ``/__emulator/``)."""
        return httpx.request(method, f"{self.url}/__emulator/{path.lstrip('/')}", json=json, timeout=30)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """Kill the server at once with SIGKILL (no shutdown code runs, as in a crash) and reap it."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
