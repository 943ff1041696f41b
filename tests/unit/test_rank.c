/* Unit tests of the similar-ticket ranker (src/search/rank.c): the default
 * keeps the orders it states (a stronger text match, then the same
 * category, ranks higher), a fit on choices made by a known rule ranks by
 * that rule and refuses too few choices, the weights survive JSON, and
 * the character trigrams and recency behave at their edges. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "search/search.h"

static void default_keeps_its_orders(void **state) {
  search_ranker_t r;
  search_ranker_default(&r);
  assert_false(r.trained);
  double weak[SEARCH_RF_COUNT] = {0.3, 0.3, 0.2, 0.2, 0.3, 0, 0, 0, 0, 0.5};
  double strong[SEARCH_RF_COUNT] = {1.0, 0.9, 0.6, 0.5, 0.6, 0, 0, 0, 0, 0.5};
  double same_cat[SEARCH_RF_COUNT];
  memcpy(same_cat, weak, sizeof weak);
  same_cat[SEARCH_RF_CATEGORY] = 1.0;
  double pw = search_ranker_prob(&r, weak), ps = search_ranker_prob(&r, strong), pc = search_ranker_prob(&r, same_cat);
  assert_true(ps > pw);
  assert_true(pc > pw);
  assert_true(pw > 0 && ps < 1);
  /* every feature pushes up: more of any one never ranks lower */
  for (int j = 0; j < SEARCH_RF_COUNT; j++) {
    double f[SEARCH_RF_COUNT];
    memcpy(f, weak, sizeof f);
    f[j] += 0.1;
    assert_true(search_ranker_prob(&r, f) > pw);
  }
}

/* Choices made by a rule: of each list, people took the candidate with
 * the same category and the best title match. */
static void fit_learns_the_rule(void **state) {
  enum { Q = 60, C = 8 };
  double *x = calloc((size_t)Q * C * SEARCH_RF_COUNT, sizeof *x);
  int *y = calloc((size_t)Q * C, sizeof *y);
  uint64_t seed = 12345;
  for (int i = 0; i < Q * C; i++) {
    double *f = x + (size_t)i * SEARCH_RF_COUNT;
    for (int j = 0; j < SEARCH_RF_COUNT; j++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      f[j] = (double)(seed >> 40) / (double)(1ull << 24);
    }
    f[SEARCH_RF_CATEGORY] = (i % C) < 2 ? 1.0 : 0.0;
  }
  for (int q = 0; q < Q; q++) { /* the taken one: same category, higher title match */
    double *a = x + (size_t)(q * C) * SEARCH_RF_COUNT, *b = a + SEARCH_RF_COUNT;
    y[q * C + (a[SEARCH_RF_BM25_TITLE] >= b[SEARCH_RF_BM25_TITLE] ? 0 : 1)] = 1;
  }
  search_ranker_t r, few;
  assert_int_equal(search_ranker_fit((size_t)Q * C, x, y, &r), 0);
  assert_true(r.trained);
  assert_int_equal(r.positives, Q);
  assert_true(r.w[SEARCH_RF_CATEGORY] > 1.0);
  assert_true(r.w[SEARCH_RF_BM25_TITLE] > 0.5);
  assert_true(fabs(r.w[SEARCH_RF_CHARS]) < r.w[SEARCH_RF_BM25_TITLE]);
  /* fewer than SEARCH_RANK_MIN_SIGNALS choices: refused, nothing changed */
  search_ranker_default(&few);
  assert_int_equal(search_ranker_fit((size_t)(SEARCH_RANK_MIN_SIGNALS - 1) * C, x, y, &few), UTIL_E_INVALID);
  assert_false(few.trained);
  /* the weights survive JSON; a missing one is refused */
  json_t *j = search_ranker_json(&r);
  search_ranker_t back;
  assert_int_equal(search_ranker_from_json(j, &back), 0);
  assert_true(back.trained);
  for (int k = 0; k < SEARCH_RF_COUNT; k++) assert_true(fabs(back.w[k] - r.w[k]) < 1e-9);
  json_object_del(json_object_get(j, "weights"), "tfidf");
  assert_int_equal(search_ranker_from_json(j, &back), UTIL_E_INVALID);
  json_decref(j);
  free(x);
  free(y);
}

static void grams_and_recency(void **state) {
  static search_grams_t a, b, e; /* large: off the stack */
  search_grams_of("Imprimante HORS LIGNE", &a);
  search_grams_of("imprimante hors-ligne", &b);
  assert_true(fabs(search_grams_overlap(&a, &b) - 1.0) < 1e-9);
  search_grams_of("imprimantes", &b);
  double near = search_grams_overlap(&a, &b);
  assert_true(near > 0.3 && near < 1.0);
  search_grams_of("", &e);
  assert_int_equal(e.n, 0);
  assert_true(search_grams_overlap(&a, &e) == 0.0);
  /* invalid UTF-8 and a long text: bounded, no crash */
  char *big = malloc(100001);
  for (int i = 0; i < 100000; i++) big[i] = (char)(i % 7 ? 'a' + i % 26 : 0xC3);
  big[100000] = 0;
  search_grams_of(big, &e);
  assert_true(e.n > 0 && e.n <= SEARCH_GRAMS_MAX);
  free(big);
  assert_true(fabs(search_recency(1000000, 1000000) - 1.0) < 1e-12);
  assert_true(fabs(search_recency(0, 30 * 86400) - 0.5) < 1e-9);
  assert_true(search_recency(0, 3650 * 86400) < 1e-30);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(default_keeps_its_orders),
      cmocka_unit_test(fit_learns_the_rule),
      cmocka_unit_test(grams_and_recency),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
