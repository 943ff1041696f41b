"""Relevance and speed of "similar tickets" for bench/search.sh.

  search_peers.py fts5 TRAIN TEST TEXTCOLS LABEL     SQLite FTS5 alone: bm25() over an OR of the
                                                     query's words (unicode61, accents removed)
  search_peers.py tfidf TRAIN TEST TEXTCOLS LABEL    scikit-learn TfidfVectorizer (defaults) and
                                                     brute-force cosine NearestNeighbors
  search_peers.py relais URL TOKEN TEST TEXTCOLS LABEL IDS.json [NAME]
                                                     Relais over HTTP: GET /api/v1/search/similar
                                                     ?status=any&limit=10 for each test text; IDS
                                                     maps a ticket id to its training label
Queries are the test tickets, the corpus the training tickets; a neighbour
is relevant when its label is the query's. Prints one JSON object: P@1,
P@10 (over the ten first, missing ones counting as wrong), MRR over the ten
first, and per-query latency (median, p95, ms; Relais's includes HTTP on
loopback, the peers' are in-process)."""
import csv, json, os, re, sqlite3, sys, time, urllib.parse, urllib.request

csv.field_size_limit(1 << 24)
K = 10
# QUERIES=N: the first N test tickets only, for every peer alike (a quicker run)
QUERIES = int(os.environ.get('QUERIES', '0')) or None


def load(path, cols, label):
    xs, ys = [], []
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            if row.get(label):
                xs.append('\n'.join(row[c] for c in cols))
                ys.append(row[label])
    return xs, ys


def score(name, results, truth, lat):
    p1 = p10 = mrr = 0.0
    for labels, y in zip(results, truth):
        hits = [lab == y for lab in labels[:K]]
        p1 += 1.0 if hits[:1] == [True] else 0.0
        p10 += sum(hits) / K
        mrr += next((1.0 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
    n = len(truth)
    lat = sorted(lat)
    print(json.dumps({'model': name, 'queries': n, 'p_at_1': p1 / n, 'p_at_10': p10 / n, 'mrr': mrr / n,
                      'ms_p50': 1000 * lat[n // 2], 'ms_p95': 1000 * lat[min(n - 1, int(n * 0.95))]}))


WORD = re.compile(r'\w+', re.UNICODE)


def fts5(train, test, cols, label):
    xtr, ytr = load(train, cols, label)
    xte, yte = load(test, cols, label)
    xte, yte = xte[:QUERIES], yte[:QUERIES]
    db = sqlite3.connect(':memory:')
    db.execute("CREATE VIRTUAL TABLE d USING fts5(t, tokenize='unicode61 remove_diacritics 2')")
    db.executemany('INSERT INTO d(rowid, t) VALUES (?, ?)', ((i + 1, x) for i, x in enumerate(xtr)))
    results, lat = [], []
    for x in xte:
        words = list(dict.fromkeys(w.lower() for w in WORD.findall(x)))[:64]
        t0 = time.perf_counter()
        rows = db.execute('SELECT rowid FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?',
                          (' OR '.join('"%s"' % w for w in words), K)).fetchall() if words else []
        lat.append(time.perf_counter() - t0)
        results.append([ytr[r[0] - 1] for r in rows])
    score('SQLite FTS5 bm25 (OR of the words)', results, yte, lat)


def tfidf(train, test, cols, label):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors
    xtr, ytr = load(train, cols, label)
    xte, yte = load(test, cols, label)
    xte, yte = xte[:QUERIES], yte[:QUERIES]
    vec = TfidfVectorizer()
    nn = NearestNeighbors(n_neighbors=K, metric='cosine', algorithm='brute').fit(vec.fit_transform(xtr))
    results, lat = [], []
    for x in xte:
        t0 = time.perf_counter()
        _, idx = nn.kneighbors(vec.transform([x]))
        lat.append(time.perf_counter() - t0)
        results.append([ytr[i] for i in idx[0]])
    score('scikit-learn TF-IDF cosine (brute force)', results, yte, lat)


def relais(url, token, test, cols, label, ids_path, name='Relais similar tickets'):
    with open(ids_path) as f:
        label_of = {int(k): v for k, v in json.load(f).items()}
    xte, yte = load(test, cols, label)
    xte, yte = xte[:QUERIES], yte[:QUERIES]
    results, lat = [], []
    for x in xte:
        q = urllib.parse.urlencode({'text': x[:20000], 'status': 'any', 'limit': K})
        req = urllib.request.Request('%s/api/v1/search/similar?%s' % (url, q), headers={'Authorization': 'Bearer ' + token})
        t0 = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            items = json.load(r)['items']
        lat.append(time.perf_counter() - t0)
        results.append([label_of.get(it['id']) for it in items])
    score(name, results, yte, lat)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'relais':
        relais(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split(','), sys.argv[6], sys.argv[7], *sys.argv[8:9])
    else:
        {'fts5': fts5, 'tfidf': tfidf}[cmd](sys.argv[2], sys.argv[3], sys.argv[4].split(','), sys.argv[5])
