/* The data-quality report of a labelled field (see insight.h), in passes:
 * the model's out-of-fold probabilities give the mislabels (confident
 * learning), the rare classes' nearest class and the classes that never
 * reach a useful precision; the texts' TF-IDF rows give the duplicates and
 * the conflicting labels; their words, the empty texts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "insight.h"

const char *insight_kind_name(insight_kind_t k) {
  static const char *const names[INSIGHT_KIND_COUNT] = {"mislabel", "conflict", "duplicate",
                                                        "rare_class", "empty", "low_precision"};
  return k >= 0 && k < INSIGHT_KIND_COUNT ? names[k] : "?";
}

/* Everything one report builds; qrun_free releases what is set. */
typedef struct {
  size_t n;
  const char *const *texts;
  const int *langs;
  const unsigned char *confirmed;
  int *label;               /* [n] class index */
  int K;
  float *prob;              /* [n × K] out-of-fold probabilities (model class order remapped) */
  int *held;                /* [n] 1: some fold held the row out */
  insight_quality_t *out;   /* borrowed */
} qrun_t;

static void qrun_free(qrun_t *r) {
  free(r->label);
  free(r->prob);
  free(r->held);
}

static insight_finding_t *add_finding(insight_quality_t *q, insight_kind_t kind, int label,
                                      int suggest, double score, size_t ndocs) {
  if (q->n == q->cap) {
    q->cap = q->cap ? q->cap * 2 : 64;
    q->f = util_xrealloc(q->f, q->cap * sizeof *q->f);
  }
  insight_finding_t *f = &q->f[q->n++];
  *f = (insight_finding_t){kind, util_xmalloc((ndocs ? ndocs : 1) * sizeof *f->docs), 0, label,
                           suggest, score, 0};
  return f;
}

/* Class indexes in order of first appearance, names into out. */
static void index_labels(qrun_t *r, const char *const *labels) {
  insight_quality_t *q = r->out;
  int cap = 0;
  r->label = util_xmalloc((r->n ? r->n : 1) * sizeof *r->label);
  for (size_t i = 0; i < r->n; i++) {
    int k = 0;
    while (k < q->nclass && strcmp(q->classes[k], labels[i]) != 0) k++;
    if (k == q->nclass) {
      if (q->nclass == cap) q->classes = util_xrealloc(q->classes, (size_t)(cap = cap ? cap * 2 : 16) * sizeof *q->classes);
      q->classes[q->nclass++] = util_xstrdup(labels[i]);
    }
    r->label[i] = k;
  }
  r->K = q->nclass;
}

/* ---- the model's out-of-fold probabilities ------------------------------------ */

static int oof_probs(qrun_t *r, const char *const *labels, const ml_params_t *p, char *err,
                     size_t errlen) {
  ml_trainset_t *ts = ml_trainset_new(&p->feat);
  ml_trainset_add_many(ts, r->n, r->texts, r->langs, labels, p->threads);
  ml_model_t *m = NULL;
  int K = r->K;
  float *mp = util_xmalloc((r->n ? r->n : 1) * (size_t)K * sizeof *mp);
  int *pred = util_xmalloc((r->n ? r->n : 1) * sizeof *pred);
  ml_train_info_t info = {.doc_pred = pred, .doc_prob = mp};
  int rc = ml_train(ts, p, &m, &info, err, errlen);
  ml_trainset_free(&ts);
  if (!rc) {
    /* the model's classes in its order → ours */
    int *map = util_xmalloc((size_t)K * sizeof *map);
    for (int k = 0; k < K; k++) {
      map[k] = 0;
      for (int c = 0; c < K; c++)
        if (strcmp(ml_model_class(m, k), r->out->classes[c]) == 0) map[k] = c;
    }
    r->prob = util_xcalloc((r->n ? r->n : 1) * (size_t)K, sizeof *r->prob);
    r->held = util_xmalloc((r->n ? r->n : 1) * sizeof *r->held);
    for (size_t i = 0; i < r->n; i++) {
      r->held[i] = pred[i] >= 0;
      for (int k = 0; k < K; k++) r->prob[i * (size_t)K + (size_t)map[k]] = mp[i * (size_t)K + (size_t)k];
    }
    r->out->accuracy = info.accuracy;
    free(map);
  }
  ml_model_free(&m);
  free(mp);
  free(pred);
  return rc;
}

/* The most probable of K classes (the first on a tie). */
static size_t top_class(const float *p, size_t K) {
  size_t top = 0;
  for (size_t j = 1; j < K; j++)
    if (p[j] > p[top]) top = j;
  return top;
}

/* ---- mislabels: confident learning --------------------------------------------- */

typedef struct {
  size_t doc;
  double margin;
} cand_t;

static int by_margin_desc(const void *a, const void *b) {
  double x = ((const cand_t *)a)->margin, y = ((const cand_t *)b)->margin;
  if (x != y) return x > y ? -1 : 1;
  size_t i = ((const cand_t *)a)->doc, j = ((const cand_t *)b)->doc;
  return i < j ? -1 : i > j;
}

/* A row is a probable mislabel when the model, trained on folds that did
 * not hold it, gives its stored label less than INSIGHT_SELF_CONF and
 * prefers another class: confident learning's self-confidence (the
 * probability of the given label), which ranks label errors best among
 * its measures, with a fixed cut rather than its estimated count (on the
 * topic set with a tenth of its labels moved, the count flagged half again
 * as many rows as were moved). The fix offered is the preferred class; the
 * lowest self-confidence comes first. A confirmed row is never flagged. */
static void find_mislabels(qrun_t *r) {
  size_t n = r->n, K = (size_t)r->K;
  double *thr = util_xcalloc(K, sizeof *thr), *cnt = util_xcalloc(K, sizeof *cnt);
  for (size_t i = 0; i < n; i++)
    if (r->held[i]) {
      thr[r->label[i]] += r->prob[i * K + (size_t)r->label[i]];
      cnt[r->label[i]] += 1;
    }
  for (size_t k = 0; k < K; k++) thr[k] = cnt[k] > 0 ? INSIGHT_SELF_CONF * thr[k] / cnt[k] : 0;
  for (size_t i = 0; i < n; i++) {
    if (!r->held[i] || (r->confirmed && r->confirmed[i])) continue;
    const float *p = r->prob + i * K;
    size_t top = top_class(p, K), y = (size_t)r->label[i];
    if (top == y || p[y] >= thr[y]) continue;
    insight_finding_t *f = add_finding(r->out, INSIGHT_MISLABEL, (int)y, (int)top, p[top], 1);
    f->self = p[y]; /* finding_order puts the lowest first */
    f->docs[f->ndocs++] = i;
  }
  free(thr);
  free(cnt);
}

/* ---- classes: rare ones, and those that never reach a useful precision ---------- */

typedef struct {
  float conf;
  int ok;
} cp_t;

static int by_conf_desc(const void *a, const void *b) {
  float x = ((const cp_t *)a)->conf, y = ((const cp_t *)b)->conf;
  return x > y ? -1 : x < y;
}

/* The best precision class k's held-out predictions reach at a threshold
 * keeping at least a fifth of them and 25 (fewer, and a lucky handful at
 * the top would pass for precision); -1 when it has fewer than 25. */
static double best_precision(const qrun_t *r, int k) {
  size_t K = (size_t)r->K, m = 0;
  cp_t *v = util_xmalloc((r->n ? r->n : 1) * sizeof *v);
  for (size_t i = 0; i < r->n; i++) {
    if (!r->held[i]) continue;
    const float *p = r->prob + i * K;
    size_t top = top_class(p, K);
    if (top == (size_t)k) v[m++] = (cp_t){p[k], r->label[i] == k};
  }
  qsort(v, m, sizeof *v, by_conf_desc);
  double best = -1;
  size_t good = 0, least = m / 5 > 25 ? m / 5 : 25;
  for (size_t i = 0; i < m; i++) {
    good += (size_t)v[i].ok;
    if (i + 1 >= least && (double)good / (double)(i + 1) > best) best = (double)good / (double)(i + 1);
  }
  free(v);
  return best;
}

static void find_class_issues(qrun_t *r) {
  size_t K = (size_t)r->K;
  size_t *cnt = util_xcalloc(K, sizeof *cnt);
  double *taken = util_xcalloc(K * K, sizeof *taken); /* [label × class]: probability mass */
  for (size_t i = 0; i < r->n; i++) {
    cnt[r->label[i]]++;
    for (size_t j = 0; r->held[i] && j < K; j++)
      taken[(size_t)r->label[i] * K + j] += r->prob[i * K + j];
  }
  for (size_t k = 0; k < K; k++) {
    if (cnt[k] >= INSIGHT_RARE) continue;
    int into = -1; /* the other class its tickets lean to most */
    for (size_t j = 0; j < K; j++)
      if (j != k && cnt[j] >= INSIGHT_RARE && (into < 0 || taken[k * K + j] > taken[k * K + (size_t)into]))
        into = (int)j;
    insight_finding_t *f = add_finding(r->out, INSIGHT_RARE_CLASS, (int)k, into, (double)cnt[k], cnt[k]);
    for (size_t i = 0; i < r->n; i++)
      if (r->label[i] == (int)k) f->docs[f->ndocs++] = i;
  }
  for (size_t k = 0; k < K; k++) {
    if (cnt[k] < INSIGHT_RARE) continue; /* said already */
    double best = best_precision(r, (int)k);
    if (best < 0 || best >= INSIGHT_LOW_PREC) continue;
    /* its tickets: those taken for it wrongly, most confident first */
    size_t m = 0;
    cand_t *c = util_xmalloc((r->n ? r->n : 1) * sizeof *c);
    for (size_t i = 0; i < r->n; i++) {
      if (!r->held[i] || r->label[i] == (int)k) continue;
      const float *p = r->prob + i * K;
      size_t top = top_class(p, K);
      if (top == k) c[m++] = (cand_t){i, p[k]};
    }
    qsort(c, m, sizeof *c, by_margin_desc);
    insight_finding_t *f = add_finding(r->out, INSIGHT_LOW_PRECISION, (int)k, -1, best, m);
    for (size_t q = 0; q < m; q++) f->docs[f->ndocs++] = c[q].doc;
    free(c);
  }
  free(cnt);
  free(taken);
}

/* ---- texts: empty ones, duplicates and conflicting labels ---------------------------- */

/* The rows of the texts (their own vocabulary, every feature kept), and
 * each text's count of content words. */
typedef struct {
  text_vocab_t *v;
  text_row_t *row;   /* [n] */
  size_t *words;     /* [n] */
} rows_t;

static void rows_build(const qrun_t *r, rows_t *rw) {
  text_feat_opts_t o;
  text_feat_defaults(&o);
  o.char_min = 0;
  text_corpus_t c;
  text_corpus_init(&c, &o);
  text_ctx_t *ctx = text_ctx_new();
  rw->words = util_xcalloc(r->n ? r->n : 1, sizeof *rw->words);
  for (size_t i = 0; i < r->n; i++) {
    const char *s = r->texts[i] ? r->texts[i] : "";
    if (!ctx) {
      text_corpus_add(&c, &c.doc, &c.feats);
      continue;
    }
    text_corpus_add_text(&c, ctx, s, strlen(s), r->langs ? r->langs[i] : -1);
    for (size_t t = 0; t < c.doc.n; t++)
      rw->words[i] += !c.doc.tok[t].stop && c.doc.tok[t].form_len >= 2;
  }
  text_ctx_free(&ctx);
  rw->v = text_vocab_fit(&c, 1);
  rw->row = util_xmalloc((r->n ? r->n : 1) * sizeof *rw->row);
  for (size_t i = 0; i < r->n; i++) {
    text_row_init(&rw->row[i]);
    size_t a = c.start[i];
    text_vocab_transform_raw(rw->v, c.hash + a, c.val + a, c.start[i + 1] - a, &rw->row[i]);
  }
  text_corpus_clear(&c);
}

static void rows_free(rows_t *rw, size_t n) {
  for (size_t i = 0; rw->row && i < n; i++) text_row_clear(&rw->row[i]);
  free(rw->row);
  free(rw->words);
  text_vocab_free(&rw->v);
}

static void find_empty(qrun_t *r, const rows_t *rw) {
  size_t m = 0;
  for (size_t i = 0; i < r->n; i++) m += rw->words[i] < INSIGHT_EMPTY_WORDS;
  if (!m) return;
  insight_finding_t *f = add_finding(r->out, INSIGHT_EMPTY, -1, -1, (double)m, m);
  for (size_t i = 0; i < r->n; i++)
    if (rw->words[i] < INSIGHT_EMPTY_WORDS) f->docs[f->ndocs++] = i;
}

/* Union-find over the rows, for the groups of near-identical texts. */
static size_t uf_find(size_t *up, size_t i) {
  while (up[i] != i) i = up[i] = up[up[i]];
  return i;
}

typedef struct {
  uint32_t key;
  size_t doc;
} keyed_t;

static int by_key(const void *a, const void *b) {
  const keyed_t *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* Each text's two rarest features (highest IDF) as blocking keys: two
 * near-identical texts share their rarest words, so only texts that share
 * a key are compared, within groups of at most 200. */
#define BLOCK_MAX 200

static keyed_t *block_keys(const qrun_t *r, const rows_t *rw, size_t *nk) {
  keyed_t *k = util_xmalloc((2 * r->n + 1) * sizeof *k);
  *nk = 0;
  for (size_t i = 0; i < r->n; i++) {
    const text_row_t *row = &rw->row[i];
    if (rw->words[i] < INSIGHT_EMPTY_WORDS || !row->n) continue; /* said as empty */
    int64_t a = -1, b = -1;
    for (size_t e = 0; e < row->n; e++) {
      float idf = text_vocab_idf(rw->v, row->idx[e]);
      if (a < 0 || idf > text_vocab_idf(rw->v, row->idx[a])) b = a, a = (int64_t)e;
      else if (b < 0 || idf > text_vocab_idf(rw->v, row->idx[b])) b = (int64_t)e;
    }
    k[(*nk)++] = (keyed_t){row->idx[a], i};
    if (b >= 0) k[(*nk)++] = (keyed_t){row->idx[b], i};
  }
  qsort(k, *nk, sizeof *k, by_key);
  return k;
}

/* Groups of texts at cosine ≥ INSIGHT_NEAR to one of the group: a
 * conflict when their labels differ, else duplicates. */
static void find_near(qrun_t *r, const rows_t *rw) {
  size_t n = r->n, nk;
  size_t *up = util_xmalloc((n ? n : 1) * sizeof *up);
  double *low = util_xmalloc((n ? n : 1) * sizeof *low); /* the lowest cosine that joined a root's group */
  for (size_t i = 0; i < n; i++) up[i] = i, low[i] = 1.0;
  keyed_t *k = block_keys(r, rw, &nk);
  for (size_t s = 0, e; s < nk; s = e) {
    for (e = s + 1; e < nk && k[e].key == k[s].key; e++) {}
    if (e - s > BLOCK_MAX) continue;
    for (size_t a = s; a < e; a++)
      for (size_t b = a + 1; b < e; b++) {
        double cs = text_row_cosine(&rw->row[k[a].doc], &rw->row[k[b].doc]);
        if (cs < INSIGHT_NEAR) continue;
        size_t x = uf_find(up, k[a].doc), y = uf_find(up, k[b].doc);
        double m = fmin(cs, fmin(low[x], low[y]));
        if (x != y) up[y] = x;
        low[x] = m;
      }
  }
  free(k);
  /* the groups: rows sorted by their root, each run of two or more a finding */
  keyed_t *g = util_xmalloc((n ? n : 1) * sizeof *g);
  for (size_t i = 0; i < n; i++) g[i] = (keyed_t){(uint32_t)uf_find(up, i), i};
  qsort(g, n, sizeof *g, by_key);
  for (size_t s = 0, e; s < n; s = e) {
    for (e = s + 1; e < n && g[e].key == g[s].key; e++) {}
    if (e - s < 2) continue;
    int lab = r->label[g[s].doc];
    for (size_t i = s + 1; i < e; i++)
      if (r->label[g[i].doc] != lab) lab = -1;
    insight_finding_t *f = add_finding(r->out, lab < 0 ? INSIGHT_CONFLICT : INSIGHT_DUPLICATE, lab,
                                       -1, low[g[s].key], e - s);
    for (size_t i = s; i < e; i++) f->docs[f->ndocs++] = g[i].doc;
  }
  free(g);
  free(up);
  free(low);
}

/* ---- the report -------------------------------------------------------------------- */

/* Findings by kind, then the most certain first (a stable order: their
 * first row breaks ties). */
static int finding_order(const void *a, const void *b) {
  const insight_finding_t *x = a, *y = b;
  if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
  if (x->kind == INSIGHT_MISLABEL && x->self != y->self) return x->self < y->self ? -1 : 1;
  if (x->score != y->score) {
    int lowfirst = x->kind == INSIGHT_LOW_PRECISION; /* the worst class first */
    return (x->score > y->score) != lowfirst ? -1 : 1;
  }
  size_t i = x->ndocs ? x->docs[0] : 0, j = y->ndocs ? y->docs[0] : 0;
  return i < j ? -1 : i > j;
}

int insight_quality_run(size_t n, const char *const *texts, const int *langs,
                        const char *const *labels, const unsigned char *confirmed,
                        const ml_params_t *p, insight_quality_t *out, char *err, size_t errlen) {
  double t0 = util_monotonic();
  memset(out, 0, sizeof *out);
  out->ndocs = n;
  qrun_t r = {.n = n, .texts = texts, .langs = langs, .confirmed = confirmed, .out = out};
  index_labels(&r, labels);
  int rc = oof_probs(&r, labels, p, err, errlen);
  if (rc) goto out;
  find_mislabels(&r);
  find_class_issues(&r);
  rows_t rw = {0};
  rows_build(&r, &rw);
  find_near(&r, &rw);
  find_empty(&r, &rw);
  rows_free(&rw, n);
  qsort(out->f, out->n, sizeof *out->f, finding_order);
  out->seconds = util_monotonic() - t0;
out:
  qrun_free(&r);
  if (rc) insight_quality_clear(out);
  return rc;
}

void insight_quality_clear(insight_quality_t *q) {
  for (size_t i = 0; i < q->n; i++) free(q->f[i].docs);
  free(q->f);
  for (int k = 0; k < q->nclass; k++) free(q->classes[k]);
  free(q->classes);
  memset(q, 0, sizeof *q);
}

json_t *insight_quality_json(const insight_quality_t *q, const int64_t *ids) {
  const char *key = ids ? "tickets" : "rows";
  json_t *o = json_object(), *cls = json_array(), *fs = json_array(), *counts = json_object();
  for (int k = 0; k < q->nclass; k++) json_array_append_new(cls, json_string(q->classes[k]));
  for (size_t i = 0; i < q->n; i++) {
    const insight_finding_t *f = &q->f[i];
    json_t *x = json_object(), *rows = json_array();
    for (size_t d = 0; d < f->ndocs; d++)
      json_array_append_new(rows, json_integer(ids ? ids[f->docs[d]] : (json_int_t)f->docs[d]));
    json_object_set_new(x, "kind", json_string(insight_kind_name(f->kind)));
    json_object_set_new(x, "label", f->label >= 0 ? json_string(q->classes[f->label]) : json_null());
    json_object_set_new(x, "suggest", f->suggest >= 0 ? json_string(q->classes[f->suggest]) : json_null());
    json_object_set_new(x, "score", json_real(f->score));
    if (f->kind == INSIGHT_MISLABEL) json_object_set_new(x, "self", json_real(f->self));
    json_object_set_new(x, key, rows);
    json_array_append_new(fs, x);
  }
  for (int k = 0; k < INSIGHT_KIND_COUNT; k++) {
    size_t rows, n = insight_quality_count(q, (insight_kind_t)k, &rows);
    json_object_set_new(counts, insight_kind_name((insight_kind_t)k),
                        json_pack("{s:I, s:I}", "findings", (json_int_t)n, key, (json_int_t)rows));
  }
  json_object_set_new(o, "rows", json_integer((json_int_t)q->ndocs));
  json_object_set_new(o, "accuracy", json_real(q->accuracy));
  json_object_set_new(o, "seconds", json_real(q->seconds));
  json_object_set_new(o, "classes", cls);
  json_object_set_new(o, "counts", counts);
  json_object_set_new(o, "findings", fs);
  return o;
}

size_t insight_quality_count(const insight_quality_t *q, insight_kind_t k, size_t *rows) {
  size_t n = 0, m = 0;
  for (size_t i = 0; i < q->n; i++)
    if (q->f[i].kind == k) {
      n++;
      m += q->f[i].ndocs;
    }
  if (rows) *rows = m;
  return n;
}
