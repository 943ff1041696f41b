"""Prints bench/selftune.sh's tables: per set, each model's measures, then
Relais's differences (points) and training-time ratios against each peer,
and a summary line per target of the self-tuning issue."""
import json, os, sys

root, sets = sys.argv[1], sys.argv[2:]


def jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


summary = []
for s in sets:
    d = os.path.join(root, s)
    peers = {m['model'].split(' (')[0]: m for m in jsonl(os.path.join(d, 'peers.jsonl'))}
    with open(os.path.join(d, 'relais.json')) as f:
        r = json.load(f)
    chosen = r.get('search', [{}])[0].get('chosen', {})
    rel = {'model': 'Relais, no flags', 'accuracy': r['accuracy'], 'macro_f1': r['macro_f1'],
           'coverage_at_95': r['coverage_at_95'], 'ece': r['ece'], 'train_seconds': r['train_seconds']}
    print('\n%s: %d train / %d test tickets, %d classes' % (s, r['n_train'], r['n_test'], len(r['labels'])))
    hdr = '%-34s %8s %8s %8s %6s %9s' % ('model', 'accuracy', 'macro-F1', 'cov@95%', 'ECE', 'train s')
    print(hdr + '\n' + '-' * len(hdr))
    for m in list(peers.values()) + [rel]:
        ece = '%6.3f' % m['ece'] if m.get('ece') is not None else '%6s' % '-'
        print('%-34s %8.4f %8.4f %8.4f %s %9.2f' % (m['model'][:34], m['accuracy'], m['macro_f1'],
                                                  m['coverage_at_95'], ece, m['train_seconds']))
    for name, m in peers.items():
        print('  vs %-24s accuracy %+6.2f  macro-F1 %+6.2f  cov@95%% %+6.2f  training %6.2fx faster' % (
            name, 100 * (rel['accuracy'] - m['accuracy']), 100 * (rel['macro_f1'] - m['macro_f1']),
            100 * (rel['coverage_at_95'] - m['coverage_at_95']), m['train_seconds'] / rel['train_seconds']))
    print('  Relais chose:', ', '.join('%s=%s' % kv for kv in chosen.items()
                                       if kv[0] not in ('macro_f1', 'accuracy', 'rung')))
    if 'GridSearchCV' in peers:
        print('  GridSearchCV chose:', ', '.join('%s=%s' % kv for kv in peers['GridSearchCV']['chosen'].items()))
    summary.append((s, r, rel, peers))

print('\ntargets (Relais, no flags)')
for s, r, rel, peers in summary:
    svc, cal, gs = peers.get('LinearSVC'), peers.get('calibrated LinearSVC'), peers.get('GridSearchCV')
    line = '  %-16s' % s
    if svc:
        line += ' vs LinearSVC acc %+5.2f F1 %+5.2f (>= +0.5)' % (
            100 * (rel['accuracy'] - svc['accuracy']), 100 * (rel['macro_f1'] - svc['macro_f1']))
    if gs:
        line += ' | vs grid acc %+5.2f F1 %+5.2f (>= 0)' % (
            100 * (rel['accuracy'] - gs['accuracy']), 100 * (rel['macro_f1'] - gs['macro_f1']))
    if cal:
        line += ' | cov@95 %+5.2f (>= +2)' % (100 * (rel['coverage_at_95'] - cal['coverage_at_95']))
    line += ' | ECE %.3f%s' % (rel['ece'], ' (<= 0.03)' if r['n_train'] + r['n_test'] >= 5000 else '')
    if gs:
        line += ' | %.1fx faster than the grid' % (gs['train_seconds'] / rel['train_seconds'])
    print(line)
