/* Unit tests of the settings search (src/ml/search.c): on small planted
 * sets, the grid ranks the setting that the plant calls for first; the
 * options a caller holds stay held; successive halving narrows the race
 * rung by rung, on samples of ten documents a class at least; threads do not change the result; too little data is
 * refused with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ml/ml_int.h"

static uint64_t rng;
static unsigned rnd(unsigned n) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (unsigned)((rng >> 33) % n);
}

static const char *const filler[] = {"printer", "laptop", "screen", "network", "badge", "office",
                                     "monday", "report", "server", "phone", "desk", "update"};

/* n documents whose class shows only in English stop words: class 0 says
 * "the ... and", class 1 "of ... with"; the content words are drawn
 * alike for both. texts and labels are owned by the caller (free each
 * text). */
static void planted_stopwords(size_t n, char **texts, const char **labels) {
  rng = 7;
  for (size_t i = 0; i < n; i++) {
    int c = (int)(i % 2);
    char buf[200];
    snprintf(buf, sizeof buf, "%s %s %s %s %s %s", filler[rnd(12)], c ? "of" : "the",
             filler[rnd(12)], filler[rnd(12)], c ? "with" : "and", filler[rnd(12)]);
    texts[i] = strdup(buf);
    labels[i] = c ? "B" : "A";
  }
}

static void free_texts(char **texts, size_t n) {
  for (size_t i = 0; i < n; i++) free(texts[i]);
}

static void base_params(ml_params_t *p) {
  ml_params_defaults(p);
  p->feat.char_min = 0;
}

/* Stop words carry the label: every candidate that drops them is left
 * with noise, so the search keeps them. */
static void keeps_stop_words_when_they_carry_the_label(void **state) {
  enum { N = 900 };
  char *texts[N];
  const char *labels[N];
  planted_stopwords(N, texts, labels);
  ml_params_t p;
  base_params(&p);
  ml_search_t s;
  char err[200] = "";
  int rc = ml_search(N, (const char *const *)texts, NULL, labels, &p,
                     ML_FIX_CHAR | ML_FIX_WEIGHTS | ML_FIX_C, &s, err, sizeof err);
  assert_int_equal(rc, 0);
  assert_int_equal(s.ncand, 8); /* stem × stop words × class weights */
  const ml_candidate_t *b = &s.cand[s.best];
  assert_int_equal(b->feat.stopwords, 0);
  assert_true(b->macro_f1 > 0.95);
  for (int c = 0; c < s.ncand; c++) /* those that drop them are at chance */
    if (s.cand[c].feat.stopwords && s.cand[c].rung == 0) assert_true(s.cand[c].macro_f1 < 0.7);
  ml_params_t q = p;
  ml_search_apply(&s, &q);
  assert_int_equal(q.feat.stopwords, 0);
  ml_search_clear(&s);
  free_texts(texts, N);
}

/* One rare class among two frequent ones, told apart by a single word
 * that the frequent classes also use now and then: unweighted, its few
 * documents lose to the others; balanced weights recall them, and
 * macro-F1 rewards that. */
static void balances_a_rare_class_that_needs_it(void **state) {
  enum { N = 1500 };
  char *texts[N];
  const char *labels[N];
  rng = 11;
  for (size_t i = 0; i < N; i++) {
    int c = i % 25 == 0 ? 2 : (int)(i % 2);
    char buf[200];
    const char *cue = c == 2 ? "outage" : rnd(8) == 0 ? "outage" : "";
    snprintf(buf, sizeof buf, "%s %s %s %s %s", filler[rnd(12)], c == 0 ? "toner" : "vpn",
             filler[rnd(12)], cue, filler[rnd(12)]);
    texts[i] = strdup(buf);
    labels[i] = c == 2 ? "Major" : c ? "Network" : "Printing";
  }
  ml_params_t p;
  base_params(&p);
  ml_search_t s;
  char err[200] = "";
  assert_int_equal(ml_search(N, (const char *const *)texts, NULL, labels, &p,
                             ML_FIX_CHAR | ML_FIX_WEIGHTS | ML_FIX_STEM | ML_FIX_STOPWORDS, &s,
                             err, sizeof err),
                   0);
  assert_int_equal(s.ncand, 6); /* class weights × C */
  assert_int_equal(s.cand[s.best].balanced, 1);
  ml_search_clear(&s);
  free_texts(texts, N);
}

/* The whole grid: 96 settings, defaults first; held dimensions keep the
 * caller's value; on 2,000 documents two rungs, the second on all of them
 * with a third of the candidates, the chosen one among those. */
static void grid_rungs_and_held_options(void **state) {
  enum { N = 2000 };
  char *texts[N];
  const char *labels[N];
  planted_stopwords(N, texts, labels);
  ml_params_t p;
  base_params(&p);
  ml_search_t s;
  char err[200] = "";
  assert_int_equal(ml_search(N, (const char *const *)texts, NULL, labels, &p, 0, &s, err, sizeof err), 0);
  assert_int_equal(s.ncand, 96);
  const ml_candidate_t *d = &s.cand[0];
  assert_int_equal(d->feat.stem, 1);
  assert_int_equal(d->feat.stopwords, 1);
  assert_int_equal(d->balanced, 0);
  assert_true(d->C == 0.3);
  assert_true(d->feat.pair_weight == 0.6f && d->feat.head_weight == 0.5f && d->feat.char_min == 0);
  assert_int_equal(s.rungs, 2);
  assert_int_equal(s.rung_n[1], N);
  assert_int_equal(s.rung_n[0], N / 3);
  int last = 0;
  for (int c = 0; c < s.ncand; c++) {
    assert_true(s.cand[c].rung >= 0); /* every one ran */
    last += s.cand[c].rung == 1;
  }
  assert_int_equal(last, 32);
  assert_int_equal(s.cand[s.best].rung, 1);
  ml_search_clear(&s);

  p.feat.stem = 0;
  p.C = 2.5;
  assert_int_equal(ml_search(N, (const char *const *)texts, NULL, labels, &p,
                             ML_FIX_STEM | ML_FIX_C, &s, err, sizeof err), 0);
  assert_int_equal(s.ncand, 16);
  for (int c = 0; c < s.ncand; c++) {
    assert_int_equal(s.cand[c].feat.stem, 0);
    assert_true(s.cand[c].C == 2.5);
  }
  ml_search_clear(&s);
  free_texts(texts, N);
}

/* A rung's sample holds ten documents a class: with 80 classes, 2,000
 * documents make one rung of all of them (two classes make two rungs,
 * above); with 2 classes the same held grid halves. */
static void many_classes_rank_on_larger_samples(void **state) {
  enum { N = 2000, K = 80 };
  char *texts[N];
  const char *labels[N];
  static char names[K][8];
  rng = 11;
  for (size_t i = 0; i < N; i++) {
    int c = (int)(i % K);
    snprintf(names[c], sizeof names[c], "G%d", c);
    char buf[200];
    snprintf(buf, sizeof buf, "%s group%d %s %s", filler[rnd(12)], c, filler[rnd(12)], filler[rnd(12)]);
    texts[i] = strdup(buf);
    labels[i] = names[c];
  }
  ml_params_t p;
  base_params(&p);
  ml_search_t s;
  char err[200] = "";
  unsigned held = ML_FIX_CHAR | ML_FIX_WEIGHTS | ML_FIX_STEM | ML_FIX_STOPWORDS | ML_FIX_BALANCED;
  assert_int_equal(ml_search(N, (const char *const *)texts, NULL, labels, &p, held, &s, err, sizeof err), 0);
  assert_int_equal(s.ncand, 3);
  assert_int_equal(s.rungs, 1);
  assert_int_equal(s.rung_n[0], N);
  ml_search_clear(&s);
  for (size_t i = 0; i < N; i++) labels[i] = names[i % 2];
  assert_int_equal(ml_search(N, (const char *const *)texts, NULL, labels, &p, held, &s, err, sizeof err), 0);
  assert_int_equal(s.rungs, 2);
  assert_int_equal(s.rung_n[0], N / 3);
  ml_search_clear(&s);
  free_texts(texts, N);
}

/* The same seed gives the same ranking on one thread or two. */
static void threads_do_not_change_the_ranking(void **state) {
  enum { N = 900 };
  char *texts[N];
  const char *labels[N];
  planted_stopwords(N, texts, labels);
  ml_params_t p;
  base_params(&p);
  ml_search_t a, b;
  char err[200];
  p.threads = 1;
  assert_int_equal(ml_search(N, (const char *const *)texts, NULL, labels, &p, ML_FIX_CHAR, &a, err, sizeof err), 0);
  p.threads = 2;
  assert_int_equal(ml_search(N, (const char *const *)texts, NULL, labels, &p, ML_FIX_CHAR, &b, err, sizeof err), 0);
  assert_int_equal(a.ncand, b.ncand);
  assert_int_equal(a.best, b.best);
  for (int c = 0; c < a.ncand; c++) {
    assert_true(a.cand[c].macro_f1 == b.cand[c].macro_f1);
    assert_int_equal(a.cand[c].rung, b.cand[c].rung);
  }
  char line[200];
  assert_true(ml_candidate_describe(&a.cand[0], line, sizeof line) > 0);
  assert_non_null(strstr(line, "stems"));
  assert_non_null(strstr(line, "C 0.3"));
  ml_search_clear(&a);
  ml_search_clear(&b);
  free_texts(texts, N);
}

static void refuses_too_little_data(void **state) {
  const char *texts[] = {"a b", "c d", "e f", "g h", "i j"};
  const char *one[] = {"X", "X", "X", "X", "X"}, *two[] = {"X", "Y", "X", "Y", "X"};
  ml_params_t p;
  base_params(&p);
  ml_search_t s;
  char err[200] = "";
  assert_int_equal(ml_search(5, texts, NULL, two, &p, 0, &s, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "12 documents"));
  assert_int_equal(ml_search(5, texts, NULL, one, &p, 0, &s, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "2 classes"));
  p.C = -1;
  assert_int_equal(ml_search(5, texts, NULL, two, &p, 0, &s, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "C must be"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(keeps_stop_words_when_they_carry_the_label),
      cmocka_unit_test(balances_a_rare_class_that_needs_it),
      cmocka_unit_test(grid_rungs_and_held_options),
      cmocka_unit_test(many_classes_rank_on_larger_samples),
      cmocka_unit_test(threads_do_not_change_the_ranking),
      cmocka_unit_test(refuses_too_little_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
