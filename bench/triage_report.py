"""Prints bench/triage.sh's table: each model's measures on the topic set,
Relais's ratios to each peer, and the urgency comparison."""
import json, os, sys

topic, urg = sys.argv[1], sys.argv[2]


def jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


peers = jsonl(os.path.join(topic, 'peers.jsonl'))
with open(os.path.join(topic, 'relais.json')) as f:
    r = json.load(f)
rel = {'model': 'Relais (LIBLINEAR, calibrated)', 'accuracy': r['accuracy'],
       'macro_f1': r['macro_f1'], 'coverage_at_95': r['coverage_at_95'],
       'train_seconds': r['train_seconds'], 'predict_per_second': r['predict_per_second'],
       'ece': r['ece']}
print('\ntopic set, %d train / %d test tickets' % (r['n_train'], r['n_test']))
hdr = '%-46s %8s %8s %8s %6s %8s %10s' % ('model', 'accuracy', 'macro-F1', 'cov@95%',
                                           'ECE', 'train s', 'predict/s')
print(hdr)
print('-' * len(hdr))
for m in peers + [rel]:
    ece = '%6.3f' % m['ece'] if 'ece' in m else '%6s' % '-'
    print('%-46s %8.4f %8.4f %8.4f %s %8.2f %10.0f' % (
        m['model'][:46], m['accuracy'], m['macro_f1'], m['coverage_at_95'], ece,
        m['train_seconds'], m['predict_per_second']))
print('\nRelais against each peer (accuracy and macro-F1 in points, speed as ratios)')
for m in peers:
    print('  vs %-44s accuracy %+5.2f  macro-F1 %+5.2f  training %.2fx faster  prediction %.2fx' % (
        m['model'][:44], 100 * (rel['accuracy'] - m['accuracy']),
        100 * (rel['macro_f1'] - m['macro_f1']), m['train_seconds'] / rel['train_seconds'],
        rel['predict_per_second'] / m['predict_per_second']))
print('  Relais per-class thresholds at 95%%: coverage %.4f at precision %.4f' % (
    r['auto_coverage'], r['auto_precision']))

svc = jsonl(os.path.join(urg, 'peers.jsonl'))[0]
with open(os.path.join(urg, 'relais.json')) as f:
    u = json.load(f)
print('\nurgency set, %d train / %d test tickets (urgency 3 is the usual case; 0-2 are urgent)'
      % (u['n_train'], u['n_test']))
urgent = sorted(k for k in u['per_class'] if k != '3')
print('%-46s %8s  %s' % ('model', 'macro-F1', '  '.join('recall %s' % k for k in urgent)))
print('%-46s %8.4f  %s' % (svc['model'][:46], svc['macro_f1'],
                          '  '.join('%8.4f' % svc['recall'].get(k, 0.0) for k in urgent)))
print('%-46s %8.4f  %s' % ('Relais', u['macro_f1'],
                          '  '.join('%8.4f' % u['per_class'][k]['recall'] for k in urgent)))
