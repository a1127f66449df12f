#!/usr/bin/env bash
# Measures recommendation quality test-then-train (the protocol of ../shared/tools/prequential_baselines.py):
# replays an events file through the real job (local MiniCluster, real Redis) beside the protocol's two
# reference baselines, writes DIR/report.json and DIR/rolling-hr20.png and prints a table.
#
#   deploy/evaluate.sh --events FILE [--items FILE] [--out DIR] [--redis URL] [--namespace NS] [--parallelism N]
#
# DIR defaults to target/eval/<file name>. Without --redis it starts its own redis-server on a free port.
# Parallelism 1 (the default) is deterministic: two runs on the same file give identical figures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"
ensure_redis_installed
ensure_built
# paths given relative to the caller's directory stay valid: the job runs from the repository root
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events|--items|--out) args+=("$1" "$(realpath -m "$2")"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
cd "$root"
run_java io.shoprank.job.eval.EvaluateRunner "${args[@]}"
