#!/usr/bin/env bash
# How much of bench/selftune.sh's differences is the split: the same
# comparison on N seeded 80/20 splits of each set (seeds 20261124,
# 20261125, …), Relais with no flags beside TF-IDF + LinearSVC with
# scikit-learn's defaults and the same calibrated; with --grid also
# GridSearchCV over Relais's grid (slow: minutes a split on the small
# sets, half an hour on topic). Prints, per set, each difference's mean
# over the splits, its range, and on how many splits each target holds.
#   bench/selftune_seeds.sh [--grid] N [SET…]
#   (SETs as bench/selftune.sh: urgency impact business_service sub_category1 demo_fr topic)
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
py=/usr/bin/python3
grid=0
[ "${1:-}" = --grid ] && { grid=1; shift; }
n=${1:?usage: bench/selftune_seeds.sh [--grid] N [SET…]}
shift
scripts/deps.sh bench >/dev/null
make -s relais
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(urgency impact business_service sub_category1 demo_fr)

./relais demo --db "$dir/demo.db" --tickets 4000 --seed 7 >/dev/null
./relais export --db "$dir/demo.db" --out "$dir/demo_all.csv" >/dev/null
$py - "$dir/demo_all.csv" "$dir/demo_fr.csv" <<'PY'
import csv, sys
csv.field_size_limit(1 << 24)
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = [x for x in csv.DictReader(f) if x['language'] == 'fr']
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
    *) echo "selftune_seeds.sh: unknown set $s" >&2; exit 2 ;;
  esac
  for ((i = 0; i < n; i++)); do
    seed=$((20261124 + i)) d=$dir/$s/$i
    mkdir -p "$d"
    $py bench/selftune_peers.py split "$src" "$d" $seed "$label" >/dev/null
    for peer in svc calsvc; do
      $py bench/selftune_peers.py $peer "$d/train.csv" "$d/test.csv" "$cols" "$label" 2>/dev/null \
        >>"$d/peers.jsonl"
    done
    ./relais eval --data "$d/train.csv" --test "$d/test.csv" --text "$cols" --label "$label" \
      --json >"$d/relais.json" 2>/dev/null
    [ $grid = 0 ] || $py bench/selftune_peers.py grid "$d/train.csv" "$d/test.csv" "$cols" "$label" \
      "$lang" 2>/dev/null >>"$d/peers.jsonl"
    echo "$s seed $seed done" >&2
  done
done
$py bench/selftune_seeds.py "$dir" "$n" "${sets[@]}"
