/* Vocabularies and TF-IDF rows: the one vectoriser of Relais (triage,
 * similar tickets, clusters).
 *
 * The document frequencies are counted in a temporary open-addressing table
 * over the corpus pool (each document lists a feature once, so a count is a
 * number of documents); the features kept are sorted by hash so that the
 * indexes do not depend on the table's layout. Lookups go through a second
 * table, built once: a fitted vocabulary is read-only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text_int.h"


static uint64_t nonzero(uint64_t h) { return h ? h : 1; } /* 0 marks an empty slot */

/* ---- document frequencies ------------------------------------------------------ */

typedef struct {
  uint64_t *key;
  uint32_t *count;
  size_t mask, used;
} df_table_t;

static void df_init(df_table_t *t, size_t hint) {
  size_t cap = 1 << 16;
  while (cap < hint * 2) cap *= 2;
  t->key = util_xcalloc(cap, sizeof *t->key);
  t->count = util_xcalloc(cap, sizeof *t->count);
  t->mask = cap - 1;
  t->used = 0;
}

static void df_free(df_table_t *t) {
  free(t->key);
  free(t->count);
}

static void df_grow(df_table_t *t) {
  df_table_t n;
  df_init(&n, (t->mask + 1));
  for (size_t i = 0; i <= t->mask; i++) {
    if (!t->key[i]) continue;
    size_t j = t->key[i] & n.mask;
    while (n.key[j]) j = (j + 1) & n.mask;
    n.key[j] = t->key[i];
    n.count[j] = t->count[i];
    n.used++;
  }
  df_free(t);
  *t = n;
}

static void df_add(df_table_t *t, uint64_t h) {
  h = nonzero(h);
  size_t i = h & t->mask;
  while (t->key[i] && t->key[i] != h) i = (i + 1) & t->mask;
  if (!t->key[i]) {
    t->key[i] = h;
    if (++t->used * 2 > t->mask) {
      t->count[i] = 1;
      df_grow(t);
      return;
    }
  }
  t->count[i]++;
}

static uint32_t df_get(const df_table_t *t, uint64_t h) {
  h = nonzero(h);
  for (size_t i = h & t->mask; t->key[i]; i = (i + 1) & t->mask)
    if (t->key[i] == h) return t->count[i];
  return 0;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* ---- fit ------------------------------------------------------------------------- */

void text_vocab_index(text_vocab_t *v) {
  size_t cap = 16;
  while (cap < (size_t)v->nfeat * 2) cap *= 2;
  v->tab_key = util_xcalloc(cap, sizeof *v->tab_key);
  v->tab_val = util_xcalloc(cap, sizeof *v->tab_val);
  v->tab_mask = (uint32_t)(cap - 1);
  for (uint32_t j = 0; j < v->nfeat; j++) {
    uint64_t h = nonzero(v->keys[j]);
    size_t i = h & v->tab_mask;
    while (v->tab_key[i]) i = (i + 1) & v->tab_mask;
    v->tab_key[i] = h;
    v->tab_val[i] = j;
  }
}

/* Copies the term of each kept feature out of the corpus's table. */
static void fit_terms(text_vocab_t *v, const struct text_terms *t) {
  size_t len = 0;
  for (uint32_t j = 0; j < v->nfeat; j++) {
    const char *s = text_terms_get(t, v->keys[j]);
    len += (s ? strlen(s) : 0) + 1;
  }
  v->terms = util_xmalloc(len ? len : 1);
  v->term_off = util_xmalloc((v->nfeat ? v->nfeat : 1) * sizeof *v->term_off);
  v->terms_len = 0;
  for (uint32_t j = 0; j < v->nfeat; j++) {
    const char *s = text_terms_get(t, v->keys[j]);
    size_t n = s ? strlen(s) : 0;
    v->term_off[j] = (uint32_t)v->terms_len;
    memcpy(v->terms + v->terms_len, s ? s : "", n + 1);
    v->terms_len += n + 1;
  }
}

text_vocab_t *text_vocab_fit(const text_corpus_t *c, int min_df) {
  if (min_df < 1) min_df = 1;
  size_t pool_n = c->start[c->n];
  df_table_t df;
  df_init(&df, pool_n / 8);
  for (size_t i = 0; i < pool_n; i++) df_add(&df, c->hash[i]);
  size_t nk = 0;
  for (size_t i = 0; i <= df.mask; i++)
    if (df.key[i] && df.count[i] >= (uint32_t)min_df) nk++;
  text_vocab_t *v = util_xcalloc(1, sizeof *v);
  v->feat = c->feat;
  v->ndocs = c->n;
  v->keys = util_xmalloc((nk ? nk : 1) * sizeof *v->keys);
  nk = 0;
  for (size_t i = 0; i <= df.mask; i++)
    if (df.key[i] && df.count[i] >= (uint32_t)min_df) v->keys[nk++] = df.key[i];
  qsort(v->keys, nk, sizeof *v->keys, cmp_u64); /* deterministic indexes */
  v->nfeat = (uint32_t)nk;
  v->df = util_xmalloc((nk ? nk : 1) * sizeof *v->df);
  v->idf = util_xmalloc((nk ? nk : 1) * sizeof *v->idf);
  double N = (double)c->n;
  for (size_t j = 0; j < nk; j++) {
    v->df[j] = df_get(&df, v->keys[j]);
    v->idf[j] = (float)(log((1.0 + N) / (1.0 + v->df[j])) + 1.0);
  }
  df_free(&df);
  text_vocab_index(v);
  if (c->terms) fit_terms(v, c->terms);
  return v;
}

void text_vocab_free(text_vocab_t **vp) {
  text_vocab_t *v = *vp;
  if (!v) return;
  free(v->keys);
  free(v->df);
  free(v->idf);
  free(v->tab_key);
  free(v->tab_val);
  free(v->terms);
  free(v->term_off);
  free(v);
  *vp = NULL;
}

/* ---- access ------------------------------------------------------------------------ */

uint32_t text_vocab_size(const text_vocab_t *v) { return v->nfeat; }
uint64_t text_vocab_ndocs(const text_vocab_t *v) { return v->ndocs; }
const text_feat_opts_t *text_vocab_feat_opts(const text_vocab_t *v) { return &v->feat; }
uint64_t text_vocab_hash(const text_vocab_t *v, uint32_t j) { return j < v->nfeat ? v->keys[j] : 0; }
uint32_t text_vocab_df(const text_vocab_t *v, uint32_t j) { return j < v->nfeat ? v->df[j] : 0; }
float text_vocab_idf(const text_vocab_t *v, uint32_t j) { return j < v->nfeat ? v->idf[j] : 0; }

const char *text_vocab_term(const text_vocab_t *v, uint32_t j) {
  return v->terms && j < v->nfeat ? v->terms + v->term_off[j] : NULL;
}

int64_t text_vocab_lookup(const text_vocab_t *v, uint64_t h) {
  h = nonzero(h);
  for (size_t i = h & v->tab_mask; v->tab_key[i]; i = (i + 1) & v->tab_mask)
    if (v->tab_key[i] == h) return v->tab_val[i];
  return -1;
}

/* ---- rows ---------------------------------------------------------------------------- */

void text_row_init(text_row_t *r) { memset(r, 0, sizeof *r); }

void text_row_wrap(text_row_t *r, uint32_t *idx, double *val, size_t cap) {
  *r = (text_row_t){.idx = idx, .val = val, .cap = cap, .fixed = 1};
}

void text_row_clear(text_row_t *r) {
  if (!r->fixed) {
    free(r->idx);
    free(r->val);
  }
  memset(r, 0, sizeof *r);
}

/* Room for n entries; 0, or UTIL_E_TOOBIG for a wrapped row too small. */
static int row_reserve(text_row_t *r, size_t n) {
  if (n <= r->cap) return 0;
  if (r->fixed) return UTIL_E_TOOBIG;
  size_t cap = r->cap ? r->cap : 64;
  while (cap < n) cap *= 2;
  r->idx = util_xrealloc(r->idx, cap * sizeof *r->idx);
  r->val = util_xrealloc(r->val, cap * sizeof *r->val);
  r->cap = cap;
  return 0;
}

/* Insertion sort by index: a document's features come sorted by hash and
 * indexes follow the sorted hashes, so a row is in order already but when
 * hash 0 (stored as 1) occurs. */
static void row_sort(text_row_t *r) {
  for (size_t i = 1; i < r->n; i++) {
    uint32_t k = r->idx[i];
    double x = r->val[i];
    size_t j = i;
    for (; j > 0 && r->idx[j - 1] > k; j--) {
      r->idx[j] = r->idx[j - 1];
      r->val[j] = r->val[j - 1];
    }
    r->idx[j] = k;
    r->val[j] = x;
  }
}

/* Appends feature (h, tf) to r if v knows it; reserve done by the caller. */
static inline void row_put(const text_vocab_t *v, text_row_t *r, uint64_t h, float tf,
                           double *norm, int *sorted) {
  int64_t j = text_vocab_lookup(v, h);
  if (j < 0) return;
  /* the product in single precision, as the classifier has always had it */
  double x = tf * v->idf[j];
  if (r->n && r->idx[r->n - 1] > (uint32_t)j) *sorted = 0;
  r->idx[r->n] = (uint32_t)j;
  r->val[r->n++] = x;
  *norm += x * x;
}

static void row_finish(text_row_t *r, double norm, int sorted) {
  if (!sorted) row_sort(r);
  r->scale = norm > 0 ? 1.0 / sqrt(norm) : 0.0;
}

int text_vocab_transform_raw(const text_vocab_t *v, const uint64_t *hash, const float *val,
                             size_t nf, text_row_t *r) {
  r->n = 0;
  r->scale = 0;
  int rc = row_reserve(r, nf);
  if (rc) return rc;
  double norm = 0;
  int sorted = 1;
  for (size_t f = 0; f < nf; f++) row_put(v, r, hash[f], val[f], &norm, &sorted);
  row_finish(r, norm, sorted);
  return 0;
}

int text_vocab_transform(const text_vocab_t *v, const text_feats_t *fs, text_row_t *r) {
  r->n = 0;
  r->scale = 0;
  int rc = row_reserve(r, fs->n);
  if (rc) return rc;
  double norm = 0;
  int sorted = 1;
  for (size_t f = 0; f < fs->n; f++) row_put(v, r, fs->f[f].hash, fs->f[f].value, &norm, &sorted);
  row_finish(r, norm, sorted);
  return 0;
}

void text_vec_scratch_init(text_vec_scratch_t *s) {
  text_doc_init(&s->doc);
  text_feats_init(&s->feats);
  text_row_init(&s->row);
}

void text_vec_scratch_clear(text_vec_scratch_t *s) {
  text_doc_clear(&s->doc);
  text_feats_clear(&s->feats);
  text_row_clear(&s->row);
}

const text_row_t *text_vocab_vectorise(const text_vocab_t *v, text_ctx_t *ctx,
                                       text_vec_scratch_t *s, const char *text, size_t n,
                                       int lang) {
  text_analyse_opt(ctx, text, n, lang, v->feat.stem, &s->doc);
  text_features(&s->doc, &v->feat, &s->feats);
  text_vocab_transform(v, &s->feats, &s->row); /* a growing row: cannot fail */
  return &s->row;
}

double text_row_cosine(const text_row_t *a, const text_row_t *b) {
  double s = 0;
  for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
    if (a->idx[i] < b->idx[j]) i++;
    else if (a->idx[i] > b->idx[j]) j++;
    else s += a->val[i++] * b->val[j++];
  }
  return s * a->scale * b->scale;
}

double text_row_dot_dense(const text_row_t *r, const double *dense) {
  double s = 0;
  for (size_t i = 0; i < r->n; i++) s += r->val[i] * dense[r->idx[i]];
  return s * r->scale;
}

void text_row_add_to(const text_row_t *r, double alpha, double *dense) {
  double a = alpha * r->scale;
  for (size_t i = 0; i < r->n; i++) dense[r->idx[i]] += a * r->val[i];
}
