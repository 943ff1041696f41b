#!/usr/bin/env bash
# "Similar tickets" against SQLite FTS5 alone and scikit-learn's TF-IDF
# cosine, in one run, on the topic set's 80/20 split (seed 20261124, as
# bench/selftune.sh) and on the demo's French tickets: the queries are the
# test tickets, the corpus the training tickets, and a neighbour counts as
# relevant when its label is the query's. Prints P@1, P@10, MRR and the
# latency per query of each (bench/search_peers.py), and Relais's
# differences. Relais runs twice: with its default ranker, whose features
# include the agreement of a ticket's category with the one the category
# model predicts for the query, and with the fields weighing 0 (the texts
# alone), so that what the model brings is seen apart.
#   bench/search.sh [SET…]   (topic demo_fr); QUERIES=N: the first N test tickets as queries
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
py=/usr/bin/python3
scripts/deps.sh bench >/dev/null
make -s relais
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(topic demo_fr)

for s in "${sets[@]}"; do
  case "$s" in
    topic) src=$data/it_tickets_topic_train.csv cols=Document label=Topic_group ;;
    demo_fr)
      ./relais demo --db "$dir/demo.db" --tickets 4000 --seed 7 >/dev/null
      ./relais export --db "$dir/demo.db" --out "$dir/demo_all.csv" >/dev/null
      $py - "$dir/demo_all.csv" "$dir/demo_fr.csv" <<'PY'
import csv, sys
csv.field_size_limit(1 << 24)
rows = [x for x in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')) if x['language'] == 'fr']
w = csv.DictWriter(open(sys.argv[2], 'w', newline='', encoding='utf-8'), fieldnames=['title', 'description', 'category'])
w.writeheader()
for x in rows:
    w.writerow({k: x[k] for k in ('title', 'description', 'category')})
PY
      src=$dir/demo_fr.csv cols=title,description label=category ;;
    *) echo "search.sh: unknown set $s" >&2; exit 2 ;;
  esac
  d=$dir/$s
  mkdir -p "$d"
  echo "== $s: $($py bench/selftune_peers.py split "$src" "$d" 20261124 "$label")"
  # the training tickets into a desk of their own: title, description and the label as category
  $py - "$d/train.csv" "$d/import.csv" "$cols" "$label" <<'PY'
import csv, sys
csv.field_size_limit(1 << 24)
cols, label = sys.argv[3].split(','), sys.argv[4]
w = csv.DictWriter(open(sys.argv[2], 'w', newline='', encoding='utf-8'), fieldnames=['title', 'description', 'category'])
w.writeheader()
for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
    if not r.get(label):
        continue
    if len(cols) == 2:
        title, desc = r[cols[0]], r[cols[1]]
    else:
        desc = r[cols[0]]
        title = ' '.join(desc.split()[:12]) or '-'
    w.writerow({'title': title[:300], 'description': desc, 'category': r[label]})
PY
  db=$d/desk.db
  ./relais import "$d/import.csv" --db "$db" --map title=title,description=description,category=category \
    --add-values >"$d/import.log" 2>&1 || { tail -5 "$d/import.log"; exit 1; }
  # the category model: a query's likely category is one of the ranker's features
  ./relais train --db "$db" --field category >"$d/train.log" 2>&1 || { tail -5 "$d/train.log"; exit 1; }
  ./relais user add --db "$db" --email bench@relais.test --name Bench --role agent >/dev/null
  token=$(./relais token create --db "$db" --email bench@relais.test | tail -1)
  sqlite3 -json "$db" 'SELECT id, category FROM tickets' | $py -c '
import json, sys
print(json.dumps({r["id"]: r["category"] for r in json.load(sys.stdin)}))' >"$d/ids.json"
  ./relais serve --db "$db" --listen "127.0.0.1:$port" >"$d/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  : >"$d/results.jsonl"
  for peer in fts5 tfidf; do
    $py bench/search_peers.py $peer "$d/train.csv" "$d/test.csv" "$cols" "$label" 2>/dev/null >>"$d/results.jsonl"
  done
  # the ranker without the fields (category, service, CI weighing 0): what the texts alone give
  w=$($py -c '
import json
w = {"bm25_title": 1.0, "bm25_body": 1.5, "tfidf": 2.0, "words": 1.5, "chars": 1.0,
     "category": 0.0, "service": 0.0, "ci": 0.0, "requester": 0.3, "recency": 0.3}
print(json.dumps({"weights": w, "bias": -4.0, "trained": False}))')
  sqlite3 "$db" "INSERT OR REPLACE INTO settings(key, value) VALUES ('similar_ranker', '$w')"
  $py bench/search_peers.py relais "http://127.0.0.1:$port" "$token" "$d/test.csv" "$cols" "$label" "$d/ids.json" \
    'Relais, texts only (fields weighing 0)' >>"$d/results.jsonl"
  sqlite3 "$db" "DELETE FROM settings WHERE key = 'similar_ranker'"
  $py bench/search_peers.py relais "http://127.0.0.1:$port" "$token" "$d/test.csv" "$cols" "$label" "$d/ids.json" \
    >>"$d/results.jsonl"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  $py - "$d/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print('%-42s %7s %7s %7s %9s %9s' % ('model', 'P@1', 'P@10', 'MRR', 'p50 ms', 'p95 ms'))
for r in rows:
    print('%-42s %7.4f %7.4f %7.4f %9.2f %9.2f' % (r['model'], r['p_at_1'], r['p_at_10'], r['mrr'], r['ms_p50'], r['ms_p95']))
rel = rows[-1]
for r in rows[:-1]:
    print('  Relais vs %-32s P@1 %+6.2f  P@10 %+6.2f  MRR %+6.2f (points)' % (
        r['model'], 100 * (rel['p_at_1'] - r['p_at_1']), 100 * (rel['p_at_10'] - r['p_at_10']), 100 * (rel['mrr'] - r['mrr'])))
PY
done
