"""Summary of bench/selftune_seeds.sh: per set, Relais's differences to
each peer over the seeded splits (mean, smallest, largest, in points) and
on how many splits the self-tuning issue's target holds."""
import json, os, sys

root, n, sets = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
TARGETS = [  # peer, measure, the least difference the target asks for (points)
    ('LinearSVC', 'accuracy', 0.5), ('LinearSVC', 'macro_f1', 0.5),
    ('GridSearchCV', 'accuracy', 0.0), ('GridSearchCV', 'macro_f1', 0.0),
    ('calibrated LinearSVC', 'coverage_at_95', 2.0),
]

for s in sets:
    diffs, tests = {}, []
    for i in range(n):
        d = os.path.join(root, s, str(i))
        with open(os.path.join(d, 'relais.json')) as f:
            r = json.load(f)
        tests.append(r['n_test'])
        with open(os.path.join(d, 'peers.jsonl')) as f:
            peers = {m['model'].split(' (')[0]: m for m in map(json.loads, filter(str.strip, f))}
        for peer, key, _ in TARGETS:
            if peer in peers:
                diffs.setdefault((peer, key), []).append(100 * (r[key] - peers[peer][key]))
    print('\n%s: %d splits, %d test tickets each' % (s, n, tests[0]))
    for peer, key, least in TARGETS:
        v = diffs.get((peer, key))
        if not v:
            continue
        print('  vs %-21s %-14s mean %+6.2f  range %+6.2f .. %+6.2f  target >= %+.1f holds on %d of %d' % (
            peer, key, sum(v) / len(v), min(v), max(v), least, sum(x >= least for x in v), len(v)))
