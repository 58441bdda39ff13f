# Sourced by the scripts that start a server. `wait_for PORT PID LOG PATTERN` waits until the
# server's /health answer holds PATTERN; if the server died first (an index it cannot open,
# a port taken) it prints the end of LOG and stops the script instead of waiting for ever.
wait_for() {
  local port=$1 pid=$2 log=$3 pattern=$4
  until curl -sf "http://127.0.0.1:$port/health" | grep -q "$pattern"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server stopped before /health answered $pattern; its log:" >&2
      tail -5 "$log" >&2
      exit 1
    fi
    sleep 0.02
  done
}
