"""The predictor over real HTTP: a real KServe ModelServer on a free loopback port (serve venv)."""
import json
import re
import uuid

import pytest
import requests
from jsonschema import Draft202012Validator

from conftest import MODEL_ROOT, PYTHON, Child, child_env, free_port, wait_for_http
from credit_risk.dataset import generate
from credit_risk.features import FEATURE_NAMES

pytestmark = pytest.mark.serve

SCHEMA = json.loads((MODEL_ROOT / "contract" / "v1.schema.json").read_text())
REQUEST = Draft202012Validator({**SCHEMA, "$ref": "#/$defs/request"})
RESPONSE = Draft202012Validator({**SCHEMA, "$ref": "#/$defs/response"})
CONTRACT = json.loads((MODEL_ROOT / "contract" / "metrics.json").read_text())["metrics"]
ALLOWED_SERIES = {m["name"] for m in CONTRACT if m["source"] == "predictor"} | {
    f"request_predict_seconds{s}" for s in ("_bucket", "_sum", "_count")}


def start_predictor(model_dir, tmp_path, name, **env):
    port = free_port()
    child = Child(name, [PYTHON, "-m", "credit_risk.serve", "--model-dir", str(model_dir), "--http-port", str(port),
                         "--host", "127.0.0.1"], tmp_path / f"{name}.log", env=child_env(**env))
    try:
        wait_for_http(f"http://127.0.0.1:{port}/v1/models/credit-risk", child)
    except Exception:
        child.stop()
        raise
    return child, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def predictor(trained_model_dir, tmp_path_factory):
    child, url = start_predictor(trained_model_dir, tmp_path_factory.mktemp("serve"), "predictor")
    yield child, url
    child.stop()


def instances(rows, seed=21, **kw):
    df = generate(rows, seed, **kw)[list(FEATURE_NAMES)].astype(object)
    return [{k: (None if v is None or v != v or v is __import__("pandas").NA else
                 (int(v) if hasattr(v, "__int__") and not isinstance(v, (str, float)) else v))
             for k, v in r.items()} for r in df.to_dict(orient="records")]


def predict(url, body, request_id=None):
    headers = {"X-Request-Id": request_id} if request_id else {}
    return requests.post(f"{url}/v1/models/credit-risk:predict", json=body, headers=headers, timeout=30)


def metric_samples(url):
    text = requests.get(f"{url}/metrics", timeout=10).text
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$", line)
            assert m, line
            samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return samples


def test_predictions_follow_the_contract_and_echo_the_request_id(predictor):
    _, url = predictor
    body = {"instances": instances(20, nulls={"age": 0.3, "home_ownership": 0.3})}
    REQUEST.validate(body)
    rid = str(uuid.uuid4())
    r = predict(url, body, rid)
    assert r.status_code == 200, r.text
    assert r.headers["x-request-id"] == rid
    out = r.json()
    RESPONSE.validate(out)
    assert len(out["predictions"]) == 20 and len(out["probabilities"]) == 20
    for cls, (p0, p1) in zip(out["predictions"], out["probabilities"]):
        assert p0 + p1 == pytest.approx(1.0)
        assert cls == (1 if p1 > p0 else 0)


def test_predictions_are_good_on_fresh_data(predictor):
    _, url = predictor
    df = generate(300, 99)
    body = {"instances": instances(300, seed=99)}
    out = predict(url, body).json()
    accuracy = (df["label"].to_numpy() == out["predictions"]).mean()
    assert accuracy > 0.85


@pytest.mark.parametrize("body, where", [
    ({"instances": [{"age": 30}]}, "instances/0"),
    ({"instances": []}, "instances"),
    ({"rows": []}, "(root)"),
    ({"instances": [{**{n: 1 for n in FEATURE_NAMES}, "credit_score": "high"}]}, "instances/0"),
])
def test_bad_requests_get_400_naming_the_path(predictor, body, where):
    _, url = predictor
    r = predict(url, body)
    assert r.status_code == 400
    assert f"v1.schema.json at {where}" in r.json()["error"]


def test_metrics_are_exactly_the_contract_and_count(predictor):
    _, url = predictor
    before = metric_samples(url)
    body = {"instances": instances(10, seed=5)}
    out = predict(url, body).json()
    assert predict(url, {"instances": [{"age": 1}]}).status_code == 400
    after = metric_samples(url)
    names = {k.split("{")[0] for k in after}
    assert names <= ALLOWED_SERIES, names - ALLOWED_SERIES
    assert {"mlops_inference_requests_total", "mlops_predictions_total", "mlops_prediction_confidence_sum",
            "mlops_prediction_confidence_squared_sum", "request_predict_seconds_count"} <= names

    def delta(key):
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta('mlops_inference_requests_total{code="200",model_name="credit-risk"}') == 1
    assert delta('mlops_inference_requests_total{code="400",model_name="credit-risk"}') == 1
    ones = sum(out["predictions"])
    assert delta('mlops_predictions_total{class="1",model_name="credit-risk"}') == ones
    assert delta('mlops_predictions_total{class="0",model_name="credit-risk"}') == 10 - ones
    conf = [max(p) for p in out["probabilities"]]
    assert delta('mlops_prediction_confidence_sum{model_name="credit-risk"}') == pytest.approx(sum(conf))
    assert delta('mlops_prediction_confidence_squared_sum{model_name="credit-risk"}') == pytest.approx(
        sum(c * c for c in conf))
    assert delta('request_predict_seconds_count{model_name="credit-risk"}') >= 1
    # Requests for a model that is not served get a 404 and create no label value.
    assert requests.post(f"{url}/v1/models/other:predict", json=body, timeout=30).status_code == 404
    assert not any('model_name="other"' in k for k in metric_samples(url))


def test_fault_injection_delays_and_says_so(trained_model_dir, tmp_path):
    child, url = start_predictor(trained_model_dir, tmp_path, "slow", MODEL_FAULT_DELAY_MS="600")
    try:
        r = predict(url, {"instances": instances(1)})
        assert r.status_code == 200
        samples = metric_samples(url)
        # The delay lands in KServe's own latency histogram: the single request is above the 0.5 s bucket.
        assert samples['request_predict_seconds_bucket{le="0.5",model_name="credit-risk"}'] == 0
        assert samples['request_predict_seconds_count{model_name="credit-risk"}'] == 1
        assert "artificial delay 600ms enabled" in child.log()
    finally:
        child.stop()


def test_fault_injection_is_off_by_default_and_rejects_nonsense(predictor, trained_model_dir, tmp_path):
    child, _ = predictor
    assert "artificial delay" not in child.log()
    bad = Child("bad", [PYTHON, "-m", "credit_risk.serve", "--model-dir", str(trained_model_dir), "--http-port",
                        str(free_port()), "--host", "127.0.0.1"], tmp_path / "bad.log",
                env=child_env(MODEL_FAULT_DELAY_MS="lots"))
    assert bad.popen.wait(timeout=60) == 2
    bad.stop()
    assert "MODEL_FAULT_DELAY_MS must be a whole number" in bad.log()


def test_missing_model_file_is_a_clear_error(tmp_path):
    bad = Child("nomodel", [PYTHON, "-m", "credit_risk.serve", "--model-dir", str(tmp_path), "--http-port",
                            str(free_port()), "--host", "127.0.0.1"], tmp_path / "nomodel.log", env=child_env())
    assert bad.popen.wait(timeout=60) == 2
    bad.stop()
    assert f"model file not found: {tmp_path / 'model.joblib'}" in bad.log()


def test_metrics_contract_mismatch_is_refused_naming_the_file(tmp_path):
    from prometheus_client import CollectorRegistry

    from credit_risk.serve import PredictorMetrics

    PredictorMetrics(MODEL_ROOT / "contract" / "metrics.json", registry=CollectorRegistry())
    changed = [m for m in CONTRACT if m["name"] != "mlops_predictions_total"]
    bad = tmp_path / "metrics.json"
    bad.write_text(json.dumps({"metrics": changed}))
    with pytest.raises(ValueError, match=r"metrics.json: predictor metrics .* differ from what this predictor exports"):
        PredictorMetrics(bad, registry=CollectorRegistry())
    retyped = [{**m, "type": "gauge"} if m["name"] == "mlops_predictions_total" else m for m in CONTRACT]
    bad.write_text(json.dumps({"metrics": retyped}))
    with pytest.raises(ValueError, match="mlops_predictions_total must be a counter"):
        PredictorMetrics(bad, registry=CollectorRegistry())
