#!/usr/bin/env bash
# npx projen bootstrap: the one manual GitOps step (docs/bootstrap.md), once per cluster.
#
#   1. (rebuilt cluster only) restores the sealed-secrets key backup named by SEALED_SECRETS_KEY_BACKUP;
#   2. installs ArgoCD with helm: chart, repository, version, release name and namespace are read from
#      the self-managing Application dist/apps/Application.argo-cd.k8s.yaml, values from
#      dist/bootstrap/argocd-values.yaml, so the hand-installed release is exactly the one ArgoCD adopts;
#   3. applies the AppProject, then the root Application (the app-of-apps), one file each.
#
# Never `kubectl apply -f dist/bootstrap/`: that folder also holds argocd-values.yaml, a values file
# without apiVersion/kind, which kubectl rejects (and with it the whole apply).
# Needs kubectl (pointed at the new cluster: KUBECONFIG) and helm >= 3.8. Re-running it is safe.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

for tool in kubectl helm node; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH (docs/bootstrap.md lists the prerequisites)"
done

boot=dist/bootstrap
app=dist/apps/Application.argo-cd.k8s.yaml
for f in "$boot/Namespace.argocd.k8s.yaml" "$boot/argocd-values.yaml" "$boot/AppProject.platform.k8s.yaml" "$boot/Application.root.k8s.yaml" "$app"; do
  [ -f "$f" ] || die "$f is missing: run npx projen synth first"
done

# chart, repoURL, version, release name, namespace of the argo-cd Application (one line, tab-separated).
IFS=$'\t' read -r chart repo version release namespace < <(node -e '
  const { parse } = require("yaml");
  const app = parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const s = app.spec.source;
  const fields = [s.chart, s.repoURL, s.targetRevision, s.helm && s.helm.releaseName, app.spec.destination.namespace];
  if (fields.some((f) => !f)) { console.error("bootstrap: " + process.argv[1] + " lacks chart, repoURL, targetRevision, releaseName or destination.namespace"); process.exit(1); }
  process.stdout.write(fields.join("\t") + "\n");
' "$app") || die "cannot read the argo-cd chart from $app"

context=$(kubectl config current-context 2>/dev/null) || die "kubectl has no current context: export KUBECONFIG (see the kubeconfig_command output of the Terraform stack)"
printf 'bootstrap: cluster context "%s"; ArgoCD %s %s from %s into namespace %s\n' "$context" "$chart" "$version" "$repo" "$namespace"

# 1. A rebuilt cluster must get the old sealed-secrets key before the controller starts (wave 1).
if [ -n "${SEALED_SECRETS_KEY_BACKUP:-}" ]; then
  [ -f "$SEALED_SECRETS_KEY_BACKUP" ] || die "SEALED_SECRETS_KEY_BACKUP=$SEALED_SECRETS_KEY_BACKUP is not a file"
  kubectl apply -f dist/namespaces/Namespace.sealed-secrets.k8s.yaml
  kubectl apply -f "$SEALED_SECRETS_KEY_BACKUP"
fi

# 2. ArgoCD, as the child Application `argo-cd` will then manage it (same chart, version, values, release).
kubectl apply -f "$boot/Namespace.argocd.k8s.yaml"
helm upgrade --install "$release" "$chart" --repo "$repo" --version "$version" \
  --namespace "$namespace" --values "$boot/argocd-values.yaml" --wait --timeout 10m
kubectl wait --for condition=established --timeout=120s crd/appprojects.argoproj.io crd/applications.argoproj.io

# 3. The project first (every Application names it), then the app-of-apps.
kubectl apply -f "$boot/AppProject.platform.k8s.yaml"
kubectl apply -f "$boot/Application.root.k8s.yaml"

printf 'bootstrap: done. ArgoCD now syncs dist/ wave by wave: kubectl -n %s get applications -w\n' "$namespace"
printf 'bootstrap: next, seal the credentials once the sealed-secrets controller runs (docs/bootstrap.md, step 4)\n'
