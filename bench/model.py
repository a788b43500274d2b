"""Predictor latency benchmark: starts the real KServe predictor on a free loopback port, sends a fixed number
of sequential requests, prints p50/p90/p99/max client-side latency and the server's own histogram count.
Run by bench/model.sh in the serve venv. A benchmark, not a test: it prints, it does not judge
(the platform alerts when p95 of request_predict_seconds is over 0.5 s)."""
import argparse
import os
import signal
import socket
import subprocess  # nosec B404
import sys
import time
from pathlib import Path

import numpy as np
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "model" / "src"))
from credit_risk.dataset import generate  # noqa: E402
from credit_risk.features import FEATURE_NAMES  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def records(n: int):
    df = generate(n, 1234)[list(FEATURE_NAMES)]
    out = []
    for row in df.to_dict(orient="records"):
        out.append({k: (int(v) if isinstance(v, (np.integer,)) else v) for k, v in row.items()})
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", required=True)
    p.add_argument("--requests", type=int, default=1000)
    a = p.parse_args()
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "model" / "src"))
    log = open(Path(a.model_dir) / "predictor.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "credit_risk.serve", "--model-dir", a.model_dir,  # nosec B603
                             "--http-port", str(port), "--host", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while True:
            try:
                if requests.get(f"{base}/v1/models/credit-risk", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() - started > 120:
                print("predictor did not start; see", log.name, file=sys.stderr)
                return 1
            time.sleep(0.2)
        print(f"predictor ready in {time.monotonic() - started:.2f} s")
        rows = records(a.requests)
        url = f"{base}/v1/models/credit-risk:predict"
        with requests.Session() as s:
            for r in rows[:20]:  # warm-up, not measured
                s.post(url, json={"instances": [r]}, timeout=10)
            latencies = []
            t0 = time.monotonic()
            for i, r in enumerate(rows):
                t = time.perf_counter()
                resp = s.post(url, json={"instances": [r]}, headers={"X-Request-Id": f"bench-{i}"}, timeout=10)
                latencies.append(time.perf_counter() - t)
                resp.raise_for_status()
            wall = time.monotonic() - t0
        ms = np.array(latencies) * 1000
        print(f"requests: {len(ms)}  throughput: {len(ms) / wall:.0f} req/s (sequential)")
        print(f"latency ms: p50 {np.percentile(ms, 50):.2f}  p90 {np.percentile(ms, 90):.2f}  "
              f"p99 {np.percentile(ms, 99):.2f}  max {ms.max():.2f}")
        print("alert threshold (p95 of request_predict_seconds): 500 ms")
        return 0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
