#!/usr/bin/env bash
# Redis recovery: writes every feature hash and list the job holds in state back into Redis, after Redis lost its
# data (FLUSHALL, a failover to an empty replica, a new instance). Reads a savepoint or a retained checkpoint with
# Flink's State Processor API (io.shoprank.job.republish.RepublishJob) in a local MiniCluster; the job itself keeps
# running and is not changed. Procedure and caveats: docs/OPERATIONS.md, section 8.
#
#   deploy/republish.sh --savepoint-of http://localhost:8081 --redis redis://127.0.0.1:6390   # running job: savepoint first
#   deploy/republish.sh --snapshot file:///path/to/savepoint-xxxx --redis redis://...         # a savepoint you have
#   deploy/republish.sh --latest-checkpoint var/checkpoints --redis redis://...               # stopped job: newest chk-N
#   deploy/republish.sh --help
#
# Every other flag is a job setting and must be the running job's (pass the job's own arguments: --namespace, TTLs,
# --k, trending settings); --parallelism is the parallelism of the read. Without --redis it writes to the Redis
# of deploy/run-local.sh, redis://127.0.0.1:$REDIS_PORT (6390). Prints the values written per kind and the time taken.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"

args=()
latest=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --latest-checkpoint)
      [[ $# -ge 2 ]] || { echo "--latest-checkpoint needs a directory" >&2; exit 2; }
      latest="${2#file://}"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
has_flag() { local f; for f in "${args[@]+"${args[@]}"}"; do [[ "$f" == "$1" ]] && return 0; done; return 1; }

if [[ -n "$latest" ]]; then
  # the newest complete checkpoint (one with _metadata) of any job under the directory; only while no job is writing
  # checkpoints there, or the one being read may be subsumed and deleted during the read
  meta="$(find "$latest" -path '*/chk-*/_metadata' -printf '%T@ %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-)"
  [[ -n "$meta" ]] || { echo "no complete checkpoint (chk-*/_metadata) under $latest" >&2; exit 1; }
  args+=(--snapshot "file://$(cd "$(dirname "$meta")" && pwd)")
fi
has_flag --redis || args+=(--redis "redis://127.0.0.1:${REDIS_PORT:-6390}")

ensure_built
run_java io.shoprank.job.republish.RepublishJob "${args[@]}"
