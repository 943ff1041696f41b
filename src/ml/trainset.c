/* Training sets: each document reduced to its hashed features as it is
 * added, so the text itself is not kept. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ml_int.h"

ml_trainset_t *ml_trainset_new(const text_feat_opts_t *feat) {
  ml_trainset_t *ts = util_xcalloc(1, sizeof *ts);
  ts->feat = *feat;
  ts->start = util_xcalloc(1, sizeof *ts->start);
  text_doc_init(&ts->doc);
  text_feats_init(&ts->feats);
  return ts;
}

void ml_trainset_free(ml_trainset_t **tsp) {
  ml_trainset_t *ts = *tsp;
  if (!ts) return;
  free(ts->start);
  free(ts->label);
  free(ts->hash);
  free(ts->val);
  for (int i = 0; i < ts->nclass; i++) free(ts->classes[i]);
  free(ts->classes);
  text_doc_clear(&ts->doc);
  text_feats_clear(&ts->feats);
  free(ts);
  *tsp = NULL;
}

size_t ml_trainset_size(const ml_trainset_t *ts) { return ts->n; }

static int class_of(ml_trainset_t *ts, const char *label) {
  for (int i = ts->nclass; i-- > 0;)
    if (strcmp(ts->classes[i], label) == 0) return i;
  if (ts->nclass == ts->class_cap) {
    ts->class_cap = ts->class_cap ? ts->class_cap * 2 : 16;
    ts->classes = util_xrealloc(ts->classes, (size_t)ts->class_cap * sizeof *ts->classes);
  }
  ts->classes[ts->nclass] = util_xstrdup(label);
  return ts->nclass++;
}

/* Makes room for one more document of nf features; returns where its
 * features go in the pool. */
static size_t ts_reserve(ml_trainset_t *ts, size_t nf) {
  if (ts->n + 1 >= ts->cap) {
    ts->cap = ts->cap ? ts->cap * 2 : 1024;
    ts->start = util_xrealloc(ts->start, (ts->cap + 1) * sizeof *ts->start);
    ts->label = util_xrealloc(ts->label, ts->cap * sizeof *ts->label);
  }
  size_t need = ts->pool_n + nf;
  if (need > ts->pool_cap) {
    size_t cap = ts->pool_cap ? ts->pool_cap : 1 << 16;
    while (cap < need) cap *= 2;
    ts->hash = util_xrealloc(ts->hash, cap * sizeof *ts->hash);
    ts->val = util_xrealloc(ts->val, cap * sizeof *ts->val);
    ts->pool_cap = cap;
  }
  return ts->pool_n;
}

/* Closes the document whose nf features were written at the pool's end. */
static void ts_commit(ml_trainset_t *ts, size_t nf, const char *label) {
  ts->pool_n += nf;
  ts->label[ts->n] = class_of(ts, label);
  ts->start[++ts->n] = ts->pool_n;
}

int ml_trainset_add(ml_trainset_t *ts, text_ctx_t *ctx, const char *text, size_t n, int lang,
                    const char *label) {
  if (!label || !*label) return UTIL_E_INVALID;
  text_analyse_opt(ctx, text, n, lang, ts->feat.stem, &ts->doc);
  text_features(&ts->doc, &ts->feat, &ts->feats);
  size_t at = ts_reserve(ts, ts->feats.n);
  for (size_t i = 0; i < ts->feats.n; i++) {
    ts->hash[at + i] = ts->feats.f[i].hash;
    ts->val[at + i] = ts->feats.f[i].value;
  }
  ts_commit(ts, ts->feats.n, label);
  return 0;
}

/* ---- many documents on several threads ---------------------------------------- */
typedef struct {
  const ml_trainset_t *ts;
  const char *const *texts;
  const int *langs;
  size_t from, to;           /* documents [from, to) */
  uint64_t *hash;            /* this range's features */
  float *val;
  size_t n, cap;
  size_t *start;             /* [to - from + 1] */
} chunk_t;

static void *chunk_run(void *arg) {
  chunk_t *c = arg;
  text_ctx_t *ctx = text_ctx_new();
  text_doc_t doc;
  text_feats_t fs;
  text_doc_init(&doc);
  text_feats_init(&fs);
  c->start = util_xmalloc((c->to - c->from + 1) * sizeof *c->start);
  c->start[0] = 0;
  for (size_t i = c->from; i < c->to; i++) {
    const char *t = c->texts[i] ? c->texts[i] : "";
    if (ctx) {
      text_analyse_opt(ctx, t, strlen(t), c->langs ? c->langs[i] : -1, c->ts->feat.stem, &doc);
      text_features(&doc, &c->ts->feat, &fs);
    }
    if (c->n + fs.n > c->cap) {
      c->cap = (c->n + fs.n) * 2 + 4096;
      c->hash = util_xrealloc(c->hash, c->cap * sizeof *c->hash);
      c->val = util_xrealloc(c->val, c->cap * sizeof *c->val);
    }
    for (size_t f = 0; f < fs.n; f++) {
      c->hash[c->n + f] = fs.f[f].hash;
      c->val[c->n + f] = fs.f[f].value;
    }
    c->n += fs.n;
    c->start[i - c->from + 1] = c->n;
  }
  text_doc_clear(&doc);
  text_feats_clear(&fs);
  text_ctx_free(&ctx);
  return NULL;
}

int ml_trainset_add_many(ml_trainset_t *ts, size_t n, const char *const *texts,
                         const int *langs, const char *const *labels, int threads) {
  if (threads < 1) threads = 1;
  if (threads > 16) threads = 16;
  if ((size_t)threads > n / 64 + 1) threads = (int)(n / 64 + 1); /* not worth a thread */
  chunk_t ch[16];
  pthread_t th[16];
  int started[16] = {0};
  for (int t = 0; t < threads; t++) {
    ch[t] = (chunk_t){.ts = ts, .texts = texts, .langs = langs, .from = n * (size_t)t / (size_t)threads,
                      .to = n * (size_t)(t + 1) / (size_t)threads};
    if (t > 0 && pthread_create(&th[t], NULL, chunk_run, &ch[t]) == 0) started[t] = 1;
  }
  chunk_run(&ch[0]);
  for (int t = 1; t < threads; t++) {
    if (started[t]) pthread_join(th[t], NULL);
    else chunk_run(&ch[t]); /* no thread: do it here */
  }
  int skipped = 0;
  for (int t = 0; t < threads; t++) {
    chunk_t *c = &ch[t];
    for (size_t i = c->from; i < c->to; i++) {
      if (!labels[i] || !labels[i][0]) {
        skipped++;
        continue;
      }
      size_t a = c->start[i - c->from], b = c->start[i - c->from + 1];
      size_t at = ts_reserve(ts, b - a);
      memcpy(ts->hash + at, c->hash + a, (b - a) * sizeof *ts->hash);
      memcpy(ts->val + at, c->val + a, (b - a) * sizeof *ts->val);
      ts_commit(ts, b - a, labels[i]);
    }
    free(c->hash);
    free(c->val);
    free(c->start);
  }
  return skipped;
}
