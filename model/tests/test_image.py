"""The Dockerfile's pins and layout, checked without a Docker engine (hadolint runs in scripts/test.d/model.sh)."""
import re

from conftest import MODEL_ROOT

DOCKERFILE = (MODEL_ROOT / "Dockerfile").read_text()
VERSIONS = (MODEL_ROOT.parent / "src" / "config" / "versions.ts").read_text()


def test_base_image_is_the_pinned_one_from_versions_ts():
    block = re.search(r"export const modelBaseImage = \{(.*?)\}", VERSIONS, re.S).group(1)
    tag = re.search(r"tag: '([^']+)'", block).group(1)
    digest = re.search(r"digest: '(sha256:[0-9a-f]{64})'", block).group(1)
    arg = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.M).group(1)
    assert arg == f"python:{tag}@{digest}"
    froms = re.findall(r"^FROM (\S+)", DOCKERFILE, re.M)
    assert froms == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]  # multi-stage, both from the pinned base


def test_runtime_is_non_root_serve_only_and_labelled():
    runtime = DOCKERFILE.split("AS runtime", 1)[1]
    assert re.search(r"^USER 10001:10001$", runtime, re.M)
    assert "requirements/serve.txt" in DOCKERFILE and "train.txt" not in DOCKERFILE
    assert "--require-hashes" in DOCKERFILE
    for label in ("io.mlflow.model.version", "io.mlflow.run.id", "org.opencontainers.image.revision"):
        assert label in runtime
    assert (MODEL_ROOT / "requirements" / "serve.txt").read_text().count("mlflow") == 0
