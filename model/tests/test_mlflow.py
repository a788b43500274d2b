"""Training against a real `mlflow server` (SQLite backend, local artifact root) on a free loopback port."""
import json

import pytest

from conftest import PYTHON, Child, child_env, free_port, wait_for_http
from credit_risk.dataset import generate
from credit_risk.features import FEATURE_NAMES
from credit_risk.train import GateFailed, train

pytestmark = pytest.mark.mlflow


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    argv = [PYTHON, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
            "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
            "--artifacts-destination", str(root / "artifacts"),
            "--workers", "1"]
    # MLflow 3's server starts a pool of job-runner processes by default; none of these tests uses jobs.
    child = Child("mlflow", argv, root / "mlflow.log", env=child_env(MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false"))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/health", child, timeout=180)
        yield url
    finally:
        child.stop(timeout=5)


@pytest.fixture
def tracking(mlflow_server, monkeypatch):
    import mlflow
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server)
    monkeypatch.setenv("GIT_SHA", "0123456789abcdef0123456789abcdef01234567")
    mlflow.set_tracking_uri(mlflow_server)
    yield mlflow.MlflowClient(tracking_uri=mlflow_server)


def test_training_logs_and_registers_and_reads_back(tracking, tmp_path):
    import mlflow
    client = tracking
    data = generate(2000, 8)
    r = train(data, seed=8, threshold=0.85, min_improvement=0.0, register_name="credit-risk-test",
              output_dir=tmp_path, experiment="credit-risk-test")
    assert r.run_id and r.model_version == "1"

    run = client.get_run(r.run_id)
    assert run.data.params["rows"] == "2000" and run.data.params["seed"] == "8"
    for k in ("accuracy", "precision", "recall", "f1", "roc_auc"):
        assert run.data.metrics[k] == pytest.approx(r.metrics[k])
    assert run.data.tags["git_sha"] == "0123456789abcdef0123456789abcdef01234567"
    assert run.data.tags["gate"] == "passed"

    artifacts = {a.path for a in client.list_artifacts(r.run_id)}
    assert {"reference_profile.json", "feature_importances.json"} <= artifacts
    profile = mlflow.artifacts.load_dict(f"runs:/{r.run_id}/reference_profile.json")
    assert profile["featureOrder"] == list(FEATURE_NAMES)
    assert profile["rows"] == 1600  # the training split, not the evaluation slice
    importances = mlflow.artifacts.load_dict(f"runs:/{r.run_id}/feature_importances.json")
    assert set(importances) == set(FEATURE_NAMES)

    version = client.get_model_version("credit-risk-test", "1")
    assert version.run_id == r.run_id
    assert version.tags["git_sha"] == "0123456789abcdef0123456789abcdef01234567"

    model = mlflow.sklearn.load_model("models:/credit-risk-test/1")
    info = mlflow.models.get_model_info("models:/credit-risk-test/1")
    assert [c["name"] for c in info.signature.inputs.to_dict()] == list(FEATURE_NAMES)
    assert info.saved_input_example_info is not None  # the input example was logged with the model
    assert model.predict(data[list(FEATURE_NAMES)].astype({n: float for n in FEATURE_NAMES[:11]}).head(3)).shape == (3,)

    meta = json.loads((tmp_path / "model-metadata.json").read_text())
    assert meta["runId"] == r.run_id and meta["mlflowVersion"] == "1" and meta["mlflowModel"] == "credit-risk-test"


def test_gate_against_the_production_alias(tracking):
    client = tracking
    data = generate(2000, 8)
    first = train(data, seed=8, threshold=0.85, min_improvement=0.0, register_name="credit-risk-alias",
                  output_dir=None, experiment="credit-risk-test")
    client.set_registered_model_alias("credit-risk-alias", "production", first.model_version)
    # Same data and seed: the candidate equals production, so a required improvement fails, the run is logged
    # as failed and nothing new is registered.
    with pytest.raises(GateFailed, match=r"^model-validation failed: accuracy 0\.\d{4} below production"):
        train(data, seed=8, threshold=0.85, min_improvement=0.02, register_name="credit-risk-alias",
              output_dir=None, experiment="credit-risk-test")
    versions = client.search_model_versions("name='credit-risk-alias'")
    assert [v.version for v in versions] == ["1"]
    failed = client.search_runs([client.get_experiment_by_name("credit-risk-test").experiment_id],
                                "tags.gate = 'failed'")
    assert failed and failed[0].data.metrics["production_accuracy"] == pytest.approx(first.metrics["accuracy"])
    # With no improvement required it passes and registers version 2.
    second = train(data, seed=8, threshold=0.85, min_improvement=0.0, register_name="credit-risk-alias",
                   output_dir=None, experiment="credit-risk-test")
    assert second.model_version == "2"
    assert second.production_accuracy == pytest.approx(first.metrics["accuracy"])
