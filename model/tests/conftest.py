"""Shared fixtures: free loopback ports, child processes in their own process group, a small trained model."""
from __future__ import annotations

import os
import signal
import socket
import subprocess  # nosec B404 - tests start our own servers
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import requests

MODEL_ROOT = Path(__file__).resolve().parents[1]
SRC = MODEL_ROOT / "src"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: "Child", timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with {proc.popen.returncode} before {url} answered:\n{proc.log()}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s:\n{proc.log()}")


class Child:
    """A child process in its own process group, output to a log file; stop() ends the whole group."""

    def __init__(self, name: str, argv: List[str], log_path: Path, env: Optional[Dict[str, str]] = None):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.popen = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, env=env,  # nosec B603
                                      start_new_session=True)

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 15.0) -> int:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=timeout)
            except ProcessLookupError:
                pass
        try:  # children left in the group (server workers)
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()
        return self.popen.returncode


def child_env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_") and k != "MODEL_FAULT_DELAY_MS"}
    env["PYTHONPATH"] = str(SRC)
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory) -> Path:
    """A model trained on a small synthetic set without MLflow (works in either venv)."""
    from credit_risk.dataset import generate
    from credit_risk.train import train

    saved = os.environ.pop("MLFLOW_TRACKING_URI", None)
    try:
        out = tmp_path_factory.mktemp("model")
        train(generate(3000, 7), seed=7, threshold=0.85, min_improvement=0.0, register_name="credit-risk",
              output_dir=out)
        return out
    finally:
        if saved is not None:
            os.environ["MLFLOW_TRACKING_URI"] = saved


PYTHON = sys.executable
