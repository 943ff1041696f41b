#!/usr/bin/env bash
# Triage quality and speed against scikit-learn and fastText, in one run, on
# a fixed 80/20 split (seeded shuffle, seed 20261124) of
# ../shared/data/it_tickets_topic_train.csv (Document → Topic_group), then
# urgency on ../shared/data/it_tickets_urgency_sample.csv (title + body →
# urgency, same split rule) beside scikit-learn's LinearSVC.
#
# Relais's settings (no stemming, no stop-word removal on these sets, whose
# text the publisher already lower-cased and stripped of stop words) were
# chosen by 3-fold cross-validation on the training part only.
#   bench/triage.sh
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
py=/usr/bin/python3   # Debian's python3, where python3-sklearn lives
scripts/deps.sh bench >/dev/null
make -s relais
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/topic" "$dir/urg"
$py bench/triage_peers.py split "$data/it_tickets_topic_train.csv" "$dir/topic" 20261124
$py bench/triage_peers.py split "$data/it_tickets_urgency_sample.csv" "$dir/urg" 20261124

echo "== topic: peers"
$py bench/triage_peers.py all "$dir/topic/train.csv" "$dir/topic/test.csv" Document Topic_group \
  | tee "$dir/topic/peers.jsonl" | cut -c1-160
echo "== topic: relais"
./relais eval --data "$dir/topic/train.csv" --test "$dir/topic/test.csv" --text Document \
  --label Topic_group --no-stem --no-stopwords --json >"$dir/topic/relais.json"
echo "== urgency"
$py bench/triage_peers.py svc "$dir/urg/train.csv" "$dir/urg/test.csv" title,body urgency \
  >"$dir/urg/peers.jsonl"
./relais eval --data "$dir/urg/train.csv" --test "$dir/urg/test.csv" --text title,body \
  --label urgency --no-stem --no-stopwords --json >"$dir/urg/relais.json"
$py bench/triage_report.py "$dir/topic" "$dir/urg"
echo
echo "== topic: coverage at 95 % precision of other linear variants (bench/triage_ceiling.py)"
$py bench/triage_ceiling.py "$dir/topic" 2>/dev/null
