#!/usr/bin/env bash
# npx projen infra:plan | infra:apply | infra:output: OpenTofu on the synthesized stack.
# The projen task runs synth:infra first (site.yaml → cdktf.out/stacks/<cluster name>/cdk.tf.json); this
# runs `tofu init` (fetches the pinned bpg/proxmox provider) and then the command, with any extra
# arguments passed through. TOFU=terraform uses Terraform instead. Why not `cdktf deploy`: docs/proxmox.md.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { printf 'infra: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: scripts/tofu.sh plan|apply|output|destroy [tofu arguments]"
command=$1; shift
case "$command" in plan|apply|output|destroy) ;; *) die "unknown command \"$command\" (plan, apply, output or destroy)";; esac

tofu=${TOFU:-tofu}
command -v "$tofu" >/dev/null 2>&1 || die "$tofu is not on PATH: install OpenTofu (https://opentofu.org/docs/intro/install/) or set TOFU=terraform"

# The stack is named after the site's cluster name (src/infra/main.ts).
name=$(node -r ts-node/register/transpile-only -e 'process.stdout.write(require("./src/config/site").site().cluster.name)') \
  || die "cannot read the cluster name from the site file"
dir="${CDKTF_OUTDIR:-cdktf.out}/stacks/$name"
[ -f "$dir/cdk.tf.json" ] || die "$dir/cdk.tf.json is missing: run npx projen synth:infra first"

"$tofu" -chdir="$dir" init -input=false
"$tofu" -chdir="$dir" "$command" "$@"
