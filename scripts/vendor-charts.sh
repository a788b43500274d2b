#!/usr/bin/env bash
# Vendors the upstream contract of every chart pinned in src/config/versions.ts (helmCharts) and of the
# subcharts whose keys we set: Chart.yaml, values.yaml, values.schema.json (where shipped), templates/, files/
# (text) and the repository's LICENSE, into vendor/charts/<chart>/<version>/.
#
# Reads bare clones (no network here): MIRRORS/<owner>+<name>/repo, e.g.
#   git clone --bare https://github.com/argoproj/argo-helm "$MIRRORS/argoproj+argo-helm/repo"
# Usage: MIRRORS=/path/to/mirrors scripts/vendor-charts.sh   (then review `git diff vendor/charts`)
#
# Files under templates/ (or crds/) whose every document is a CustomResourceDefinition are not copied
# (they are megabytes, and vendor/crds/ holds the CRDs we type against); CRDS.txt lists each with its
# git blob id, so scripts/cluster-kinds.ts still counts the chart as installing CRDs. Binary files (kube-prometheus-
# stack's files/crds.bz2, the same CRDs compressed) are listed in BINARY.txt.
set -euo pipefail
MIRRORS="${MIRRORS:-/work/.mirror}"
tmp="$(mktemp)"; trap 'rm -f "$tmp"' EXIT
OUT="$(cd "$(dirname "$0")/.." && pwd)/vendor/charts"

# chart | version | upstream repo | tag | path in the repo
CHARTS=(
  "argo-cd|9.1.0|argoproj/argo-helm|argo-cd-9.1.0|charts/argo-cd"
  "kube-prometheus-stack|75.11.0|prometheus-community/helm-charts|kube-prometheus-stack-75.11.0|charts/kube-prometheus-stack"
  "kube-prometheus-stack-crds|75.11.0|prometheus-community/helm-charts|kube-prometheus-stack-75.11.0|charts/kube-prometheus-stack/charts/crds"
  "grafana|9.2.10|grafana/helm-charts|grafana-9.2.10|charts/grafana"
  "kube-state-metrics|6.1.0|prometheus-community/helm-charts|kube-state-metrics-6.1.0|charts/kube-state-metrics"
  "prometheus-node-exporter|4.47.1|prometheus-community/helm-charts|prometheus-node-exporter-4.47.1|charts/prometheus-node-exporter"
  "cert-manager|v1.21.1|cert-manager/cert-manager|v1.21.1|deploy/charts/cert-manager"
  "sealed-secrets|2.18.5|bitnami-labs/sealed-secrets|helm-v2.18.5|helm/sealed-secrets"
  "kserve-crd|v0.20.0|kserve/kserve|v0.20.0|charts/kserve-crd"
  "kserve-resources|v0.20.0|kserve/kserve|v0.20.0|charts/kserve-resources"
  "cloudnative-pg|0.26.0|cloudnative-pg/charts|cloudnative-pg-v0.26.0|charts/cloudnative-pg"
  "cluster|0.3.1|cloudnative-pg/charts|cluster-v0.3.1|charts/cluster"
  "gha-runner-scale-set-controller|0.13.0|actions/actions-runner-controller|gha-runner-scale-set-0.13.0|charts/gha-runner-scale-set-controller"
  "gha-runner-scale-set|0.13.0|actions/actions-runner-controller|gha-runner-scale-set-0.13.0|charts/gha-runner-scale-set"
)

is_crd_only() { # every `kind:` at column 0 is CustomResourceDefinition
  local kinds
  kinds="$(grep -E '^kind:' || true)"
  [ -n "$kinds" ] && ! grep -vqE '^kind:[[:space:]]*CustomResourceDefinition[[:space:]]*$' <<<"$kinds"
}

for row in "${CHARTS[@]}"; do
  IFS='|' read -r chart version repo tag path <<<"$row"
  gd="$MIRRORS/${repo/\//+}/repo"
  git --git-dir="$gd" rev-parse -q --verify "refs/tags/$tag" >/dev/null || { echo "tag $tag missing in $repo" >&2; exit 1; }
  dest="$OUT/$chart/$version"
  rm -rf "$dest"; mkdir -p "$dest"
  for f in Chart.yaml values.yaml values.schema.json; do
    git --git-dir="$gd" cat-file -e "$tag:$path/$f" 2>/dev/null && git --git-dir="$gd" show "$tag:$path/$f" >"$dest/$f"
  done
  git --git-dir="$gd" show "$tag:LICENSE" >"$dest/LICENSE"
  : >"$dest/CRDS.txt.tmp"
  for dir in templates crds files; do
    git --git-dir="$gd" cat-file -e "$tag:$path/$dir" 2>/dev/null || continue
    git --git-dir="$gd" ls-tree -r "$tag:$path/$dir" | while read -r _mode _type blob file; do
      rel="$dir/$file"
      git --git-dir="$gd" cat-file -p "$blob" >"$tmp"
      if ! grep -qI . "$tmp"; then
        echo "$rel $blob (binary, not copied)" >>"$dest/BINARY.txt"; continue
      fi
      if is_crd_only <"$tmp"; then
        names="$(awk '/^metadata:/{m=1;next} m&&/^  name:/{print $2; m=0}' "$tmp" | paste -sd, -)"
        echo "$rel $blob ${names:-?}" >>"$dest/CRDS.txt.tmp"
      else
        mkdir -p "$dest/$(dirname "$rel")"
        cp "$tmp" "$dest/$rel"
      fi
    done
  done
  if [ -s "$dest/CRDS.txt.tmp" ]; then
    { echo "# CustomResourceDefinition-only files of $repo $path @ $tag, not copied: <path> <git blob> <CRD names>"
      sort "$dest/CRDS.txt.tmp"; } >"$dest/CRDS.txt"
  fi
  rm -f "$dest/CRDS.txt.tmp"
  printf '%s\n' "$repo" "$tag" "$path" "$(git --git-dir="$gd" rev-parse "$tag^{commit}")" >"$dest/SOURCE"
  echo "vendored $chart $version from $repo $path @ $tag"
done
