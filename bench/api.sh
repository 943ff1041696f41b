#!/usr/bin/env bash
# API throughput on loopback with wrk: ticket creation and ticket reads
# against the optimised build, on a fresh demo database. Prints requests/s
# and p50/p99 latency for each. The machine is shared: run it a few times
# and quote medians.
#   bench/api.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
command -v wrk >/dev/null || { echo "bench/api.sh: wrk is missing (scripts/deps.sh bench)"; exit 1; }
make -s relais
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
./relais demo --db "$dir/b.db" --no-passwords >/dev/null
token=$(./relais token create --db "$dir/b.db" --email agent@relais.demo)
./relais serve --db "$dir/b.db" --listen 127.0.0.1:0 --threads "${RELAIS_THREADS:-4}" >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 50); do grep -q listening "$dir/out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$dir/out")

cat >"$dir/create.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"Cannot connect to the VPN","description":"Error 809 since this morning, rebooted already.","impact":2,"urgency":2,"category":"Network"}'
LUA
cat >"$dir/read.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/api/v1/tickets/" .. ((counter % 2400) + 1))
end
LUA
cat >"$dir/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local errs = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, errs))
end
LUA
run() { # name script path
  cat "$dir/$2" "$dir/report.lua" >"$dir/run.lua"
  local line
  line=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$dir/run.lua" "$url$3" | grep '^RESULT')
  read -r _ rps p50 p99 n errs <<<"$line"
  printf '%-16s %10s req/s   p50 %6s ms   p99 %6s ms   (%s requests, %s errors)\n' "$1" "$rps" "$p50" "$p99" "$n" "$errs"
}
echo "relais API on $url — wrk, 2 threads, $conns connections, ${secs}s each, server --threads ${RELAIS_THREADS:-4}, $(nproc) cores"
run "create ticket" create.lua /api/v1/tickets
run "read ticket" read.lua /
