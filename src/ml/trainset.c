/* Training sets: each document reduced to its hashed features as it is
 * added, so the text itself is not kept. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ml_int.h"

ml_trainset_t *ml_trainset_new(const text_feat_opts_t *feat) {
  ml_trainset_t *ts = util_xcalloc(1, sizeof *ts);
  text_corpus_init(&ts->docs, feat);
  return ts;
}

void ml_trainset_free(ml_trainset_t **tsp) {
  ml_trainset_t *ts = *tsp;
  if (!ts) return;
  text_corpus_clear(&ts->docs);
  free(ts->label);
  for (int i = 0; i < ts->nclass; i++) free(ts->classes[i]);
  free(ts->classes);
  free(ts);
  *tsp = NULL;
}

size_t ml_trainset_size(const ml_trainset_t *ts) { return ts->docs.n; }

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

/* Labels document i (just added to ts->docs). */
static void set_label(ml_trainset_t *ts, size_t i, const char *label) {
  if (i >= ts->label_cap) {
    ts->label_cap = ts->label_cap ? ts->label_cap * 2 : 1024;
    ts->label = util_xrealloc(ts->label, ts->label_cap * sizeof *ts->label);
  }
  ts->label[i] = class_of(ts, label);
}

int ml_trainset_add(ml_trainset_t *ts, text_ctx_t *ctx, const char *text, size_t n, int lang,
                    const char *label) {
  if (!label || !*label) return UTIL_E_INVALID;
  set_label(ts, text_corpus_add_text(&ts->docs, ctx, text, n, lang), label);
  return 0;
}

/* ---- many documents on several threads ---------------------------------------- */
typedef struct {
  const text_feat_opts_t *feat;
  const char *const *texts;
  const int *langs;
  size_t from, to;           /* documents [from, to) */
  text_corpus_t part;        /* their features */
} chunk_t;

static void *chunk_run(void *arg) {
  chunk_t *c = arg;
  text_ctx_t *ctx = text_ctx_new();
  /* c->feat points at the training set's options, set before any chunk
   * runs; clang 14's analyser does not follow that through ch[]. */
  text_corpus_init(&c->part, c->feat); // NOLINT(clang-analyzer-core.CallAndMessage)
  for (size_t i = c->from; i < c->to; i++) {
    const char *t = c->texts[i] ? c->texts[i] : "";
    if (ctx) text_corpus_add_text(&c->part, ctx, t, strlen(t), c->langs ? c->langs[i] : -1);
    else text_corpus_add(&c->part, &c->part.doc, &c->part.feats); /* no stemmers: empty */
  }
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
    ch[t] = (chunk_t){.feat = &ts->docs.feat, .texts = texts, .langs = langs,
                      .from = n * (size_t)t / (size_t)threads,
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
      set_label(ts, text_corpus_append(&ts->docs, &c->part, i - c->from), labels[i]);
    }
    text_corpus_clear(&c->part);
  }
  return skipped;
}
