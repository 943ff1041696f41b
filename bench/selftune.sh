#!/usr/bin/env bash
# Self-tuning triage against scikit-learn, in one run, on every real set we
# have: the topic set (Document → Topic_group), four labels of the urgency
# sample (title + body → urgency, impact, business_service,
# sub_category1) and the demo's French tickets (title + description →
# category). Each set is split 80/20 (seeded shuffle of the rows with a
# label, seed 20261124); Relais runs with no flags (its settings chosen by
# cross-validation of the training part), beside TF-IDF + LinearSVC with
# scikit-learn's defaults, the same calibrated, and GridSearchCV over
# Relais's grid (bench/selftune_peers.py). Prints accuracy, macro-F1,
# coverage at 95 % precision, ECE and training seconds, with Relais's
# differences and ratios, and the settings each search chose.
#   bench/selftune.sh [SET…]   (topic urgency impact business_service sub_category1 demo_fr)
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
py=/usr/bin/python3   # Debian's python3, where python3-sklearn lives
scripts/deps.sh bench >/dev/null
make -s relais
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(topic urgency impact business_service sub_category1 demo_fr)

# the demo's French tickets, exported
./relais demo --db "$dir/demo.db" --tickets 4000 --seed 7 >/dev/null
./relais export --db "$dir/demo.db" --out "$dir/demo_all.csv"
$py - "$dir/demo_all.csv" "$dir/demo_fr.csv" <<'PY'
import csv, sys
csv.field_size_limit(1 << 24)
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    r = csv.DictReader(f)
    rows = [x for x in r if x['language'] == 'fr']
with open(sys.argv[2], 'w', newline='', encoding='utf-8') as f:
    w = csv.DictWriter(f, fieldnames=['title', 'description', 'category'])
    w.writeheader()
    for x in rows:
        w.writerow({k: x[k] for k in ('title', 'description', 'category')})
PY

for s in "${sets[@]}"; do
  case "$s" in
    topic) src=$data/it_tickets_topic_train.csv cols=Document label=Topic_group lang=en ;;
    urgency|impact|business_service|sub_category1)
      src=$data/it_tickets_urgency_sample.csv cols=title,body label=$s lang=en ;;
    demo_fr) src=$dir/demo_fr.csv cols=title,description label=category lang=fr ;;
    *) echo "selftune.sh: unknown set $s" >&2; exit 2 ;;
  esac
  d=$dir/$s
  mkdir -p "$d"
  echo "== $s: $($py bench/selftune_peers.py split "$src" "$d" 20261124 "$label")"
  for peer in svc calsvc; do
    $py bench/selftune_peers.py $peer "$d/train.csv" "$d/test.csv" "$cols" "$label" 2>/dev/null \
      >>"$d/peers.jsonl"
  done
  ./relais eval --data "$d/train.csv" --test "$d/test.csv" --text "$cols" --label "$label" \
    --json >"$d/relais.json" 2>"$d/relais.err"
  cat "$d/relais.err"
  $py bench/selftune_peers.py grid "$d/train.csv" "$d/test.csv" "$cols" "$label" "$lang" \
    2>/dev/null >>"$d/peers.jsonl"
done
$py bench/selftune_report.py "$dir" "${sets[@]}"
