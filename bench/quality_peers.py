"""Helpers of bench/quality.sh.
  quality_peers.py flip TRAIN.csv OUT.csv LABEL RATE SEED
      writes TRAIN with RATE of its labelled rows given another label, drawn
      at random among the other classes (seeded); prints the flipped rows'
      numbers (from 0, among the labelled rows) as JSON on stdout
  quality_peers.py score REPORT.json FLIPPED.json
      the precision and recall of the report's mislabels against the flips
  quality_peers.py relabel NOISY.csv REPORT.json OUT.csv LABEL
      NOISY with each mislabel's row given the class the report suggests,
      as if a person had accepted every one"""
import csv, json, random, sys

csv.field_size_limit(1 << 24)


def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


def write(path, fields, data):
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(data)


def flip(src, out, label, rate, seed):
    fields, data = rows(src)
    data = [r for r in data if r[label]]
    classes = sorted({r[label] for r in data})
    rnd = random.Random(int(seed))
    chosen = sorted(rnd.sample(range(len(data)), int(len(data) * float(rate))))
    for i in chosen:
        data[i][label] = rnd.choice([c for c in classes if c != data[i][label]])
    write(out, fields, data)
    print(json.dumps(chosen))


def mislabels(report):
    with open(report) as f:
        r = json.load(f)
    return {row: x['suggest'] for x in r['findings'] if x['kind'] == 'mislabel' for row in x['rows']}


def score(report, flipped):
    found = mislabels(report)
    with open(flipped) as f:
        truth = set(json.load(f))
    hit = len(set(found) & truth)
    p = hit / len(found) if found else 0.0
    rc = hit / len(truth) if truth else 0.0
    print(json.dumps({'flipped': len(truth), 'flagged': len(found), 'right': hit,
                      'precision': p, 'recall': rc}))


def relabel(noisy, report, out, label):
    fields, data = rows(noisy)
    data = [r for r in data if r[label]]
    for row, cls in mislabels(report).items():
        data[row][label] = cls
    write(out, fields, data)


if __name__ == '__main__':
    {'flip': flip, 'score': score, 'relabel': relabel}[sys.argv[1]](*sys.argv[2:])
