# Shared helpers of the deploy/ scripts (sourced, not run).

# ND4J's native ops run on the task thread that calls them (io.shoprank.job.model.Nd4jThreads sets the same)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# Installs redis-server from Debian's packages when it is missing.
ensure_redis_installed() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis-server not found: installing the Debian package" >&2
    local sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
  fi
}

# Installs python3 from Debian's packages when it is missing (tests compare against the reference script).
ensure_python3_installed() {
  if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not found: installing the Debian package" >&2
    local sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 >/dev/null
  fi
}

# Installs kubectl from Debian's packages (kubernetes-client) when it is missing: K8sManifestsTest renders
# k8s/base and k8s/overlays/* with `kubectl kustomize`.
ensure_kubectl_installed() {
  if ! command -v kubectl >/dev/null 2>&1; then
    echo "kubectl not found: installing the Debian package kubernetes-client" >&2
    local sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq kubernetes-client >/dev/null
  fi
}

# Builds the job (skipping tests) when its classes or runtime classpath are missing or older than the sources.
ensure_built() {
  local cp="$root/flink-job/target/classpath.txt"
  if [[ ! -f "$cp" ]] || [[ -n "$(find "$root/flink-job/src/main" "$root/feature-store/src/main" "$root/pom.xml" \
        "$root/flink-job/pom.xml" "$root/feature-store/pom.xml" -newer "$cp" -print -quit)" ]]; then
    echo "building (mvn package -DskipTests) ..." >&2
    (cd "$root" && mvn -q -B package -DskipTests)
  fi
}

# Starts a throw-away redis-server on 127.0.0.1:$1 with its files in $2, unless one already answers there.
start_redis() {
  local port="$1" dir="$2"
  mkdir -p "$dir"
  if redis-cli -p "$port" ping >/dev/null 2>&1; then
    echo "using the redis-server already on port $port" >&2
    REDIS_STARTED=""
    return
  fi
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
    --logfile "$dir/redis.log" --daemonize yes --pidfile "$dir/redis.pid"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  REDIS_STARTED="$dir/redis.pid"
}

stop_redis() {
  if [[ -n "${REDIS_STARTED:-}" && -f "$REDIS_STARTED" ]]; then
    kill "$(cat "$REDIS_STARTED")" 2>/dev/null || true
  fi
}

# Runs a main class of flink-job on its runtime classpath.
run_java() {
  local main="$1"; shift
  # JavaCPP (ND4J's natives) unpacks ~400 MB once: into the build directory, not ~/.javacpp
  java -Xmx4g -Djava.awt.headless=true -Dlog4j.configurationFile="$root/deploy/log4j2-local.properties" \
    -Dorg.bytedeco.javacpp.cachedir="$root/flink-job/target/javacpp-cache" \
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    -cp "$root/flink-job/target/classes:$root/feature-store/target/classes:$(cat "$root/flink-job/target/classpath.txt")" \
    "$main" "$@"
}
