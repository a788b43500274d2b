"""The Dockerfile's pins and layout, checked without a Docker engine (hadolint runs in scripts/test.d/model.sh)."""
import json
import re

from conftest import MODEL_ROOT

DOCKERFILE = (MODEL_ROOT / "Dockerfile").read_text()
# The image pins are data (src/config/images.json; versions.ts reads it as modelBaseImage).
PINS = json.loads((MODEL_ROOT.parent / "src" / "config" / "images.json").read_text())


def test_base_image_is_the_pinned_one_from_images_json():
    base = PINS["upstream"]["modelBase"]
    assert base["repository"] == "docker.io/library/python"
    tag, digest = base["tag"], base["digest"]
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
