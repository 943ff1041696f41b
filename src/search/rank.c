/* Ranking the candidates of "similar tickets": a logistic model over a few
 * features of a (query, candidate) pair, with stated default weights until
 * the desk's own signals (a duplicate linked, a past resolution reused, a
 * suggestion accepted) are enough to fit them (ml_logistic_fit). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../ml/ml.h"
#include "../text/text.h"
#include "search.h"

const char *const search_rf_names[SEARCH_RF_COUNT] = {
    "bm25_title", "bm25_body", "tfidf", "words", "chars",
    "category",   "service",   "ci",    "requester", "recency"};

/* The default, by hand and for reasons: the two texts first (BM25 of each
 * field against the best candidate's, the TF-IDF cosine, the shared words,
 * the shared spellings), then what a person would check next: the same
 * category (likely or known) counts as much as a strong text match, the
 * same service or configuration item less (often empty), the same
 * requester and a recent ticket a little (both say "the same problem
 * again", not "the same problem"). */
static const double rank_default_w[SEARCH_RF_COUNT] = {1.0, 1.5, 2.0, 1.5, 1.0, 2.5, 0.5, 0.5, 0.3, 0.3};
static const double rank_default_bias = -4.0;

void search_ranker_default(search_ranker_t *r) {
  memset(r, 0, sizeof *r);
  memcpy(r->w, rank_default_w, sizeof r->w);
  r->bias = rank_default_bias;
}

double search_ranker_prob(const search_ranker_t *r, const double *f) {
  double s = r->bias;
  for (int j = 0; j < SEARCH_RF_COUNT; j++) s += r->w[j] * f[j];
  return 1.0 / (1.0 + exp(-s));
}

int search_ranker_fit(size_t n, const double *x, const int *y, search_ranker_t *out) {
  double w[SEARCH_RF_COUNT + 1];
  size_t pos = 0;
  for (size_t i = 0; i < n; i++) pos += y[i] != 0;
  if (pos < SEARCH_RANK_MIN_SIGNALS) return UTIL_E_INVALID;
  int rc = ml_logistic_fit(n, SEARCH_RF_COUNT, x, y, 1.0, w);
  if (rc) return rc;
  memset(out, 0, sizeof *out);
  memcpy(out->w, w, sizeof out->w);
  out->bias = w[SEARCH_RF_COUNT];
  out->trained = 1;
  out->rows = (int64_t)n;
  out->positives = (int64_t)pos;
  return 0;
}

json_t *search_ranker_json(const search_ranker_t *r) {
  json_t *w = json_object();
  for (int j = 0; j < SEARCH_RF_COUNT; j++) json_object_set_new(w, search_rf_names[j], json_real(r->w[j]));
  return json_pack("{s:o, s:f, s:b, s:I, s:I}", "weights", w, "bias", r->bias, "trained", r->trained,
                   "rows", (json_int_t)r->rows, "positives", (json_int_t)r->positives);
}

int search_ranker_from_json(const json_t *j, search_ranker_t *r) {
  search_ranker_t t;
  search_ranker_default(&t);
  const json_t *w = json_object_get(j, "weights"), *b = json_object_get(j, "bias");
  if (!json_is_object(w) || !json_is_number(b)) return UTIL_E_INVALID;
  for (int k = 0; k < SEARCH_RF_COUNT; k++) {
    const json_t *v = json_object_get(w, search_rf_names[k]);
    if (!json_is_number(v) || !isfinite(json_number_value(v))) return UTIL_E_INVALID;
    t.w[k] = json_number_value(v);
  }
  t.bias = json_number_value(b);
  t.trained = json_is_true(json_object_get(j, "trained"));
  t.rows = json_integer_value(json_object_get(j, "rows"));
  t.positives = json_integer_value(json_object_get(j, "positives"));
  *r = t;
  return 0;
}

/* ---- character trigrams --------------------------------------------------------- */
static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

void search_grams_of(const char *text, search_grams_t *g) {
  char folded[SEARCH_GRAMS_TEXT + 1];
  size_t n = text_fold(text, util_utf8_prefix(text, SEARCH_GRAMS_TEXT), folded, sizeof folded);
  g->n = 0;
  /* each word with a space at both ends, so that starts and ends count */
  uint32_t h = 0;
  char prev2 = ' ', prev1 = ' ';
  for (size_t i = 0; i <= n && g->n < SEARCH_GRAMS_MAX; i++) {
    unsigned char c = i < n ? (unsigned char)folded[i] : ' ';
    char cur = (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) ? (char)c : ' ';
    if (cur == ' ' && prev1 == ' ') continue;
    if (prev2 != ' ' || prev1 != ' ') {
      h = 2166136261u;
      h = (h ^ (unsigned char)prev2) * 16777619u;
      h = (h ^ (unsigned char)prev1) * 16777619u;
      h = (h ^ (unsigned char)cur) * 16777619u;
      g->h[g->n++] = h;
    }
    prev2 = prev1;
    prev1 = cur;
  }
  qsort(g->h, g->n, sizeof *g->h, cmp_u32);
  size_t k = 0;
  for (size_t i = 0; i < g->n; i++)
    if (!k || g->h[k - 1] != g->h[i]) g->h[k++] = g->h[i];
  g->n = k;
}

double search_grams_overlap(const search_grams_t *a, const search_grams_t *b) {
  size_t i = 0, j = 0, both = 0;
  while (i < a->n && j < b->n) {
    if (a->h[i] == b->h[j]) both++, i++, j++;
    else if (a->h[i] < b->h[j]) i++;
    else j++;
  }
  return both ? (double)both / sqrt((double)a->n * (double)b->n) : 0.0;
}

double search_recency(int64_t query_at, int64_t at) {
  double days = (double)(query_at > at ? query_at - at : at - query_at) / 86400.0;
  return exp2(-days / SEARCH_RECENCY_HALF_LIFE_DAYS);
}
