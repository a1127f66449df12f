#!/usr/bin/env bash
# Generates the savepoint fixture that SavepointCompatibilityIT restores into every later build (CI's guard for
# savepoint upgrades, docs/OPERATIONS.md section 2): runs the current job on the first 3,000 events of
# ../shared/data/taobao-2h.events.jsonl.gz (read in place), stops it with a canonical savepoint and writes
#   flink-job/src/test/resources/savepoints/BUILD_ID/savepoint/      the savepoint (_metadata + state files)
#   flink-job/src/test/resources/savepoints/BUILD_ID/manifest.json   build, commit, input slice, flags, facts
#
# Usage: deploy/make-savepoint-fixture.sh BUILD_ID [--before N] [--after N] [--first-line N] [--events FILE]
#   BUILD_ID  e.g. v2-$(date -u +%F): the next number after the fixture it replaces
#
# Run it from a clean checkout of the commit the fixture describes (the manifest records `git rev-parse HEAD`
# and whether the tree was dirty). Needs Java 17, Maven and redis-server (installed if missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"

[[ $# -ge 1 && "$1" != -* ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
build_id="$1"; shift
out="$root/flink-job/src/test/resources/savepoints"
[[ ! -e "$out/$build_id" ]] || { echo "$out/$build_id exists: remove it first or pick another build id" >&2; exit 1; }

ensure_redis_installed
# the test classpath names feature-store's test-jar (RedisTestServer), which must be in the local repository
echo "building (mvn install -DskipTests) ..." >&2
(cd "$root" && mvn -q -B install -DskipTests)
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
(cd "$root" && mvn -q -B -pl flink-job dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" >/dev/null)

cd "$root"
java -Xmx3g -Dlog4j.configurationFile="$root/deploy/log4j2-local.properties" \
  -Dorg.bytedeco.javacpp.cachedir="$root/flink-job/target/javacpp-cache" \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -cp "$root/flink-job/target/test-classes:$root/flink-job/target/classes:$(cat "$cp_file")" \
  io.shoprank.it.SavepointFixture --build-id "$build_id" --out "$out" "$@"

du -sh "$out/$build_id"
cat <<EOF

Next:
  - run the test against it:  cd flink-job && mvn -B verify -Dit.test=SavepointCompatibilityIT -Dtest=none \\
        -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
  - if it replaces an older fixture (a deliberate state-breaking change), delete that one: git rm -r $out/<old-id>
  - commit both, and say in the commit message that savepoints of earlier builds no longer restore.
EOF
