#!/usr/bin/env bash
# A real Collections.Orleans cluster on one machine: Redis or Azurite (started if not already running) and
# N silo processes on loopback, each with its own silo, gateway and HTTP port, optionally an API-only process.
#
#   deploy/cluster.sh start [N] [--store redis|azure]
#                                   build, start Redis (default) or Azurite if needed and N silos (default 3); waits until ready
#   deploy/cluster.sh status        processes, ports and /health/ready of each
#   deploy/cluster.sh kill I        kill -9 silo I (to watch the cluster recover)
#   deploy/cluster.sh stop          SIGTERM every process started here; Redis or Azurite too if this script started it
#
# Silo I (1-based) listens on HTTP 5000+I, silo port 11110+I, gateway port 30000+I. With API=1 an
# API-only process (Collections:Role=Api, an Orleans client) serves HTTP on 5080.
# Environment: REDIS_PORT (6379), CLOCK_SPEED (1; 8640 = a business day per 10 s), ADMIN_KEY (an admin
# API key; without it the cluster runs in Development and accepts dev-admin), DATA (./.cluster: Redis data,
# logs and pid files), NO_BUILD=1 to use the last build, CONFIGURATION (Release). With --store azure: Azurite on
# its default ports (blob 10000, queue 10001, table 10002; installed with npm if missing), data in $DATA/azurite,
# and the silos on UseDevelopmentStorage=true, or on AZURE_STORAGE (a connection string) if set.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${DATA:-$ROOT/.cluster}"
REDIS_PORT="${REDIS_PORT:-$(cat "$DATA/run/redis.port" 2>/dev/null || echo 6379)}"
CLOCK_SPEED="${CLOCK_SPEED:-1}"
CONFIGURATION="${CONFIGURATION:-Release}"
HOST_DLL="$ROOT/src/Collections.Host/bin/$CONFIGURATION/net10.0/Collections.Host.dll"
RUN="$DATA/run"
LOGS="$DATA/logs"
STORE="$(cat "$RUN/store" 2>/dev/null || echo redis)"
AZURE_STORAGE="${AZURE_STORAGE:-UseDevelopmentStorage=true}"

redis_up() { redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  if redis_up; then
    echo "Redis already answers on 127.0.0.1:$REDIS_PORT; using it."
    return
  fi
  command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)." >&2; exit 1; }
  mkdir -p "$DATA/redis"
  # The production redis.conf with this machine's data directory (redis-server reads a config from stdin with "-").
  sed "s#^dir .*#dir $DATA/redis#" "$ROOT/deploy/redis.conf" | redis-server - --port "$REDIS_PORT" \
    --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$LOGS/redis.log"
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
  redis_up || { echo "Redis did not start; see $LOGS/redis.log" >&2; exit 1; }
  echo "Started Redis on 127.0.0.1:$REDIS_PORT (append-only, fsync always) with data in $DATA/redis"
}

azurite_up() { (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; }

start_azurite() {
  if azurite_up; then
    echo "Azurite (or another Azure Table endpoint) already answers on 127.0.0.1:10002; using it."
    return
  fi
  if ! command -v azurite >/dev/null; then
    command -v npm >/dev/null || { echo "azurite is not installed and npm is missing (install Node.js, then npm install -g azurite@3.37)." >&2; exit 1; }
    echo "Installing Azurite (npm install -g azurite@3.37)..."
    npm install -g azurite@3.37 >"$LOGS/azurite-install.log" 2>&1 || { echo "npm install -g azurite failed; see $LOGS/azurite-install.log" >&2; exit 1; }
  fi
  mkdir -p "$DATA/azurite"
  # On disk (not in memory), so that a silo restart finds the cluster's state; loopback only.
  nohup azurite --location "$DATA/azurite" --skipApiVersionCheck --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    >"$LOGS/azurite.log" 2>&1 &
  echo $! >"$RUN/azurite.pid"
  for _ in $(seq 1 100); do azurite_up && break; sleep 0.1; done
  azurite_up || { echo "Azurite did not start; see $LOGS/azurite.log" >&2; exit 1; }
  echo "Started Azurite on 127.0.0.1:10000-10002 with data in $DATA/azurite"
}

storage_args() {
  if [[ "$STORE" == azure ]]; then
    echo "--Collections:Storage:Provider=AzureStorage"
    echo "--Collections:Storage:AzureStorage=$AZURE_STORAGE"
  else
    echo "--Collections:Storage:Provider=Redis"
    echo "--Collections:Storage:Redis=127.0.0.1:$REDIS_PORT"
  fi
}

start_process() { # name http-port extra-args...
  local name="$1" http="$2"; shift 2
  local env_name="Production" auth=() storage=()
  mapfile -t storage < <(storage_args)
  if [[ -n "${ADMIN_KEY:-}" ]]; then auth=("--Collections:Auth:AdminKeys:0=$ADMIN_KEY"); else env_name="Development"; fi
  # The content root is the build output, where appsettings.json is. exec: the pid file holds dotnet's own pid.
  (
    cd "$(dirname "$HOST_DLL")"
    export ASPNETCORE_ENVIRONMENT="$env_name"
    exec nohup dotnet "$HOST_DLL" \
      --urls "http://127.0.0.1:$http" \
      "${storage[@]}" \
      --Collections:Clock:Speed="$CLOCK_SPEED" \
      "${auth[@]}" "$@" >"$LOGS/$name.log" 2>&1
  ) &
  echo $! >"$RUN/$name.pid"
  echo "Started $name (pid $(cat "$RUN/$name.pid")) on http://127.0.0.1:$http, log $LOGS/$name.log"
}

wait_ready() { # name http-port
  local name="$1" http="$2"
  for _ in $(seq 1 120); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready" || true)" == 200 ]]; then
      echo "$name ready"; return
    fi
    if ! kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then
      echo "$name exited; last lines of $LOGS/$name.log:" >&2; tail -5 "$LOGS/$name.log" >&2; exit 1
    fi
    sleep 0.5
  done
  echo "$name not ready after 60 s; see $LOGS/$name.log" >&2; exit 1
}

cmd_start() {
  local n=3
  STORE=redis
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --store) STORE="${2:-}"; shift 2 ;;
      --store=*) STORE="${1#--store=}"; shift ;;
      *) n="$1"; shift ;;
    esac
  done
  [[ "$STORE" == redis || "$STORE" == azure ]] || { echo "--store must be redis or azure (not '$STORE')." >&2; exit 2; }
  mkdir -p "$RUN" "$LOGS"
  echo "$REDIS_PORT" >"$RUN/redis.port"
  echo "$STORE" >"$RUN/store"
  if [[ "${NO_BUILD:-0}" != 1 ]]; then
    local build
    if ! build="$(dotnet build "$ROOT/src/Collections.Host" -c "$CONFIGURATION" -v quiet -nologo 2>&1)"; then
      grep -E ': error ' <<<"$build" | sort -u >&2 || echo "$build" >&2
      echo "The build failed; nothing was started." >&2
      exit 1
    fi
  fi
  if [[ "$STORE" == azure ]]; then start_azurite; else start_redis; fi
  for i in $(seq 1 "$n"); do
    start_process "silo-$i" $((5000 + i)) \
      --Collections:Cluster:SiloPort=$((11110 + i)) --Collections:Cluster:GatewayPort=$((30000 + i))
  done
  if [[ "${API:-0}" == 1 ]]; then
    start_process api 5080 --Collections:Role=Api
  fi
  for i in $(seq 1 "$n"); do wait_ready "silo-$i" $((5000 + i)); done
  if [[ "${API:-0}" == 1 ]]; then wait_ready api 5080; fi
  [[ -n "${ADMIN_KEY:-}" ]] || echo "Development cluster: admin API key 'dev-admin'."
  echo "Try: curl -s -H 'X-Api-Key: ${ADMIN_KEY:-dev-admin}' http://127.0.0.1:5001/api/v1/clock"
}

cmd_status() {
  if [[ "$STORE" == azure ]]; then
    azurite_up && echo "azurite  127.0.0.1:10002 up" || echo "azurite  127.0.0.1:10002 down"
  else
    redis_up && echo "redis  127.0.0.1:$REDIS_PORT up" || echo "redis  127.0.0.1:$REDIS_PORT down"
  fi
  shopt -s nullglob
  for pidfile in "$RUN"/silo-*.pid "$RUN"/api*.pid; do
    local name pid http
    name="$(basename "$pidfile" .pid)"; pid="$(cat "$pidfile")"
    if [[ "$name" == api ]]; then http=5080; else http=$((5000 + ${name#silo-})); fi
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name pid $pid http $http ready: $(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready" || echo none)"
    else
      echo "$name pid $pid not running"
    fi
  done
}

cmd_kill() {
  local pidfile="$RUN/silo-$1.pid"
  [[ -f "$pidfile" ]] || { echo "no silo-$1 started here" >&2; exit 1; }
  kill -9 "$(cat "$pidfile")" && echo "killed -9 silo-$1 (pid $(cat "$pidfile"))"
  rm -f "$pidfile"
}

cmd_stop() {
  shopt -s nullglob
  local pids=()
  for pidfile in "$RUN"/silo-*.pid "$RUN"/api*.pid; do
    local pid; pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; pids+=("$pid"); fi
    rm -f "$pidfile"
  done
  # SIGTERM lets each silo leave the cluster (marked Dead in the membership table) and hand over its grains.
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 70); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { echo "pid $pid still running after 35 s; killing" >&2; kill -9 "$pid"; }
  done
  echo "Stopped ${#pids[@]} process(es)."
  if [[ -f "$RUN/redis.pid" ]]; then
    redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    rm -f "$RUN/redis.pid"
    echo "Stopped the Redis this script started (data kept in $DATA/redis)."
  fi
  if [[ -f "$RUN/azurite.pid" ]]; then
    kill -TERM "$(cat "$RUN/azurite.pid")" 2>/dev/null || true
    rm -f "$RUN/azurite.pid"
    echo "Stopped the Azurite this script started (data kept in $DATA/azurite)."
  fi
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  status) cmd_status ;;
  kill) shift; cmd_kill "$@" ;;
  stop) cmd_stop ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
