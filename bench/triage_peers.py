"""Peers of bench/triage.sh: scikit-learn (TF-IDF word 1-2-grams + LinearSVC,
and + LogisticRegression, scikit-learn's defaults otherwise) and fastText
(supervised, wordNgrams 2), trained and tested on the same split as Relais.
Prints one JSON object per model.
  triage_peers.py split SRC.csv DIR SEED       writes DIR/train.csv, DIR/test.csv
  triage_peers.py all|svc TRAIN TEST TEXTCOLS LABEL

Coverage at 95 % precision: the largest share of test tickets, taken in
decreasing order of the model's confidence, whose predictions are at least
95 % right. LinearSVC has no probabilities: its confidence is the top
decision value (a ranking, which is all coverage needs)."""
import csv, json, os, subprocess, sys, tempfile, time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, recall_score
from sklearn.svm import LinearSVC


def load(path, text_cols, label):
    xs, ys = [], []
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            if row[label]:
                xs.append('\n'.join(row[c] for c in text_cols))
                ys.append(row[label])
    return xs, ys


def coverage_at(conf, ok, target=0.95):
    order = np.argsort(-conf, kind='stable')
    ok = np.asarray(ok)[order]
    cum = np.cumsum(ok) / np.arange(1, len(ok) + 1)
    good = np.nonzero(cum >= target)[0]
    return float((good[-1] + 1) / len(ok)) if len(good) else 0.0


def report(name, y, pred, conf, train_s, pred_s, n, extra=None):
    ok = np.array(pred) == np.array(y)
    labels = sorted(set(y) | set(pred))
    r = {'model': name, 'accuracy': accuracy_score(y, pred),
         'macro_f1': f1_score(y, pred, average='macro', labels=labels),
         'coverage_at_95': coverage_at(np.asarray(conf), ok),
         'train_seconds': train_s, 'predict_per_second': n / pred_s,
         'recall': dict(zip(labels, recall_score(y, pred, labels=labels, average=None).tolist()))}
    if extra:
        r.update(extra)
    print(json.dumps(r))


def sk(name, make, xtr, ytr, xte, yte):
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2))
    clf = make()
    clf.fit(vec.fit_transform(xtr), ytr)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    X = vec.transform(xte)
    if hasattr(clf, 'predict_proba'):
        p = clf.predict_proba(X)
        pred = clf.classes_[p.argmax(1)]
        conf = p.max(1)
    else:
        d = clf.decision_function(X)
        pred = clf.classes_[d.argmax(1)]
        conf = d.max(1)
    pred_s = time.perf_counter() - t0
    report(name, yte, list(pred), conf, train_s, pred_s, len(xte))


def fasttext(xtr, ytr, xte, yte, tmp):
    def write(path, xs, ys):
        with open(path, 'w', encoding='utf-8') as f:
            for x, y in zip(xs, ys):
                f.write('__label__%s %s\n' % (y.replace(' ', '_'), ' '.join(x.split())))
    tr, te = os.path.join(tmp, 'ft.train'), os.path.join(tmp, 'ft.test')
    write(tr, xtr, ytr)
    write(te, xte, yte)
    model = os.path.join(tmp, 'ft')
    t0 = time.perf_counter()
    subprocess.run(['fasttext', 'supervised', '-input', tr, '-output', model, '-wordNgrams', '2',
                    '-epoch', '25', '-lr', '0.5', '-thread', '2', '-seed', '1'],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = subprocess.run(['fasttext', 'predict-prob', model + '.bin', te, '1'],
                         check=True, capture_output=True, text=True).stdout.split('\n')
    pred_s = time.perf_counter() - t0
    pred, conf = [], []
    for line in out[:len(xte)]:
        parts = line.split()
        pred.append(parts[0][len('__label__'):].replace('_', ' ') if parts else '')
        conf.append(float(parts[1]) if len(parts) > 1 else 0.0)
    report('fastText supervised wordNgrams 2', yte, pred, np.array(conf), train_s, pred_s, len(xte))


def split(src, out_dir, seed, share=0.8):
    """Fixed split: a seeded shuffle of the data rows, the first share for
    training and the rest for testing."""
    import random
    with open(src, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f))
    hdr, rows = rows[0], rows[1:]
    random.Random(seed).shuffle(rows)
    k = int(len(rows) * share)
    for name, part in (('train.csv', rows[:k]), ('test.csv', rows[k:])):
        with open(os.path.join(out_dir, name), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f)
            w.writerow(hdr)
            w.writerows(part)
    print('%d rows: %d train, %d test (seed %d)' % (len(rows), k, len(rows) - k, seed))


def main():
    if sys.argv[1] == 'split':
        split(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    which, train, test = sys.argv[1], sys.argv[2], sys.argv[3]
    text, label = sys.argv[4].split(','), sys.argv[5]
    xtr, ytr = load(train, text, label)
    xte, yte = load(test, text, label)
    sk('scikit-learn TF-IDF 1-2 + LinearSVC', lambda: LinearSVC(), xtr, ytr, xte, yte)
    if which == 'all':
        sk('scikit-learn TF-IDF 1-2 + LogisticRegression',
           lambda: LogisticRegression(max_iter=1000), xtr, ytr, xte, yte)
        with tempfile.TemporaryDirectory() as tmp:
            fasttext(xtr, ytr, xte, yte, tmp)


main()
