#!/usr/bin/env bash
# What triage adds to a ticket creation: the same demo database served
# twice, without models and with the models `relais train` makes from it,
# and wrk creating tickets over one connection (so latency is service time,
# not queueing). Prints p50/p99 of both and the difference. Run it a few
# times; the machine is shared.
#   bench/triage_latency.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "bench/triage_latency.sh: wrk is missing (scripts/deps.sh bench)"; exit 1; }
make -s relais
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
./relais demo --db "$dir/plain.db" --no-passwords >/dev/null
cp "$dir/plain.db" "$dir/triage.db"
./relais train --db "$dir/triage.db" >/dev/null
cat >"$dir/run.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {
  '{"title":"VPN impossible depuis ce matin","description":"Je n\'arrive plus a me connecter au VPN, AnyConnect affiche une erreur, tout le service est bloque."}',
  '{"title":"Printer on floor 2 jammed","description":"The printer keeps jamming on duplex jobs, 15 users waiting since this morning."}',
  '{"title":"Mot de passe expire","description":"Mon compte est verrouille apres changement de mot de passe, je ne peux plus ouvrir Outlook."}',
}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.3f %.3f\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
measure() { # db
  local token url line
  token=$(./relais token create --db "$1" --email agent@relais.demo)
  ./relais serve --db "$1" --listen 127.0.0.1:0 --threads 2 >"$dir/out" 2>"$dir/err" &
  pid=$!
  for _ in $(seq 50); do grep -q listening "$dir/out" && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$dir/out")
  line=$(wrk -t1 -c1 -d"${secs}s" --latency -H "Authorization: Bearer $token" -s "$dir/run.lua" \
    "$url/api/v1/tickets" | grep '^RESULT')
  kill $pid; wait $pid 2>/dev/null || true; pid=
  echo "$line"
}
read -r _ r1 p50a p99a <<<"$(measure "$dir/plain.db")"
read -r _ r2 p50b p99b <<<"$(measure "$dir/triage.db")"
printf 'ticket creation, one connection, %ss each\n' "$secs"
printf '  without models  %6s req/s  p50 %s ms  p99 %s ms\n' "$r1" "$p50a" "$p99a"
printf '  with triage     %6s req/s  p50 %s ms  p99 %s ms\n' "$r2" "$p50b" "$p99b"
awk -v a="$p50a" -v b="$p50b" -v c="$p99a" -v d="$p99b" \
  'BEGIN { printf "  triage adds     p50 %+.3f ms  p99 %+.3f ms\n", b - a, d - c }'
