#!/usr/bin/env bash
# The data-quality report's mislabel finder on labels known to be wrong:
# the topic set split 80/20 (seeded shuffle, seed 20261124), a tenth of the
# training labels moved to another class at random (seeded), then
# relais quality on the noisy training part. Prints the precision and
# recall of its mislabels against the moved rows, then the test accuracy
# of relais eval trained on the clean labels, on the noisy ones and on the
# noisy ones relabelled as the report suggests (as if a person had
# accepted every finding), with the share of the noise's cost won back:
# with the default settings held (--no-search: only the labels differ),
# and with the settings each training chose (no flags: the choice moves
# with the labels too).
#   bench/quality.sh [RATE] [SEED]   (default 0.1 20261207)
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
py=/usr/bin/python3
rate=${1:-0.1}
seed=${2:-20261207}
scripts/deps.sh bench >/dev/null
make -s relais
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "== topic: $($py bench/selftune_peers.py split "$data/it_tickets_topic_train.csv" "$dir" 20261124 Topic_group)"
$py bench/quality_peers.py flip "$dir/train.csv" "$dir/noisy.csv" Topic_group "$rate" "$seed" >"$dir/flipped.json"
args=(--text Document --label Topic_group)
/usr/bin/time -f '%e s, %M KB' ./relais quality --data "$dir/noisy.csv" "${args[@]}" --json \
  >"$dir/report.json" 2>"$dir/quality.err"
$py bench/quality_peers.py relabel "$dir/noisy.csv" "$dir/report.json" "$dir/relabelled.csv" Topic_group
for s in train noisy relabelled; do
  ./relais eval --data "$dir/$s.csv" --test "$dir/test.csv" "${args[@]}" --json --no-search \
    >"$dir/held_$s.json" 2>/dev/null
  ./relais eval --data "$dir/$s.csv" --test "$dir/test.csv" "${args[@]}" --json >"$dir/eval_$s.json" 2>/dev/null
done
$py - "$dir" "$rate" <<'PY'
import json, subprocess, sys
d, rate = sys.argv[1], float(sys.argv[2])
rep = json.load(open(d + '/report.json'))
sc = json.loads(subprocess.check_output(['/usr/bin/python3', 'bench/quality_peers.py', 'score',
                                         d + '/report.json', d + '/flipped.json']))
print('\nrelais quality on %d training tickets, %.0f %% of the labels moved (%d rows), in %s'
      % (rep['rows'], 100 * rate, sc['flipped'], open(d + '/quality.err').read().strip()))
for k, v in rep['counts'].items():
    print('  %-14s %6d findings %7d rows' % (k, v['findings'], v['rows']))
print('mislabels: %d flagged, %d of them moved: precision %.3f, recall %.3f (target: recall >= 0.6 at precision >= 0.8)'
      % (sc['flagged'], sc['right'], sc['precision'], sc['recall']))
for how, pre in (('the default settings held (--no-search)', 'held'), ('the settings each training chose (no flags)', 'eval')):
    acc = {s: json.load(open('%s/%s_%s.json' % (d, pre, s)))['accuracy'] for s in ('train', 'noisy', 'relabelled')}
    print('\ntest accuracy of relais eval with %s, %s test tickets'
          % (how, json.load(open(d + '/eval_train.json'))['n_test']))
    print('  clean labels            %.4f' % acc['train'])
    print('  noisy labels            %.4f' % acc['noisy'])
    print('  relabelled as reported  %.4f' % acc['relabelled'])
    lost = acc['train'] - acc['noisy']
    print('  won back: %.0f %% of the %.2f points the noise cost (target: at least half)'
          % (100 * (acc['relabelled'] - acc['noisy']) / lost if lost > 0 else float('nan'), 100 * lost))
PY
