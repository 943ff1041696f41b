#!/usr/bin/env python3
"""How much of the topic set can any linear text model apply at 95 % precision?

Runs, on the split of bench/triage.sh (train.csv / test.csv written by
`triage_peers.py split`), scikit-learn variants that each attack the
coverage at 95 % precision from another side, all calibrated the same way
(a multinomial logistic regression on 3-fold out-of-fold scores):

  base        TF-IDF word 1-2-grams, LinearSVC (C = 0.3)
  head        + the first six words as their own features
  ovr+ovo     one-vs-rest scores stacked with the 28 pairwise SVM scores
  subtopics   each class split in 4 k-means sub-topics, stacked with base
  cleaned     training tickets whose label the out-of-fold model contradicts
              at probability > 0.95 removed (confident learning)
  margin      base, ranked by top-1 minus top-2 probability instead of top-1

and prints accuracy and the coverage reachable at 95 % precision of each.

    /usr/bin/python3 bench/triage_ceiling.py DIR   (DIR holds train.csv, test.csv)
"""
import csv
import itertools
import sys

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

C = 0.3


def load(path):
    rows = list(csv.DictReader(open(path, encoding='utf-8')))
    return [r['Document'] for r in rows], [r['Topic_group'] for r in rows]


def coverage_at(conf, correct, target=0.95):
    order = np.argsort(-conf, kind='stable')
    hits = np.cumsum(correct[order])
    prec = hits / np.arange(1, len(order) + 1)
    ok = np.where(prec >= target)[0]
    return (ok.max() + 1) / len(order) if len(ok) else 0.0


def calibrated(oof_scores, y, test_scores):
    lr = LogisticRegression(C=100, max_iter=3000)
    return lr.fit(oof_scores, y).predict_proba(test_scores)


def svm_scores(Xa, ya, Xb, folds):
    oof = cross_val_predict(LinearSVC(C=C), Xa, ya, cv=folds, method='decision_function')
    return oof, LinearSVC(C=C).fit(Xa, ya).decision_function(Xb)


def report(name, P, y, conf=None):
    pred = P.argmax(1)
    if conf is None:
        conf = P.max(1)
    print(f'{name:<12} accuracy {np.mean(pred == y):.4f}  coverage at 95% '
          f'{coverage_at(conf, (pred == y).astype(int)):.4f}', flush=True)


def main():
    d = sys.argv[1]
    xtr, ltr = load(f'{d}/train.csv')
    xte, lte = load(f'{d}/test.csv')
    classes = sorted(set(ltr))
    ytr = np.array([classes.index(c) for c in ltr])
    yte = np.array([classes.index(c) for c in lte])
    K = len(classes)
    folds = StratifiedKFold(3, shuffle=True, random_state=1)
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    A, B = vec.fit_transform(xtr), vec.transform(xte)

    oof, S = svm_scores(A, ytr, B, folds)
    P = calibrated(oof, ytr, S)
    report('base', P, yte)
    top2 = np.sort(P, 1)
    report('margin', P, yte, top2[:, -1] - top2[:, -2])

    def with_head(doc):
        w = doc.split()
        return w + [a + ' ' + b for a, b in zip(w, w[1:])] + ['^' + x for x in w[:6]]
    hv = TfidfVectorizer(analyzer=with_head, sublinear_tf=True, min_df=2)
    Ah, Bh = hv.fit_transform(xtr), hv.transform(xte)
    oof_h, S_h = svm_scores(Ah, ytr, Bh, folds)
    report('head', calibrated(oof_h, ytr, S_h), yte)

    pairs = list(itertools.combinations(range(K), 2))

    def pairwise(Xa, ya, Xb):
        out = np.zeros((Xb.shape[0], len(pairs)))
        for q, (a, b) in enumerate(pairs):
            m = (ya == a) | (ya == b)
            out[:, q] = LinearSVC(C=C).fit(Xa[m], (ya[m] == a).astype(int)).decision_function(Xb)
        return out
    oof_pw = np.zeros((A.shape[0], len(pairs)))
    for tr, te in folds.split(A, ytr):
        oof_pw[te] = pairwise(A[tr], ytr[tr], A[te])
    report('ovr+ovo', calibrated(np.hstack([oof, oof_pw]), ytr,
                                 np.hstack([S, pairwise(A, ytr, B)])), yte)

    sub = np.zeros(len(ytr), int)
    owner = np.repeat(np.arange(K), 4)
    for c in range(K):
        idx = np.where(ytr == c)[0]
        sub[idx] = 4 * c + MiniBatchKMeans(4, random_state=0, n_init=3).fit(A[idx]).labels_
    oof_s, S_s = svm_scores(A, sub, B, folds)

    def per_class(Z):
        return np.stack([Z[:, owner == c].max(1) for c in range(K)], 1)
    report('subtopics', calibrated(np.hstack([oof, per_class(oof_s)]), ytr,
                                   np.hstack([S, per_class(S_s)])), yte)

    Poof = calibrated(oof, ytr, oof)
    keep = ~((Poof.argmax(1) != ytr) & (Poof.max(1) > 0.95))
    oof_c, S_c = svm_scores(A[keep], ytr[keep], B, folds)
    print(f'(cleaned: {np.sum(~keep)} training tickets removed)')
    report('cleaned', calibrated(oof_c, ytr[keep], S_c), yte)


if __name__ == '__main__':
    main()
