#!/usr/bin/env bash
# Runs every test: unit and operator tests (surefire), then the integration tests (failsafe: MiniCluster
# jobs against a real redis-server and an in-process KRaft Kafka broker, on ../shared/data files).
# Does its own set-up on a fresh Debian machine with Java 17 and Maven: installs redis-server (and python3,
# which runs the reference evaluation script the Java baselines are checked against, and kubectl, which renders
# the k8s/ overlays for the manifest validation) if missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"
ensure_redis_installed
ensure_python3_installed
ensure_kubectl_installed
if [[ ! -d "$root/../shared/data" ]]; then
  echo "warning: ../shared/data not found beside the repository; the integration tests read their data there" >&2
fi
exec mvn -B -ntp verify "$@"
