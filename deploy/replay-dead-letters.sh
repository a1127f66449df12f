#!/usr/bin/env bash
# Replays dead letters after a fix (io.shoprank.job.deadletter.DeadLetterReplay, plain Java, no Flink): parses
# each dead letter's raw record again with this build's parser, sends what now parses to the input topics (or a
# JSON-lines replay file) and keeps everything else, with its current reason, in a remainder. Builds the job
# first if needed. Dry-run first; docs/OPERATIONS.md ("Dead-letter replay") has the procedure.
#
#   deploy/replay-dead-letters.sh --from-kafka $BROKERS --dry-run
#   deploy/replay-dead-letters.sh --from-kafka $BROKERS --to-kafka $BROKERS --remainder-topic events-dlq-remainder
#   deploy/replay-dead-letters.sh --from-files var/dead-letters --to-file var/replay.events.jsonl \
#     --remainder var/dead-letters-remainder.jsonl
#   deploy/replay-dead-letters.sh --help                  # every option
#
# Kafka input is read from the offsets committed under --group (shoprank-dlq-replay) to the end offsets at
# start, and those offsets are committed, so a second run does not replay the same dead letters. Exit status:
# 0 done, 1 failed, 2 bad command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"
ensure_built
# paths given relative to the caller's directory stay valid: the tool runs from the repository root
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --from-files|--to-file|--to-items-file|--remainder|--kafka-properties)
      [[ $# -ge 2 ]] || { echo "replay-dead-letters: $1 needs a value" >&2; exit 2; }
      args+=("$1" "$(realpath -m "$2")"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
cd "$root"
run_java io.shoprank.job.deadletter.DeadLetterReplay "${args[@]+"${args[@]}"}"
