#!/usr/bin/env bash
# Runs the job end to end on this machine: builds it if needed, starts a local redis-server (installing the
# Debian package where missing), replays the embedded sample (or the files/flags you pass) through a local
# Flink MiniCluster with the dashboard on http://localhost:8081, then prints a few users' lists as read back
# from Redis through the feature-store client.
#
#   deploy/run-local.sh                                   # embedded default: the ms-store sample
#   deploy/run-local.sh --events ../shared/data/taobao-2h.events.jsonl.gz
#   deploy/run-local.sh --source kafka --kafka-bootstrap localhost:9092   # with deploy/kafka-local.sh start
#   deploy/run-local.sh --help                            # every setting
#
# Environment: REDIS_PORT (6390), KEEP_REDIS=1 leaves redis-server running after the run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"

ensure_redis_installed
ensure_built

args=("$@")
has_flag() { local f; for f in "${args[@]+"${args[@]}"}"; do [[ "$f" == "$1" ]] && return 0; done; return 1; }
if ! has_flag --redis; then
  port="${REDIS_PORT:-6390}"
  start_redis "$port" "$root/var/redis-local"
  [[ "${KEEP_REDIS:-0}" == 1 ]] || trap 'stop_redis' EXIT
  args+=(--redis "redis://127.0.0.1:$port")
fi
if ! has_flag --events && ! has_flag --source && ! has_flag --help && ! has_flag -h; then
  args+=(--events "$root/deploy/sample/ms-store.events.jsonl.gz" --items "$root/deploy/sample/ms-store.items.jsonl.gz")
fi
has_flag --dead-letter-path || args+=(--dead-letter-path "$root/var/dead-letters")
has_flag --checkpoint-dir || args+=(--checkpoint-dir "file://$root/var/checkpoints")
# a bounded run ends at the first checkpoint after its input: keep that wait short
has_flag --checkpoint-interval-ms || args+=(--checkpoint-interval-ms 2000)

run_java io.shoprank.job.local.LocalRunner "${args[@]}"
