/* Training sets: each document reduced to its hashed features as it is
 * added, so the text itself is not kept. */
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

int ml_trainset_add(ml_trainset_t *ts, text_ctx_t *ctx, const char *text, size_t n, int lang,
                    const char *label) {
  if (!label || !*label) return UTIL_E_INVALID;
  text_analyse(ctx, text, n, lang, &ts->doc);
  text_features(&ts->doc, &ts->feat, &ts->feats);
  if (ts->n + 1 >= ts->cap) {
    ts->cap = ts->cap ? ts->cap * 2 : 1024;
    ts->start = util_xrealloc(ts->start, (ts->cap + 1) * sizeof *ts->start);
    ts->label = util_xrealloc(ts->label, ts->cap * sizeof *ts->label);
  }
  size_t need = ts->pool_n + ts->feats.n;
  if (need > ts->pool_cap) {
    size_t cap = ts->pool_cap ? ts->pool_cap : 1 << 16;
    while (cap < need) cap *= 2;
    ts->hash = util_xrealloc(ts->hash, cap * sizeof *ts->hash);
    ts->val = util_xrealloc(ts->val, cap * sizeof *ts->val);
    ts->pool_cap = cap;
  }
  for (size_t i = 0; i < ts->feats.n; i++) {
    ts->hash[ts->pool_n + i] = ts->feats.f[i].hash;
    ts->val[ts->pool_n + i] = ts->feats.f[i].value;
  }
  ts->pool_n = need;
  ts->label[ts->n] = class_of(ts, label);
  ts->start[++ts->n] = need;
  return 0;
}
