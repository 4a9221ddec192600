#!/usr/bin/env bash
# Several replicas of the app behind nginx, on loopback, for one classroom server.
#
#   deploy/start.sh start    # REPLICAS (2) Streamlit servers + nginx; prints the address
#   deploy/start.sh stop     # stops nginx and the replicas this script started
#   deploy/start.sh status
#   deploy/start.sh run      # start, then stay in the foreground until Ctrl+C / SIGTERM, then stop (containers)
#
# Settings from the environment: REPLICAS=2, PORT=8080 (nginx), LISTEN=127.0.0.1 (nginx's address; 0.0.0.0
# to serve other computers), BASE_PORT=8601 (replica i listens on
# BASE_PORT+i-1), RUN_DIR=/tmp/llm-explainer-deploy (config, logs, pid files), LLM_EXPLAINER_RUNS (the run
# store; default RUN_DIR/runs, one folder that every replica shares), LLM_EXPLAINER_POLLS (the class polls; default
# RUN_DIR/polls, shared likewise). nginx runs as the current user
# with its own config in RUN_DIR (no system service); Debian: apt-get install -y nginx-light (or nginx).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
REPLICAS=${REPLICAS:-2}
PORT=${PORT:-8080}
LISTEN=${LISTEN:-127.0.0.1}
BASE_PORT=${BASE_PORT:-8601}
RUN_DIR=${RUN_DIR:-/tmp/llm-explainer-deploy}
PY=${PYTHON:-$ROOT/.venv/bin/python}
command -v "$PY" > /dev/null || PY=python3
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
export LLM_EXPLAINER_RUNS=${LLM_EXPLAINER_RUNS:-$RUN_DIR/runs}
export LLM_EXPLAINER_POLLS=${LLM_EXPLAINER_POLLS:-$RUN_DIR/polls}  # shared too: a class's guesses reach every replica
# Fewer malloc arenas: each Streamlit session runs in a thread of its own, and glibc's default (8 per core) keeps
# freed memory in each; two arenas took the peak of 30 students on 2 replicas from 2.02 to 1.89 GB (README).
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

wait_healthy() {  # URL SECONDS
  for _ in $(seq "$(($2 * 5))"); do
    curl -fsS -o /dev/null "$1/_stcore/health" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "not healthy after $2 s: $1" >&2
  return 1
}

start() {
  [ -x "$NGINX" ] || { echo "nginx is missing: apt-get install -y nginx-light (or nginx)" >&2; exit 2; }
  if [ -s "$RUN_DIR/replicas.pid" ]; then echo "already running (deploy/start.sh stop first)" >&2; exit 2; fi
  mkdir -p "$RUN_DIR/nginx-temp" "$LLM_EXPLAINER_RUNS" "$LLM_EXPLAINER_POLLS"
  : > "$RUN_DIR/replicas.pid"
  servers=""
  replica_map=""
  for i in $(seq "$REPLICAS"); do
    port=$((BASE_PORT + i - 1))
    # Its own session (setsid): `stop` ends the replica and anything it started, and nothing else.
    (cd "$ROOT" && exec setsid "$PY" -m explainer.ui.serve --server.headless true \
      --server.address 127.0.0.1 --server.port "$port" --server.fileWatcherType none \
      --browser.gatherUsageStats false) > "$RUN_DIR/replica-$i.log" 2>&1 < /dev/null &
    echo $! >> "$RUN_DIR/replicas.pid"
    servers="$servers server 127.0.0.1:$port;"
    replica_map="$replica_map        \"127.0.0.1:$port\" 127.0.0.1:$port;\n"
  done
  for i in $(seq "$REPLICAS"); do
    wait_healthy "http://127.0.0.1:$((BASE_PORT + i - 1))" 120 || { stop; exit 1; }
  done
  user_line=""
  [ "$(id -u)" = 0 ] && user_line="user $(id -un);"  # as root, workers would otherwise drop to nobody
  sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LISTEN@|$LISTEN|g" -e "s|@PORT@|$PORT|g" -e "s|@SERVERS@|$servers|" -e "s|^@REPLICA_MAP@\$|${replica_map%\\n}|" \
    -e "s|@USER_LINE@|$user_line|" "$HERE/nginx.conf.template" > "$RUN_DIR/nginx.conf"
  "$NGINX" -t -q -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf"
  "$NGINX" -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf"
  wait_healthy "http://127.0.0.1:$PORT" 30 || { stop; exit 1; }
  echo "app at http://$LISTEN:$PORT ($REPLICAS replicas on ports $BASE_PORT..$((BASE_PORT + REPLICAS - 1)));" \
    "runs in $LLM_EXPLAINER_RUNS; logs in $RUN_DIR"
}

stop() {
  if [ -s "$RUN_DIR/nginx.pid" ]; then
    "$NGINX" -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf" -s quit 2>/dev/null || kill "$(cat "$RUN_DIR/nginx.pid")" || true
    for _ in $(seq 50); do [ -s "$RUN_DIR/nginx.pid" ] || break; sleep 0.1; done
  fi
  if [ -f "$RUN_DIR/replicas.pid" ]; then
    for pid in $(cat "$RUN_DIR/replicas.pid"); do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for pid in $(cat "$RUN_DIR/replicas.pid"); do
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    done
    rm -f "$RUN_DIR/replicas.pid"
  fi
  echo "stopped"
}

status() {
  [ -s "$RUN_DIR/replicas.pid" ] || { echo "not running"; return 0; }
  for pid in $(cat "$RUN_DIR/replicas.pid"); do
    if kill -0 "$pid" 2>/dev/null; then echo "replica pid $pid: running"; else echo "replica pid $pid: gone"; fi
  done
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/_stcore/health"; then echo "nginx: http://127.0.0.1:$PORT"; else echo "nginx: not answering"; fi
}

all_up() {  # nginx and every replica still running
  [ -s "$RUN_DIR/nginx.pid" ] && kill -0 "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null || return 1
  for pid in $(cat "$RUN_DIR/replicas.pid"); do kill -0 "$pid" 2>/dev/null || return 1; done
}

run() {
  start
  trap 'stop; exit 0' INT TERM
  while all_up; do sleep 2; done
  echo "a replica or nginx stopped: stopping the rest" >&2
  stop
  exit 1
}

case "${1:-start}" in
  start) start ;;
  run) run ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|run" >&2; exit 2 ;;
esac
