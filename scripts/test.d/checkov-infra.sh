#!/usr/bin/env bash
# IaC scan of the synthesized Proxmox/K3s Terraform JSON (src/infra → cdktf.out), run by scripts/test-all.sh.
# checkov ships no policies for bpg/proxmox, so its terraform_json framework runs our own policies
# (test/infra/checkov-policies/) plus its secrets scanner. (The cloud-init snippet content cannot be
# checked here: checkov treats strings with `${var.…}` as unknown; jest asserts it instead.) A scan that checked nothing is a failure, and a
# planted bad stack must fail every policy, so the scan is known to bite.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p reports
work=$(mktemp -d)
policies="$PWD/test/infra/checkov-policies"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

# Skipped checkov checks, each with its reason. None today: no built-in check applies to bpg/proxmox
# resources, and the secrets scan has no findings. Add entries as "CHECK_ID  # reason".
skips=()

synth() { # <outdir> <site file>
  CDKTF_OUTDIR="$1" MLOPS_SITE_FILE="$2" node -r ts-node/register/transpile-only src/infra/main.ts
}

# 1. Synthesize: the committed site file, and a DHCP variant of it.
synth "$work/static" site.yaml
node -e '
  const y = require("yaml"), fs = require("fs");
  const c = y.parse(fs.readFileSync("site.yaml", "utf8"));
  c.network.vms = { mode: "dhcp" };
  fs.writeFileSync(process.argv[1], y.stringify(c));' "$work/dhcp.yaml"
synth "$work/dhcp" "$work/dhcp.yaml"
mkdir -p "$work/scan/static" "$work/scan/dhcp"
cp "$work"/static/stacks/*/cdk.tf.json "$work/scan/static/"
cp "$work"/dhcp/stacks/*/cdk.tf.json "$work/scan/dhcp/"

scan() { # <dir to scan> <output path prefix: writes PREFIX.json and PREFIX.xml>
  local skip_args=()
  [ ${#skips[@]} -eq 0 ] || skip_args=(--skip-check "$(IFS=,; echo "${skips[*]}")")
  # Run from the work dir: checkov reads a .checkov.yaml in its working directory, and the repository's
  # belongs to the dist/ scan (kubernetes framework, quiet), not to this one.
  (cd "$work" && checkov -d "$1" --framework terraform_json secrets --external-checks-dir "$policies" \
    --skip-download --compact "${skip_args[@]}" -o cli -o json -o junitxml --output-file-path "console,$2.json,$2.xml") || true
}

# 2. The real stacks: every policy runs on every resource and passes.
scan "$work/scan" "$work/out"
cp "$work/out.xml" reports/checkov-infra.xml
python3 - "$work/out.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
runs = runs if isinstance(runs, list) else [runs]
tf = [r for r in runs if r.get("check_type") == "terraform_json"]
if not tf:
    sys.exit("checkov-infra: checkov reported no terraform_json results (nothing was scanned)")
passed = tf[0]["results"]["passed_checks"]
failed = [c for r in runs for c in r.get("results", {}).get("failed_checks", [])]
ids = {c["check_id"] for c in passed}
# 2 stacks x (3 VMs x 3 VM policies + 1 image policy) = 20
if len(passed) < 20 or not {f"CKV2_MLOPS_PVE_{i}" for i in range(1, 5)} <= ids:
    sys.exit(f"checkov-infra: expected every policy to run on every resource; passed={len(passed)} ids={sorted(ids)}")
if failed:
    for c in failed:
        print(f"FAILED {c['check_id']} {c.get('resource')} {c.get('file_path')}")
    sys.exit(1)
print(f"checkov-infra: {len(passed)} checks passed on the synthesized stacks, 0 failed")
PY

# 3. The scan bites: a planted bad stack fails every policy and the secrets scan.
mkdir -p "$work/bad"
python3 - "$work/scan/static/cdk.tf.json" "$work/bad/cdk.tf.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
vm = d["resource"]["proxmox_virtual_environment_vm"]["server"]
vm["agent"]["enabled"] = False                                              # PVE_1
del vm["vm_id"]                                                             # PVE_4
vm["initialization"]["user_account"] = {"username": "ops", "password": "hunter2hunter2"}  # PVE_3
img = d["resource"]["proxmox_download_file"]["cloud_image"]
img["checksum_algorithm"] = "md5"                                           # PVE_2
d["variable"]["aws_key"] = {"default": "AKIAIOSFODNN7EXAMPLQ"}             # CKV_SECRET_2
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
scan "$work/bad" "$work/bad-out"
python3 - "$work/bad-out.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
runs = runs if isinstance(runs, list) else [runs]
failed = {c["check_id"] for r in runs for c in r.get("results", {}).get("failed_checks", [])}
want = {f"CKV2_MLOPS_PVE_{i}" for i in range(1, 5)} | {"CKV_SECRET_2"}
if not want <= failed:
    sys.exit(f"checkov-infra: the planted bad stack should fail {sorted(want)}; it failed only {sorted(failed)}")
print(f"checkov-infra: planted bad stack caught by {sorted(want)}")
PY
