"""The KServe custom predictor: the baked-in model behind KServe's v1 protocol.

    python -m credit_risk.serve --model-dir DIR [--http-port 8080] [--host 127.0.0.1] [--model-name credit-risk]

- POST /v1/models/<name>:predict  {"instances": [{feature: value, ...}]} →
  {"predictions": [0|1, ...], "probabilities": [[P(0), P(1)], ...]}; the request is validated against
  model/contract/v1.schema.json (400 naming the path on failure); X-Request-Id is echoed.
- GET /metrics: the predictor counters of the metrics contract (names read from model/contract/metrics.json)
  and KServe's `request_predict_seconds{model_name}` histogram, nothing else.
- Fault injection (off by default): MODEL_FAULT_DELAY_MS=N delays every prediction by N ms and logs
  `artificial delay <N>ms enabled` at start-up.

The model directory holds `model.joblib` and (optionally) `model-metadata.json` written by `credit_risk.train`.
No MLflow is needed or imported.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import joblib
import numpy as np
from jsonschema import Draft202012Validator
from prometheus_client import REGISTRY, Counter
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from threadpoolctl import threadpool_limits

from .features import FEATURE_NAMES
from .frame import to_model_frame

FAULT_DELAY_ENV = "MODEL_FAULT_DELAY_MS"
CONTRACT_DIR_ENV = "CREDIT_RISK_CONTRACT_DIR"
# Where the inference endpoints of the KServe v1 and v2 protocols put the model name.
_INFER_PATH = re.compile(r"^/v[12]/models/(?P<name>[^/:]+)(?::predict|/infer)$")


def contract_dir() -> Path:
    """model/contract (next to src/ in the repository and in the image), or CREDIT_RISK_CONTRACT_DIR."""
    return Path(os.environ.get(CONTRACT_DIR_ENV) or Path(__file__).resolve().parents[2] / "contract")


def load_schema_validators(directory: Optional[Path] = None) -> Dict[str, Draft202012Validator]:
    schema = json.loads(((directory or contract_dir()) / "v1.schema.json").read_text())
    return {part: Draft202012Validator({**schema, "$ref": f"#/$defs/{part}"}) for part in ("request", "response")}


def fault_delay_ms(env: Optional[Dict[str, str]] = None) -> int:
    """The configured artificial delay in ms (0 = off); a ValueError naming the variable when malformed."""
    raw = (env if env is not None else os.environ).get(FAULT_DELAY_ENV, "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise ValueError(f"{FAULT_DELAY_ENV} must be a whole number of milliseconds (got '{raw}')")
    return int(raw)


class _RawCounters(Collector):
    """Counters whose contract name has no `_total` suffix, exposed under exactly that name.

    prometheus_client's Counter always appends `_total`, so these are collected by hand (as untyped samples;
    Prometheus's rate() and increase() work on them the same way).
    """

    def __init__(self, decls: Iterable[Dict[str, Any]]):
        self._decls = list(decls)
        self._values: Dict[str, Dict[tuple, float]] = {d["name"]: defaultdict(float) for d in self._decls}
        self._lock = threading.Lock()

    def inc(self, name: str, labels: Dict[str, str], amount: float) -> None:
        decl = next(d for d in self._decls if d["name"] == name)
        key = tuple(labels[label] for label in decl["labels"])
        with self._lock:
            self._values[name][key] += amount

    def collect(self):
        with self._lock:
            snapshot = {n: dict(v) for n, v in self._values.items()}
        for d in self._decls:
            m = Metric(d["name"], d["help"], "unknown")
            for key, value in snapshot[d["name"]].items():
                m.add_sample(d["name"], dict(zip(d["labels"], key)), value)
            yield m


class PredictorMetrics:
    """The predictor's part of the metrics contract, registered in prometheus_client's default registry."""

    REQUESTS = "mlops_inference_requests_total"
    PREDICTIONS = "mlops_predictions_total"
    CONFIDENCE_SUM = "mlops_prediction_confidence_sum"
    CONFIDENCE_SQUARED_SUM = "mlops_prediction_confidence_squared_sum"

    def __init__(self, contract_file: Path, registry=REGISTRY):
        decls = [m for m in json.loads(contract_file.read_text())["metrics"] if m["source"] == "predictor"]
        names = {d["name"] for d in decls}
        expected = {self.REQUESTS, self.PREDICTIONS, self.CONFIDENCE_SUM, self.CONFIDENCE_SQUARED_SUM}
        if names != expected:
            raise ValueError(f"{contract_file}: predictor metrics {sorted(names)} differ from what this predictor "
                             f"exports {sorted(expected)}")
        for d in decls:
            if d["type"] != "counter":
                raise ValueError(f"{contract_file}: {d['name']} must be a counter (is {d['type']})")
        self.counters: Dict[str, Counter] = {}
        raw = []
        for d in decls:
            if d["name"].endswith("_total"):
                self.counters[d["name"]] = Counter(d["name"], d["help"], d["labels"], registry=registry)
            else:
                raw.append(d)
        self.raw = _RawCounters(raw)
        registry.register(self.raw)

    def request(self, model_name: str, code: int) -> None:
        self.counters[self.REQUESTS].labels(model_name=model_name, code=str(code)).inc()

    def predictions(self, model_name: str, classes: Sequence[int], confidences: Sequence[float]) -> None:
        for cls in (0, 1):
            n = int(sum(1 for c in classes if c == cls))
            if n:
                self.counters[self.PREDICTIONS].labels(model_name=model_name, **{"class": str(cls)}).inc(n)
        conf = np.asarray(confidences, dtype=float)
        self.raw.inc(self.CONFIDENCE_SUM, {"model_name": model_name}, float(conf.sum()))
        self.raw.inc(self.CONFIDENCE_SQUARED_SUM, {"model_name": model_name}, float((conf * conf).sum()))


def keep_only_contract_metrics(registry=REGISTRY) -> None:
    """Drop what the contract does not declare: prometheus_client's process/platform/GC collectors, KServe's
    pre/post-process and explain histograms, and the `_created` series."""
    import prometheus_client
    from kserve import metrics as kmetrics

    prometheus_client.disable_created_metrics()
    for c in (prometheus_client.PROCESS_COLLECTOR, prometheus_client.PLATFORM_COLLECTOR,
              prometheus_client.GC_COLLECTOR, kmetrics.PRE_HIST_TIME, kmetrics.POST_HIST_TIME,
              kmetrics.EXPLAIN_HIST_TIME):
        try:
            registry.unregister(c)
        except KeyError:
            pass


class RequestMiddleware:
    """ASGI middleware: counts inference requests by status code and echoes X-Request-Id.

    Only requests for the served model names are counted, so arbitrary URLs cannot create label values.
    """

    def __init__(self, app, metrics: PredictorMetrics, model_names: Iterable[str]):
        self.app = app
        self.metrics = metrics
        self.model_names = frozenset(model_names)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        match = _INFER_PATH.match(scope.get("path", ""))
        request_id = next((v for k, v in scope.get("headers", []) if k.lower() == b"x-request-id"), None)
        status = {"code": 500}

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = list(message.get("headers", []))
                if request_id is not None and not any(k.lower() == b"x-request-id" for k, _ in headers):
                    headers.append((b"x-request-id", request_id))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if match and match.group("name") in self.model_names:
                self.metrics.request(match.group("name"), status["code"])


def build_model_class():
    """The kserve.Model subclass (built lazily so importing this module does not import kserve)."""
    import kserve
    from kserve.errors import InvalidInput
    from kserve.logging import logger

    class CreditRiskModel(kserve.Model):
        def __init__(self, name: str, model_dir: Path, metrics: PredictorMetrics, delay_ms: int = 0,
                     validators: Optional[Dict[str, Draft202012Validator]] = None):
            super().__init__(name)
            self.model_dir = Path(model_dir)
            self.metrics = metrics
            self.delay_ms = delay_ms
            self.validators = validators or load_schema_validators()
            self.metadata: Dict[str, Any] = {}
            self.estimator: Any = None

        def load(self) -> bool:
            path = self.model_dir / "model.joblib"
            if not path.is_file():
                raise FileNotFoundError(f"model file not found: {path} (train with --output-dir {self.model_dir})")
            self.estimator = joblib.load(path)
            # One thread per prediction: OpenMP worker threads only add latency for small batches on few cores.
            threadpool_limits(limits=1)
            meta = self.model_dir / "model-metadata.json"
            self.metadata = json.loads(meta.read_text()) if meta.is_file() else {}
            logger.info("loaded %s (mlflow model %s version %s, run %s)", path, self.metadata.get("mlflowModel"),
                        self.metadata.get("mlflowVersion"), self.metadata.get("runId"))
            # Warm up (lazy imports, first-call allocations) so the first real request is not an outlier.
            self.estimator.predict_proba(to_model_frame([{n: None for n in FEATURE_NAMES}]))
            if self.delay_ms:
                logger.warning("artificial delay %dms enabled (%s)", self.delay_ms, FAULT_DELAY_ENV)
            self.ready = True
            return self.ready

        async def predict(self, payload: Any, headers: Optional[Dict[str, str]] = None) -> Dict[str, List[Any]]:
            if isinstance(payload, (bytes, str)):
                try:
                    payload = json.loads(payload)
                except ValueError as e:
                    raise InvalidInput(f"request body is not JSON: {e}") from None
            errors = sorted(self.validators["request"].iter_errors(payload), key=lambda e: list(e.absolute_path))
            if errors:
                e = errors[0]
                where = "/".join(str(p) for p in e.absolute_path) or "(root)"
                raise InvalidInput(f"request does not match v1.schema.json at {where}: {e.message}")
            if self.delay_ms:
                await asyncio.sleep(self.delay_ms / 1000.0)
            x = to_model_frame(payload["instances"])
            proba = self.estimator.predict_proba(x)
            classes = [int(c) for c in np.argmax(proba, axis=1)]
            self.metrics.predictions(self.name, classes, proba.max(axis=1).tolist())
            return {"predictions": classes, "probabilities": [[float(p0), float(p1)] for p0, p1 in proba]}

    return CreditRiskModel


def build_server_class():
    """A ModelServer that binds its REST server to a chosen host (KServe's binds 0.0.0.0) and runs no gRPC."""
    import kserve
    from kserve.model_server import FASTAPI_APP_IMPORT_STRING
    from kserve.protocol.rest.server import RESTServer

    class HostModelServer(kserve.ModelServer):
        def __init__(self, host: str, **kwargs):
            super().__init__(enable_grpc=False, workers=1, **kwargs)
            self.host = host

        def start(self, models):
            self._register_and_check_atleast_one_model_is_ready(models)
            self._rest_server = RESTServer(FASTAPI_APP_IMPORT_STRING, self.dataplane, self.model_repository_extension,
                                           self.http_port, access_log_format=self.access_log_format,
                                           workers=1, grace_period=self.grace_period, event_loop=self.event_loop,
                                           timeout_keep_alive=self.timeout_keep_alive)
            self._rest_server.config.host = self.host
            self.servers.append(self._rest_server.start())
            self.setup_event_loop()
            self.register_signal_handler()
            asyncio.run(self._serve())

    return HostModelServer


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m credit_risk.serve", description=__doc__.split("\n")[0])
    p.add_argument("--model-dir", type=Path, required=True, help="directory with model.joblib")
    p.add_argument("--http-port", type=int, default=8080)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (the image passes --host 0.0.0.0)")
    p.add_argument("--model-name", default=os.environ.get("MODEL_NAME", "credit-risk"),
                   help="name in the URL /v1/models/<name>:predict (env MODEL_NAME)")
    a = p.parse_args(argv)
    try:
        delay = fault_delay_ms()
    except ValueError as e:
        print(f"serve: {e}", file=sys.stderr)
        return 2
    if not (a.model_dir / "model.joblib").is_file():
        print(f"serve: model file not found: {a.model_dir / 'model.joblib'}", file=sys.stderr)
        return 2
    # KServe parses sys.argv when imported; give it only the program name so our flags are not misread.
    sys.argv = sys.argv[:1]
    from kserve.model_server import app

    keep_only_contract_metrics()
    metrics = PredictorMetrics(contract_dir() / "metrics.json")
    app.add_middleware(RequestMiddleware, metrics=metrics, model_names=[a.model_name])
    server = build_server_class()(host=a.host, http_port=a.http_port)  # configures KServe's logging
    model = build_model_class()(a.model_name, a.model_dir, metrics, delay_ms=delay)
    model.load()
    server.start([model])
    return 0


if __name__ == "__main__":
    sys.exit(main())
