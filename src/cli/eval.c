/* relais eval: trains and tests a text classifier on CSV files, without any
 * database, and prints the quality measures (text or one JSON object).
 *
 * Either a separate test file (--test) or K-fold cross-validation (--folds)
 * over --data; the folds come from a seeded shuffle, so a run is
 * reproducible. The classifier is exactly the one the server trains:
 * same features, solver, calibration and thresholds. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ml/ml.h"
#include "../triage/triage.h"
#include "cli_int.h"

void cli_rows_free(cli_rows_t *r) {
  for (size_t i = 0; i < r->n; i++) {
    free(r->text[i]);
    free(r->label[i]);
  }
  free(r->text);
  free(r->label);
  memset(r, 0, sizeof *r);
}

/* Finds the column index of each comma-separated name in cols. */
static int find_cols(const char *file, char **hdr, size_t nh, const char *names, int *idx,
                     int max, int *n) {
  char *copy = util_xstrdup(names), *save = NULL;
  *n = 0;
  int rc = 0;
  for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
    int found = -1;
    for (size_t i = 0; i < nh; i++)
      if (strcmp(hdr[i], c) == 0) found = (int)i;
    if (found < 0) {
      fprintf(stderr, "relais: %s: no column '%s' in the header\n", file, c);
      rc = -1;
      break;
    }
    if (*n < max) idx[(*n)++] = found;
  }
  free(copy);
  return rc;
}

int cli_rows_read(const char *file, const char *text_cols, const char *label_col,
                  cli_rows_t *out, long *skipped) {
  FILE *f = fopen(file, "rb");
  if (!f) {
    perror(file);
    return -1;
  }
  util_csv_t *csv = util_csv_open(f, 4u << 20);
  char **fl;
  size_t nf;
  int rc = -1, tcols[16], lcol = 0, nt, nl;
  int r = util_csv_next(csv, &fl, &nf);
  if (r <= 0) {
    fprintf(stderr, "relais: %s: %s\n", file, r == 0 ? "empty file" : util_csv_error(csv));
    goto out;
  }
  if (find_cols(file, fl, nf, text_cols, tcols, 16, &nt) ||
      find_cols(file, fl, nf, label_col, &lcol, 1, &nl))
    goto out;
  util_buf_t b;
  util_buf_init(&b, 8u << 20);
  while ((r = util_csv_next(csv, &fl, &nf)) != 0) {
    if (r < 0) {
      fprintf(stderr, "relais: %s: %s (skipped)\n", file, util_csv_error(csv));
      (*skipped)++;
      continue;
    }
    if ((size_t)lcol >= nf || !fl[lcol][0]) {
      (*skipped)++;
      continue;
    }
    util_buf_reset(&b);
    for (int i = 0; i < nt; i++)
      if ((size_t)tcols[i] < nf) {
        if (b.len) util_buf_putc(&b, '\n');
        util_buf_puts(&b, fl[tcols[i]]);
      }
    if (!util_utf8_valid(b.data ? b.data : "", b.len, NULL) ||
        !util_utf8_valid(fl[lcol], strlen(fl[lcol]), NULL)) {
      fprintf(stderr, "relais: %s: line %ld: invalid UTF-8 (skipped)\n", file,
              util_csv_line(csv));
      (*skipped)++;
      continue;
    }
    if (out->n == out->cap) {
      out->cap = out->cap ? out->cap * 2 : 4096;
      out->text = util_xrealloc(out->text, out->cap * sizeof *out->text);
      out->label = util_xrealloc(out->label, out->cap * sizeof *out->label);
    }
    out->text[out->n] = util_xstrdup(b.data ? b.data : "");
    out->label[out->n++] = util_xstrdup(fl[lcol]);
  }
  util_buf_free(&b);
  rc = 0;
out:
  util_csv_close(&csv);
  fclose(f);
  return rc;
}

/* Class names seen in training, then any that only the test set has. */
typedef struct {
  char **name;
  int n, cap;
} ev_classes_t;

static int class_id(ev_classes_t *c, const char *name) {
  for (int i = 0; i < c->n; i++)
    if (strcmp(c->name[i], name) == 0) return i;
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 16;
    c->name = util_xrealloc(c->name, (size_t)c->cap * sizeof *c->name);
  }
  c->name[c->n] = util_xstrdup(name);
  return c->n++;
}

/* The grid search before each training (see ml_search): on unless
 * --no-search; the dimensions the options set stay as they say. */
typedef struct {
  int on;
  unsigned fixed;     /* ML_FIX_* */
  int json;
  json_t *runs;       /* JSON: each training's search */
} ev_search_t;

typedef struct {
  int *truth, *pred;
  double *conf;
  int *auto_ok; /* 1 when the per-class threshold would apply it */
  size_t n;
  double train_seconds, predict_seconds, feature_seconds;
  int folds_run;
} ev_result_t;

/* The search on the training rows: sets *p to the chosen settings and
 * reports them (stderr as text; kept for the JSON). A search that cannot
 * run leaves p as it was, and says why. */
static void search_one(const ev_search_t *se, ml_params_t *p, const char **tx, const char **lb,
                       size_t ntrain) {
  ml_search_t sr;
  char err[256];
  if (ml_search(ntrain, tx, NULL, lb, p, se->fixed, &sr, err, sizeof err)) {
    fprintf(stderr, "relais eval: no search (%s): the defaults are used\n", err);
    return;
  }
  ml_search_apply(&sr, p);
  char what[200];
  ml_candidate_describe(&sr.cand[sr.best], what, sizeof what);
  fprintf(stderr, "relais eval: search of %d settings in %.1f s (%d-fold CV, rungs of", sr.ncand,
          sr.seconds, sr.folds);
  for (int r = 0; r < sr.rungs; r++) fprintf(stderr, " %zu", sr.rung_n[r]);
  fprintf(stderr, " tickets): %s, macro-F1 %.4f\n", what, sr.cand[sr.best].macro_f1);
  if (se->runs) json_array_append_new(se->runs, triage_search_json(&sr));
  ml_search_clear(&sr);
}

/* Trains on train[] rows and predicts test[] rows, appending to res. */
static int run_one(text_ctx_t *ctx, const ml_params_t *p0, const ev_search_t *se,
                   const cli_rows_t *rows, const size_t *train, size_t ntrain,
                   const cli_rows_t *trows, const size_t *test, size_t ntest, ev_classes_t *cls,
                   ev_result_t *res) {
  ml_params_t pp = *p0, *p = &pp;
  ml_model_t *m = NULL;
  ml_train_info_t info = {0};
  char err[256];
  double t0 = util_monotonic();
  const char **tx = util_xmalloc((ntrain + 1) * sizeof *tx), **lb = util_xmalloc((ntrain + 1) * sizeof *lb);
  for (size_t i = 0; i < ntrain; i++) {
    tx[i] = rows->text[train[i]];
    lb[i] = rows->label[train[i]];
  }
  if (se->on) search_one(se, p, tx, lb, ntrain);
  double tf = util_monotonic();
  ml_trainset_t *ts = ml_trainset_new(&p->feat);
  ml_trainset_add_many(ts, ntrain, tx, NULL, lb, p->threads);
  free(tx);
  free(lb);
  res->feature_seconds += util_monotonic() - tf;
  int rc = ml_train(ts, p, &m, &info, err, sizeof err);
  res->train_seconds += util_monotonic() - t0; /* search + features + fits + calibration */
  ml_trainset_free(&ts);
  if (rc) {
    fprintf(stderr, "relais eval: training failed: %s\n", err);
    return rc;
  }
  int K = ml_model_nclass(m);
  int *map = util_xmalloc((size_t)K * sizeof *map);
  for (int k = 0; k < K; k++) map[k] = class_id(cls, ml_model_class(m, k));
  double *probs = util_xmalloc((size_t)K * sizeof *probs);
  ml_scratch_t s;
  ml_scratch_init(&s);
  t0 = util_monotonic();
  for (size_t i = 0; i < ntest; i++) {
    const char *t = trows->text[test[i]];
    int b = ml_predict(m, ctx, &s, t, strlen(t), -1, probs);
    size_t at = res->n++;
    res->pred[at] = map[b];
    res->conf[at] = probs[b];
    res->auto_ok[at] = probs[b] + 1e-6 >= ml_model_threshold(m, b);
    res->truth[at] = class_id(cls, trows->label[test[i]]);
  }
  res->predict_seconds += util_monotonic() - t0;
  res->folds_run++;
  ml_scratch_clear(&s);
  free(probs);
  free(map);
  ml_model_free(&m);
  return 0;
}


static void print_text(const ml_metrics_t *mt, const ev_classes_t *cls, const ev_result_t *res,
                       double cov_auto, double prec_auto, const char *how) {
  printf("evaluation: %s, %zu test predictions\n", how, mt->n);
  printf("accuracy        %.4f\nmacro-F1        %.4f\nECE (15 bins)   %.4f\n", mt->accuracy,
         mt->macro_f1, mt->ece);
  printf("coverage at 95%% precision (one global threshold): %.4f\n", mt->coverage_at_95);
  printf("per-class thresholds at 95%%: coverage %.4f, precision %.4f\n", cov_auto, prec_auto);
  static const int covs[6] = {100, 90, 80, 70, 60, 50};
  printf("precision at coverage:");
  for (int c = 0; c < 6; c++) printf("  %d%% %.4f", covs[c], mt->prec_at_cov[c]);
  printf("\n\n%-28s %9s %9s %9s %8s\n", "class", "precision", "recall", "F1", "support");
  for (int k = 0; k < mt->nclass; k++)
    printf("%-28.28s %9.4f %9.4f %9.4f %8zu\n", cls->name[k], mt->precision[k], mt->recall[k],
           mt->f1[k], mt->support[k]);
  printf("\nconfusion matrix (rows: truth, columns: prediction, in the order above)\n");
  for (int t = 0; t < mt->nclass; t++) {
    for (int p = 0; p < mt->nclass; p++) printf(" %6zu", mt->confusion[(size_t)t * mt->nclass + p]);
    printf("\n");
  }
  printf("\ntraining %.3f s per model, prediction %.0f tickets/s (one thread)\n",
         res->train_seconds / res->folds_run, res->n / (res->predict_seconds > 0 ? res->predict_seconds : 1e-9));
}

static void print_json(const ml_metrics_t *mt, const ev_classes_t *cls, const ev_result_t *res,
                       double cov_auto, double prec_auto, const char *how, size_t ntrain,
                       json_t *searches) {
  json_t *o = json_object(), *pc = json_object(), *pac = json_object(), *cm = json_array(),
         *labels = json_array();
  json_object_set_new(o, "evaluation", json_string(how));
  json_object_set_new(o, "n_train", json_integer((json_int_t)ntrain));
  json_object_set_new(o, "n_test", json_integer((json_int_t)mt->n));
  json_object_set_new(o, "accuracy", json_real(mt->accuracy));
  json_object_set_new(o, "macro_f1", json_real(mt->macro_f1));
  json_object_set_new(o, "coverage_at_95", json_real(mt->coverage_at_95));
  json_object_set_new(o, "ece", json_real(mt->ece));
  json_object_set_new(o, "auto_coverage", json_real(cov_auto));
  json_object_set_new(o, "auto_precision", json_real(prec_auto));
  static const char *covs[6] = {"100", "90", "80", "70", "60", "50"};
  for (int c = 0; c < 6; c++) json_object_set_new(pac, covs[c], json_real(mt->prec_at_cov[c]));
  json_object_set_new(o, "precision_at_coverage", pac);
  for (int k = 0; k < mt->nclass; k++) {
    json_t *c = json_object(), *row = json_array();
    json_object_set_new(c, "precision", json_real(mt->precision[k]));
    json_object_set_new(c, "recall", json_real(mt->recall[k]));
    json_object_set_new(c, "f1", json_real(mt->f1[k]));
    json_object_set_new(c, "support", json_integer((json_int_t)mt->support[k]));
    json_object_set_new(pc, cls->name[k], c);
    json_array_append_new(labels, json_string(cls->name[k]));
    for (int p = 0; p < mt->nclass; p++)
      json_array_append_new(row, json_integer((json_int_t)mt->confusion[(size_t)k * mt->nclass + p]));
    json_array_append_new(cm, row);
  }
  json_object_set_new(o, "per_class", pc);
  json_object_set_new(o, "labels", labels);
  json_object_set_new(o, "confusion", cm);
  json_object_set_new(o, "train_seconds", json_real(res->train_seconds / res->folds_run));
  json_object_set_new(o, "feature_seconds", json_real(res->feature_seconds / res->folds_run));
  json_object_set_new(o, "predict_per_second",
                      json_real(res->n / (res->predict_seconds > 0 ? res->predict_seconds : 1e-9)));
  if (searches) json_object_set(o, "search", searches);
  char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
  puts(s);
  free(s);
  json_decref(o);
}

static int parse_num(const char *opt, const char *v, double lo, double hi, double *out) {
  char *end;
  double x = strtod(v, &end);
  if (!*v || *end || !(x >= lo && x <= hi)) {
    fprintf(stderr, "relais eval: %s must be a number from %g to %g (got '%s')\n", opt, lo, hi, v);
    return -1;
  }
  *out = x;
  return 0;
}

static void usage(void) {
  printf("usage: relais eval --data FILE.csv --text COL[,COL…] --label COL\n"
         "                   (--folds K | --test FILE.csv) [--seed N] [--json]\n"
         "                   [--C X] [--char-ngrams MIN-MAX|0] [--word-ngrams 1|2]\n"
         "                   [--min-df N] [--calibration-folds K] [--threads N]\n"
         "                   [--no-stem] [--no-stopwords] [--balanced]\n"
         "                   [--calibration matrix|vector|temperature]\n"
         "                   [--solver svc|svc-l1|svc-primal|lr|lr-primal]\n"
         "                   [--pair-weight W] [--char-weight W] [--head-words N]\n"
         "                   [--head-weight W] [--eps TOLERANCE]\n"
         "                   [--calibration-holdout] [--no-search]\n"
         "Trains the triage classifier on --data and measures it on --test, or by\n"
         "K-fold cross-validation of --data. Touches no database. Before each\n"
         "training, the settings are chosen by cross-validation of the training\n"
         "rows alone, as relais train does (stemming, stop words, bigram and\n"
         "head-word weights, character n-grams, class weights, C); an option that\n"
         "sets one of them holds it, --no-search keeps the defaults. Prints accuracy,\n"
         "macro-F1, per-class precision/recall/F1, the confusion matrix, precision\n"
         "at 100..50 %% coverage, the coverage reachable at 95 %% precision and the\n"
         "expected calibration error. Deterministic for a given --seed.\n");
}

/* The options parsed below, checked in this order (so that the first bad
 * one is the one reported): numbers, character n-grams, flags and
 * calibration, weights, solver. Each returns 0, or -1 after printing what
 * is wrong. */
static int parse_counts(const cli_opt_t *opts, ml_params_t *p, int *folds) {
  double v;
  const char *s;
  if ((s = cli_get(opts, "--folds"))) {
    if (parse_num("--folds", s, 2, 20, &v)) return -1;
    *folds = (int)v;
  }
  if ((s = cli_get(opts, "--seed"))) {
    if (parse_num("--seed", s, 0, 1e15, &v)) return -1;
    p->seed = (uint64_t)v;
  }
  if ((s = cli_get(opts, "--C")) && parse_num("--C", s, 1e-6, 1e6, &p->C)) return -1;
  if ((s = cli_get(opts, "--word-ngrams"))) {
    if (parse_num("--word-ngrams", s, 1, 2, &v)) return -1;
    p->feat.word_ngrams = (int)v;
  }
  if ((s = cli_get(opts, "--min-df"))) {
    if (parse_num("--min-df", s, 1, 1000, &v)) return -1;
    p->min_df = (int)v;
  }
  if ((s = cli_get(opts, "--calibration-folds"))) {
    if (parse_num("--calibration-folds", s, 2, 10, &v)) return -1;
    p->folds = p->calib_parts = (int)v;
  }
  if ((s = cli_get(opts, "--threads"))) {
    if (parse_num("--threads", s, 1, 16, &v)) return -1;
    p->threads = (int)v;
  }
  return 0;
}

static int parse_char_ngrams(const cli_opt_t *opts, ml_params_t *p) {
  const char *s = cli_get(opts, "--char-ngrams");
  if (!s) return 0;
  char *dash = NULL, *end = NULL;
  long a = strtol(s, &dash, 10), b = *dash == '-' ? strtol(dash + 1, &end, 10) : 0;
  if (strcmp(s, "0") == 0) {
    p->feat.char_min = p->feat.char_max = 0;
  } else if (dash != s && *dash == '-' && end && end != dash + 1 && !*end && a >= 1 && b >= a &&
             b <= 8) {
    p->feat.char_min = (int)a;
    p->feat.char_max = (int)b;
  } else {
    fprintf(stderr, "relais eval: --char-ngrams must be MIN-MAX (1..8) or 0\n");
    return -1;
  }
  return 0;
}

static int parse_flags(const cli_opt_t *opts, ml_params_t *p) {
  const char *s;
  if (cli_get(opts, "--no-stem")) p->feat.stem = 0;
  if (cli_get(opts, "--no-stopwords")) p->feat.stopwords = 0;
  if (cli_get(opts, "--balanced")) p->balanced = 1;
  if ((s = cli_get(opts, "--calibration"))) {
    if (strcmp(s, "matrix") == 0) p->calibration = ML_CALIB_MATRIX;
    else if (strcmp(s, "vector") == 0) p->calibration = ML_CALIB_VECTOR;
    else if (strcmp(s, "temperature") == 0) p->calibration = ML_CALIB_TEMPERATURE;
    else {
      fprintf(stderr, "relais eval: --calibration must be matrix, vector or temperature\n");
      return -1;
    }
  }
  if (cli_get(opts, "--calibration-holdout")) p->calib_parts = 1;
  return 0;
}

static int parse_weights(const cli_opt_t *opts, ml_params_t *p) {
  double v;
  const char *s;
  if ((s = cli_get(opts, "--pair-weight"))) {
    if (parse_num("--pair-weight", s, 0.01, 10, &v)) return -1;
    p->feat.pair_weight = (float)v;
  }
  if ((s = cli_get(opts, "--eps")) && parse_num("--eps", s, 1e-6, 1, &p->eps)) return -1;
  if ((s = cli_get(opts, "--head-words"))) {
    if (parse_num("--head-words", s, 0, 64, &v)) return -1;
    p->feat.head_tokens = (int)v;
  }
  if ((s = cli_get(opts, "--head-weight"))) {
    if (parse_num("--head-weight", s, 0, 10, &v)) return -1;
    p->feat.head_weight = (float)v;
  }
  if ((s = cli_get(opts, "--char-weight"))) {
    if (parse_num("--char-weight", s, 0.01, 10, &v)) return -1;
    p->feat.char_weight = (float)v;
  }
  return 0;
}

static int parse_solver(const cli_opt_t *opts, ml_params_t *p) {
  static const struct { const char *name; int solver; } solvers[] = {
      {"svc", 1 /* L2R_L2LOSS_SVC_DUAL */}, {"svc-l1", 3 /* L2R_L1LOSS_SVC_DUAL */},
      {"svc-primal", 2 /* L2R_L2LOSS_SVC */}, {"lr", 7 /* L2R_LR_DUAL */}, {"lr-primal", 0}};
  const char *s = cli_get(opts, "--solver");
  if (!s) return 0;
  for (size_t i = 0; i < sizeof solvers / sizeof *solvers; i++)
    if (strcmp(s, solvers[i].name) == 0) {
      p->solver = solvers[i].solver;
      return 0;
    }
  fprintf(stderr, "relais eval: --solver must be svc, svc-l1, svc-primal, lr or lr-primal\n");
  return -1;
}

/* The classifier's parameters from the options; -1 after printing why not. */
static int parse_params(const cli_opt_t *opts, ml_params_t *p, int *folds) {
  ml_params_defaults(p);
  *folds = 0;
  if (parse_counts(opts, p, folds) || parse_char_ngrams(opts, p) || parse_flags(opts, p) ||
      parse_weights(opts, p) || parse_solver(opts, p))
    return -1;
  const char *bad = ml_check_params(p);
  if (bad) {
    fprintf(stderr, "relais eval: %s\n", bad);
    return -1;
  }
  return 0;
}

/* Whether to search, and what the options hold. */
static ev_search_t search_opts(const cli_opt_t *opts) {
  ev_search_t se = {.on = !cli_get(opts, "--no-search"), .json = cli_get(opts, "--json") != NULL};
  static const struct { const char *opt; unsigned fix; } holds[] = {
      {"--no-stem", ML_FIX_STEM}, {"--no-stopwords", ML_FIX_STOPWORDS},
      {"--balanced", ML_FIX_BALANCED}, {"--C", ML_FIX_C}, {"--char-ngrams", ML_FIX_CHAR},
      {"--char-weight", ML_FIX_CHAR}, {"--pair-weight", ML_FIX_WEIGHTS},
      {"--head-words", ML_FIX_WEIGHTS}, {"--head-weight", ML_FIX_WEIGHTS}};
  for (size_t i = 0; i < sizeof holds / sizeof *holds; i++)
    if (cli_get(opts, holds[i].opt)) se.fixed |= holds[i].fix;
  if (se.on && se.json) se.runs = json_array();
  return se;
}

/* K-fold cross-validation of rows: a seeded shuffle dealt round-robin, each
 * fold tested by a model trained on the others. *ntrain: the training size
 * of the last fold. */
static int run_folds(text_ctx_t *ctx, const ml_params_t *p, const ev_search_t *se,
                     const cli_rows_t *rows, int folds,
                     ev_classes_t *cls, ev_result_t *res, size_t *ntrain) {
  size_t *idx = util_xmalloc((rows->n + 1) * sizeof *idx);
  size_t *tr = util_xmalloc((rows->n + 1) * sizeof *tr), *te = util_xmalloc((rows->n + 1) * sizeof *te);
  int rc = 0;
  for (size_t i = 0; i < rows->n; i++) idx[i] = i;
  uint64_t st = p->seed ^ 0x5eed;
  util_shuffle(idx, rows->n, &st);
  *ntrain = 0;
  for (int f = 0; f < folds && !rc; f++) {
    size_t ntr = 0, nte = 0;
    for (size_t i = 0; i < rows->n; i++) {
      if ((int)(i % (size_t)folds) == f) te[nte++] = idx[i];
      else tr[ntr++] = idx[i];
    }
    *ntrain = ntr;
    rc = run_one(ctx, p, se, rows, tr, ntr, rows, te, nte, cls, res);
  }
  free(tr);
  free(te);
  free(idx);
  return rc;
}

/* Trains on all of rows, tests on all of trows. */
static int run_test(text_ctx_t *ctx, const ml_params_t *p, const ev_search_t *se,
                    const cli_rows_t *rows,
                    const cli_rows_t *trows, ev_classes_t *cls, ev_result_t *res) {
  size_t *idx = util_xmalloc((rows->n + 1) * sizeof *idx);
  size_t *tidx = util_xmalloc((trows->n + 1) * sizeof *tidx);
  for (size_t i = 0; i < rows->n; i++) idx[i] = i;
  for (size_t i = 0; i < trows->n; i++) tidx[i] = i;
  int rc = run_one(ctx, p, se, rows, idx, rows->n, trows, tidx, trows->n, cls, res);
  free(idx);
  free(tidx);
  return rc;
}

/* The measures of res, printed as text or JSON. */
static void report(const ev_search_t *se, const ev_classes_t *cls, const ev_result_t *res,
                   const char *how, size_t ntrain) {
  ml_metrics_t mt;
  ml_metrics_compute(cls->n, res->n, res->truth, res->pred, res->conf, &mt);
  size_t taken = 0, good = 0;
  for (size_t i = 0; i < res->n; i++)
    if (res->auto_ok[i]) {
      taken++;
      good += res->truth[i] == res->pred[i];
    }
  double cov_auto = res->n ? (double)taken / (double)res->n : 0;
  double prec_auto = taken ? (double)good / (double)taken : 0;
  if (se->json) print_json(&mt, cls, res, cov_auto, prec_auto, how, ntrain, se->runs);
  else print_text(&mt, cls, res, cov_auto, prec_auto, how);
  ml_metrics_clear(&mt);
}

static void result_alloc(ev_result_t *res, size_t n) {
  res->truth = util_xmalloc((n + 1) * sizeof *res->truth);
  res->pred = util_xmalloc((n + 1) * sizeof *res->pred);
  res->conf = util_xmalloc((n + 1) * sizeof *res->conf);
  res->auto_ok = util_xmalloc((n + 1) * sizeof *res->auto_ok);
}

static void result_free(ev_result_t *res) {
  free(res->truth);
  free(res->pred);
  free(res->conf);
  free(res->auto_ok);
}

int cli_eval(int argc, char **argv) {
  cli_opt_t opts[] = {{"--data", 1, NULL},  {"--text", 1, NULL},  {"--label", 1, NULL},
                      {"--folds", 1, NULL}, {"--test", 1, NULL},  {"--seed", 1, NULL},
                      {"--json", 0, NULL},  {"--C", 1, NULL},     {"--char-ngrams", 1, NULL},
                      {"--word-ngrams", 1, NULL}, {"--min-df", 1, NULL},
                      {"--calibration-folds", 1, NULL}, {"--threads", 1, NULL},
                      {"--no-stem", 0, NULL}, {"--no-stopwords", 0, NULL},
                      {"--balanced", 0, NULL}, {"--calibration", 1, NULL},
                      {"--calibration-holdout", 0, NULL}, {"--solver", 1, NULL},
                      {"--pair-weight", 1, NULL}, {"--char-weight", 1, NULL},
                      {"--head-words", 1, NULL}, {"--head-weight", 1, NULL},
                      {"--eps", 1, NULL}, {"--no-search", 0, NULL},
                      {"--help", 0, NULL},  {NULL, 0, NULL}};
  int np = 0;
  if (cli_parse(argc, argv, opts, NULL, 0, &np)) return 2;
  const char *data = cli_get(opts, "--data"), *text = cli_get(opts, "--text"),
             *label = cli_get(opts, "--label"), *test = cli_get(opts, "--test");
  if (cli_get(opts, "--help") || !data || !text || !label || (!cli_get(opts, "--folds") == !test)) {
    usage();
    return cli_get(opts, "--help") ? 0 : 2;
  }
  ml_params_t p;
  int folds = 0;
  if (parse_params(opts, &p, &folds)) return 2;
  ev_search_t se = search_opts(opts);
  cli_rows_t rows = {0}, trows = {0};
  long skipped = 0;
  int rc = 1;
  text_ctx_t *ctx = text_ctx_new();
  ev_classes_t cls = {0};
  ev_result_t res = {0};
  size_t ntrain = 0;
  char how[256];
  if (!ctx) {
    fprintf(stderr, "relais eval: the Snowball stemmers are missing\n");
    goto out;
  }
  if (cli_rows_read(data, text, label, &rows, &skipped)) goto out;
  if (test && cli_rows_read(test, text, label, &trows, &skipped)) goto out;
  if (skipped) fprintf(stderr, "relais eval: %ld rows skipped (no label or unreadable)\n", skipped);
  result_alloc(&res, rows.n + trows.n);
  if (test) {
    snprintf(how, sizeof how, "trained on %s (%zu rows), tested on %s (%zu rows)", data, rows.n,
             test, trows.n);
    ntrain = rows.n;
    if (run_test(ctx, &p, &se, &rows, &trows, &cls, &res)) goto out;
  } else {
    if (rows.n < (size_t)folds * 4) {
      fprintf(stderr, "relais eval: %zu rows are too few for %d folds\n", rows.n, folds);
      goto out;
    }
    snprintf(how, sizeof how, "%d-fold cross-validation of %s (%zu rows, seed %llu)", folds, data,
             rows.n, (unsigned long long)p.seed);
    if (run_folds(ctx, &p, &se, &rows, folds, &cls, &res, &ntrain)) goto out;
  }
  report(&se, &cls, &res, how, ntrain);
  rc = 0;
out:
  for (int i = 0; i < cls.n; i++) free(cls.name[i]);
  free(cls.name);
  result_free(&res);
  cli_rows_free(&rows);
  cli_rows_free(&trows);
  text_ctx_free(&ctx);
  json_decref(se.runs);
  return rc;
}
