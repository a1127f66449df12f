#!/usr/bin/env bash
# Performance figures of the job on this machine, each beside its reference (docs/BENCHMARKS.md):
#   1. JMH microbenchmarks of the hot pure-Java paths (parsing, feature updates, co-visitation, scoring);
#   2. the full job unpaced (sustained events/s, state size from a savepoint, heap), then the pass-through
#      job (same source and parsing, one Redis write per event);
#   3. freshness at 2,000 events/s offered, with frontend reads (4 readers in their own JVM) meanwhile;
#      the pass-through job at the same load; the full job at half its measured maximum.
# Builds what is missing, starts its own redis-server on a free port, prints figure vs target vs ratio with
# PASS/MISS and writes target/benchmark/results.json (plus JFR recording and hotspot report of phase 2).
#
#   deploy/benchmark.sh                                  # everything, about 9 minutes
#   deploy/benchmark.sh --no-jmh                         # skip the microbenchmarks
#   deploy/benchmark.sh --quick                          # short phases, a smoke test (about 3 minutes)
#   deploy/benchmark.sh --events ../shared/data/yoochoose-100k.events.jsonl.gz
#   deploy/benchmark.sh --phases throughput,passthrough  # any BenchmarkRunner option (see its javadoc)
#   deploy/benchmark.sh --job-arg redis-batch=1000       # a job setting for every phase
#
# Environment: BENCH_OUT (target/benchmark), BENCH_HEAP (3g) for the job's JVM.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"

out="${BENCH_OUT:-$root/target/benchmark}"
heap="${BENCH_HEAP:-3g}"
jmh=1
quick=0
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-jmh) jmh=0; shift ;;
    --quick) quick=1; shift ;;
    --out) out="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
has_arg() { local a; for a in "${args[@]+"${args[@]}"}"; do [[ "$a" == "$1" ]] && return 0; done; return 1; }
has_arg --events || args+=(--events "$root/../shared/data/taobao-2h.events.jsonl.gz")
# the replay file, also the data of the JMH benchmarks that read events
for ((i = 0; i < ${#args[@]} - 1; i++)); do [[ "${args[i]}" == --events ]] && events_file="${args[i+1]}"; done
events_file="$(cd "$(dirname "$events_file")" && pwd)/$(basename "$events_file")"
if [[ "$quick" == 1 ]]; then
  args+=(--warmup-s 10 --measure-s 20 --pass-warmup-s 5 --pass-measure-s 15 --fresh-warmup-s 10
         --fresh-measure-s 20 --reads-s 10 --profile-s 10)
fi

ensure_redis_installed
mkdir -p "$out"
rm -rf "$out/checkpoints" "$out/savepoints" "$out/dead-letters"
echo "machine: $(nproc --all) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
  "$(free -h | awk '/^Mem:/ {print $2 " RAM, " $7 " available"}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- build: the job's classes and runtime classpath; for JMH also the test classes and test classpath
ensure_built
if [[ "$jmh" == 1 ]]; then
  if [[ ! -f "$root/flink-job/target/test-classes/META-INF/BenchmarkList" ]] || \
     [[ -n "$(find "$root/flink-job/src" "$root/feature-store/src" -newer "$root/flink-job/target/test-classes/META-INF/BenchmarkList" -print -quit)" ]]; then
    echo "building the JMH benchmarks (mvn install -DskipTests) ..." >&2
    (cd "$root" && mvn -q -B install -DskipTests)
  fi
  test_cp() {
    (cd "$root" && mvn -q -B -pl flink-job dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$out/test-classpath.txt" >/dev/null 2>&1)
  }
  # the test classpath names feature-store's test-jar, which must be installed in the local repository
  test_cp || { echo "installing the modules (mvn install -DskipTests) ..." >&2; (cd "$root" && mvn -q -B install -DskipTests) && test_cp; }
fi

# --- a private copy of the compiled classes: other builds of this tree may rewrite target/ while we run
snap="$out/classes"
snapshot_classes() {
  rm -rf "$snap" && mkdir -p "$snap"
  cp -r "$root/flink-job/target/classes" "$snap/job" && cp -r "$root/feature-store/target/classes" "$snap/store" || return 1
  [[ -f "$snap/job/io/shoprank/job/bench/BenchmarkRunner.class" ]] || return 1
  if [[ "$jmh" == 1 ]]; then
    cp -r "$root/flink-job/target/test-classes" "$snap/job-test" || return 1
    [[ -f "$snap/job-test/META-INF/BenchmarkList" ]] || return 1
    for b in $(cut -d' ' -f4,7 "$snap/job-test/META-INF/BenchmarkList" | tr ' ' '\n' | sort -u); do
      [[ -f "$snap/job-test/${b//.//}.class" ]] || return 1
    done
  fi
}
for attempt in 1 2 3 4 5 6; do
  snapshot_classes && break
  [[ "$attempt" == 6 ]] && { echo "target/ classes incomplete (a concurrent build?); try again" >&2; exit 1; }
  echo "target/ classes incomplete, a concurrent build? retrying in 20 s ..." >&2; sleep 20
done
job_cp="$snap/job:$snap/store:$(cat "$root/flink-job/target/classpath.txt")"

# --- Redis: our own throw-away server on a free port
port=""
for p in $(seq 6480 6579); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port="$p"; break; fi
done
[[ -n "$port" ]] || { echo "no free port in 6480..6579 for redis-server" >&2; exit 1; }
rm -rf "$out/redis"
start_redis "$port" "$out/redis"
trap 'stop_redis' EXIT
echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on port $port"

# --- 1. JMH (one fork per benchmark, 3 x 1 s warm-up, 5 x 1 s measured)
if [[ "$jmh" == 1 ]]; then
  echo; echo "== JMH microbenchmarks"
  (cd "$root" && java -Xmx1g -cp "$snap/job-test:$job_cp:$(cat "$out/test-classpath.txt")" \
      org.openjdk.jmh.Main 'io\.shoprank\.job\..*Benchmark.*' -rf json -rff "$out/jmh.json" \
      -jvmArgsAppend "-Dbench.events=$events_file" > "$out/jmh.log" 2>&1) \
    || { echo "JMH failed, see $out/jmh.log" >&2; exit 1; }
  grep -q '<failure>' "$out/jmh.log" && echo "warning: some JMH benchmarks failed, see $out/jmh.log" >&2
  sed -n '/^Benchmark /,$p' "$out/jmh.log"
  args+=(--jmh "$out/jmh.json")
fi

# --- 2, 3. the job phases, in one JVM (each phase its own MiniCluster)
echo
java -Xmx"$heap" -Dlog4j.configurationFile="$root/deploy/log4j2-local.properties" \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -cp "$job_cp" io.shoprank.job.bench.BenchmarkRunner --redis "redis://127.0.0.1:$port" --out "$out" --flush-redis true \
  "${args[@]}"
