"""Peers of bench/selftune.sh, on the same split as Relais.

  selftune_peers.py split SRC.csv DIR SEED LABEL     DIR/train.csv, DIR/test.csv
                                                     (rows with a label only)
  selftune_peers.py svc TRAIN TEST TEXTCOLS LABEL    TF-IDF + LinearSVC, defaults
  selftune_peers.py calsvc TRAIN TEST TEXTCOLS LABEL the same, calibrated
                                                     (CalibratedClassifierCV defaults)
  selftune_peers.py grid TRAIN TEST TEXTCOLS LABEL LANG
                                                     GridSearchCV over Relais's grid
Prints one JSON object.

The grid is Relais's own (src/ml/search.c), as near as scikit-learn allows:
stemming on/off (Snowball, the set's language), stop words dropped or kept,
bigram and head-word weights (0.6 and 0.5, or 1 and none: word, bigram and
head-word TF-IDF blocks joined with those weights), character trigrams on
or off, class weights none or balanced, C in 0.1, 0.3, 1; ranked by
macro-F1 over 3 shuffled folds of the training part, then refitted on it.
Stemming and stop-word removal are label-free and done once per text
before the search (counted in its time).

Coverage at 95 % precision: the largest share of test tickets, taken in
decreasing order of confidence, whose predictions are at least 95 % right;
an uncalibrated LinearSVC ranks by its top decision value."""
import csv, json, random, re, sys, time

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

csv.field_size_limit(1 << 24)

# A short French list (articles, pronouns, prepositions, auxiliaries) for
# the French set, where scikit-learn has none.
FRENCH_STOP = set('''au aux avec ce ces dans de des du elle en et eux il ils je la le les leur
lui ma mais me même mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son
sur ta te tes toi ton tu un une vos votre vous c d j l à m n s t y été être avoir ai as avons
avez ont est sont suis es était ça cela cet cette plus très bien aussi si alors donc'''.split())


def load(path, text_cols, label):
    xs, ys = [], []
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            if row.get(label):
                xs.append('\n'.join(row[c] for c in text_cols))
                ys.append(row[label])
    return xs, ys


def split(src, out, seed, label):
    with open(src, newline='', encoding='utf-8') as f:
        r = csv.DictReader(f)
        rows = [row for row in r if row.get(label)]
        fields = r.fieldnames
    random.Random(int(seed)).shuffle(rows)
    cut = int(len(rows) * 0.8)
    for name, part in (('train', rows[:cut]), ('test', rows[cut:])):
        with open('%s/%s.csv' % (out, name), 'w', newline='', encoding='utf-8') as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(part)
    print('%d rows: %d train, %d test (seed %s)' % (len(rows), cut, len(rows) - cut, seed))


def coverage_at(conf, ok, target=0.95):
    order = np.argsort(-np.asarray(conf), kind='stable')
    ok = np.asarray(ok)[order]
    cum = np.cumsum(ok) / np.arange(1, len(ok) + 1)
    good = np.nonzero(cum >= target)[0]
    return float((good[-1] + 1) / len(ok)) if len(good) else 0.0


def ece(conf, ok, bins=15):
    conf, ok = np.asarray(conf), np.asarray(ok, dtype=float)
    b = np.minimum((conf * bins).astype(int), bins - 1)
    return float(sum(abs(ok[b == i].sum() - conf[b == i].sum()) for i in range(bins)) / len(conf))


def report(name, y, pred, conf, train_s, calibrated, extra=None):
    ok = np.array(pred) == np.array(y)
    labels = sorted(set(y) | set(pred))
    r = {'model': name, 'accuracy': accuracy_score(y, pred),
         'macro_f1': f1_score(y, pred, average='macro', labels=labels),
         'coverage_at_95': coverage_at(conf, ok), 'ece': ece(conf, ok) if calibrated else None,
         'train_seconds': train_s}
    if extra:
        r.update(extra)
    print(json.dumps(r))


def svc(xtr, ytr, xte, yte, calibrated):
    t0 = time.perf_counter()
    vec = TfidfVectorizer()
    clf = CalibratedClassifierCV(LinearSVC()) if calibrated else LinearSVC()
    clf.fit(vec.fit_transform(xtr), ytr)
    train_s = time.perf_counter() - t0
    X = vec.transform(xte)
    if calibrated:
        p = clf.predict_proba(X)
        pred, conf = clf.classes_[p.argmax(1)], p.max(1)
    else:
        d = clf.decision_function(X)
        if d.ndim == 1:  # two classes: one column
            d = np.column_stack([-d, d])
        pred, conf = clf.classes_[d.argmax(1)], d.max(1)
    report('calibrated LinearSVC' if calibrated else 'LinearSVC', yte, list(pred), conf, train_s,
           calibrated)


# ---- the grid -------------------------------------------------------------------

WORD = re.compile(r'\w+')


def variants(texts, lang):
    """Each text as (stem, stop) → its words, and the same for its head
    words (the first six words of the first line)."""
    import snowballstemmer
    stemmer = snowballstemmer.stemmer('french' if lang == 'fr' else 'english')
    stop = FRENCH_STOP if lang == 'fr' else ENGLISH_STOP_WORDS
    cache, out = {}, []
    for t in texts:
        first = t.split('\n', 1)[0]
        d = {}
        for part, s in (('w', t), ('h', first)):
            words = [w for w in WORD.findall(s.lower()) if len(w) >= 2]
            for drop in (0, 1):
                ws = [w for w in words if not (drop and w in stop)]
                if part == 'h':
                    ws = ws[:6]
                for st in (0, 1):
                    if st:
                        ws2 = []
                        for w in ws:
                            if w not in cache:
                                cache[w] = stemmer.stemWord(w)
                            ws2.append(cache[w])
                    else:
                        ws2 = ws
                    d[(part, st, drop)] = ' '.join(ws2)
        out.append(d)
    return out


class Pick(BaseEstimator, TransformerMixin):
    """The variant of each text a block reads."""
    def __init__(self, part='w', stem=1, drop=1):
        self.part, self.stem, self.drop = part, stem, drop

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [x[(self.part, self.stem, self.drop)] for x in X]


def block(part, **vec):
    return Pipeline([('pick', Pick(part)), ('vec', TfidfVectorizer(
        token_pattern=r'\S+', lowercase=False, sublinear_tf=True, min_df=2, **vec))])


def grid(xtr, ytr, xte, yte, lang):
    t0 = time.perf_counter()
    vtr = variants(xtr, lang)
    union = FeatureUnion([('words', block('w')), ('pairs', block('w', ngram_range=(2, 2))),
                          ('head', block('h')),
                          ('chars', Pipeline([('pick', Pick('w', 0, 0)), ('vec', TfidfVectorizer(
                              analyzer='char_wb', ngram_range=(3, 3), sublinear_tf=True, min_df=2))]))])
    pipe = Pipeline([('features', union), ('svc', LinearSVC())])
    params = []
    for stem in (1, 0):
        for drop in (1, 0):
            for weights in ((0.6, 0.5), (1.0, 0.0)):
                for chars in (0, 1):
                    for cw in (None, 'balanced'):
                        for C in (0.3, 0.1, 1.0):
                            p = {'features__transformer_weights': [
                                     {'words': 1, 'pairs': weights[0], 'head': weights[1] or 1, 'chars': 1}],
                                 'features__head': [block('h') if weights[1] else 'drop'],
                                 'features__chars': [Pipeline([('pick', Pick('w', 0, 0)), ('vec', TfidfVectorizer(
                                     analyzer='char_wb', ngram_range=(3, 3), sublinear_tf=True, min_df=2))])
                                     if chars else 'drop'],
                                 'svc__class_weight': [cw], 'svc__C': [C]}
                            for b in ('words', 'pairs', 'head'):
                                p['features__%s__pick__stem' % b] = [stem]
                                p['features__%s__pick__drop' % b] = [drop]
                            if not weights[1]:
                                del p['features__head__pick__stem'], p['features__head__pick__drop']
                            params.append(p)
    gs = GridSearchCV(pipe, params, scoring='f1_macro', cv=KFold(3, shuffle=True, random_state=1),
                      n_jobs=2, refit=True, error_score='raise')
    gs.fit(vtr, ytr)
    train_s = time.perf_counter() - t0
    d = gs.decision_function(variants(xte, lang))
    classes = gs.best_estimator_.classes_
    if d.ndim == 1:
        d = np.column_stack([-d, d])
    pred, conf = classes[d.argmax(1)], d.max(1)
    best = {k.split('__')[-1]: str(v) for k, v in gs.best_params_.items() if 'words' not in k}
    report('GridSearchCV (%d settings)' % len(params), yte, list(pred), conf, train_s, False,
           {'chosen': best})


def main():
    cmd = sys.argv[1]
    if cmd == 'split':
        split(*sys.argv[2:6])
        return
    train, test, cols, label = sys.argv[2:6]
    xtr, ytr = load(train, cols.split(','), label)
    xte, yte = load(test, cols.split(','), label)
    if cmd == 'svc':
        svc(xtr, ytr, xte, yte, False)
    elif cmd == 'calsvc':
        svc(xtr, ytr, xte, yte, True)
    elif cmd == 'grid':
        grid(xtr, ytr, xte, yte, sys.argv[6])


if __name__ == '__main__':
    main()
