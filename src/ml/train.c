/* Training: the vectoriser's TF-IDF rows, LIBLINEAR fits, calibration and
 * thresholds, in phases (ml_train at the end of this file reads as the list).
 *
 * The rows are built once. The out-of-fold fits and the final fit share
 * them through LIBLINEAR's array of row pointers, and run as independent
 * jobs on a few threads (LIBLINEAR keeps no global state but its print
 * hook, which is silenced). The calibration temperature and the per-class
 * thresholds are fitted on out-of-fold scores only: a model is never
 * calibrated on documents it was trained on. The vocabulary and IDF are
 * computed on the whole set (they do not use the labels). */
#include <linear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml_int.h"

void ml_params_defaults(ml_params_t *p) {
  memset(p, 0, sizeof *p);
  p->solver = L2R_L2LOSS_SVC_DUAL;
  p->C = 0.3; /* 3-fold CV on the topic set's training part: 0.15-1 within 0.4 point */
  p->eps = 0.1;
  p->min_df = 2;
  p->folds = 3;
  p->threads = 2;
  p->target_precision = 0.95;
  p->seed = 1;
  p->calibration = ML_CALIB_MATRIX;
  p->calib_parts = p->folds;
  text_feat_defaults(&p->feat);
}

const char *ml_check_params(const ml_params_t *p) {
  if (p->solver != L2R_LR && p->solver != L2R_L2LOSS_SVC_DUAL && p->solver != L2R_L2LOSS_SVC &&
      p->solver != L2R_L1LOSS_SVC_DUAL && p->solver != MCSVM_CS && p->solver != L2R_LR_DUAL)
    return "solver must be a LIBLINEAR classification solver with L2 regularisation";
  if (!(p->C > 0) || p->C > 1e6) return "C must be in (0, 1e6]";
  if (!(p->eps > 0) || p->eps > 1) return "eps must be in (0, 1]";
  if (p->min_df < 1 || p->min_df > 1000) return "min_df must be 1..1000";
  if (p->folds < 2 || p->folds > 10) return "folds must be 2..10";
  if (p->calib_parts < 1 || p->calib_parts > p->folds)
    return "calibration parts must be 1..folds";
  if (p->threads < 1 || p->threads > 16) return "threads must be 1..16";
  if (!(p->target_precision > 0) || p->target_precision > 1)
    return "target precision must be in (0, 1]";
  if (p->feat.word_ngrams < 1 || p->feat.word_ngrams > 2) return "word n-grams must be 1 or 2";
  if (p->feat.char_min < 0 || p->feat.char_max > 8 ||
      (p->feat.char_min > 0 && p->feat.char_max < p->feat.char_min))
    return "character n-grams must satisfy 0 < min <= max <= 8, or min = 0";
  if (!(p->feat.pair_weight > 0) || p->feat.pair_weight > 10 || !(p->feat.char_weight > 0) ||
      p->feat.char_weight > 10)
    return "feature weights must be in (0, 10]";
  if (p->feat.head_tokens < 0 || p->feat.head_tokens > 64 || p->feat.head_weight < 0 ||
      p->feat.head_weight > 10)
    return "head words must be 0..64 with a weight in [0, 10]";
  return NULL;
}

void ml_quiet(const char *s) { (void)s; }

/* ---- rows ------------------------------------------------------------------ */

struct feature_node **ml_rows_build(const text_corpus_t *c, const text_vocab_t *v,
                                        struct feature_node **block) {
  struct feature_node **x = util_xmalloc((c->n ? c->n : 1) * sizeof(struct feature_node *));
  *block = util_xmalloc((c->start[c->n] + 2 * c->n + 1) * sizeof **block);
  struct feature_node *p = *block;
  uint32_t D = text_vocab_size(v);
  text_row_t row;
  text_row_init(&row);
  for (size_t i = 0; i < c->n; i++) {
    size_t a = c->start[i];
    text_vocab_transform_raw(v, c->hash + a, c->val + a, c->start[i + 1] - a, &row);
    x[i] = p;
    double scale = row.scale > 0 ? row.scale : 1.0;
    for (size_t e = 0; e < row.n; e++)
      *p++ = (struct feature_node){(int)row.idx[e] + 1, row.val[e] * scale};
    *p++ = (struct feature_node){(int)D + 1, 1.0};
    *p++ = (struct feature_node){-1, 0.0};
  }
  text_row_clear(&row);
  return x;
}

/* ---- parts ------------------------------------------------------------------ */

typedef struct {
  struct problem prob;      /* training rows of this part (y per job) */
  int *lab;                 /* their class indexes */
  size_t *held;             /* held-out document indexes (NULL: the final part) */
  size_t nheld;
} part_t;

/* Per-class threshold: the lowest confidence such that the predictions of
 * class k at or above it reach the target precision, measured on at least
 * ML_MIN_SUPPORT of them; ML_THRESHOLD_NEVER when no such point exists. */
#define ML_MIN_SUPPORT 10
/* A tiny class is only ever suggested: its precision, measured on a handful
 * of held-out tickets, says too little. It needs this many held-out
 * tickets of its own before anything of it is applied. */
#define ML_MIN_EVIDENCE 25

typedef struct {
  float conf;
  int ok;
} cp_t;

static int cmp_cp_desc(const void *a, const void *b) {
  float x = ((const cp_t *)a)->conf, y = ((const cp_t *)b)->conf;
  return x > y ? -1 : x < y;
}

float ml_model_threshold_for(const ml_model_t *m, int k, double target) {
  size_t n = 0, truth = 0;
  for (uint32_t i = 0; i < m->noof; i++) {
    n += m->oof_pred[i] == k;
    truth += m->oof_true[i] == k;
  }
  if (n < ML_MIN_SUPPORT || truth < ML_MIN_EVIDENCE) return ML_THRESHOLD_NEVER;
  cp_t *v = util_xmalloc(n * sizeof *v);
  n = 0;
  for (uint32_t i = 0; i < m->noof; i++)
    if (m->oof_pred[i] == k) v[n++] = (cp_t){m->oof_conf[i], m->oof_true[i] == k};
  qsort(v, n, sizeof *v, cmp_cp_desc);
  float t = ML_THRESHOLD_NEVER;
  size_t good = 0;
  for (size_t i = 0; i < n; i++) {
    good += (size_t)v[i].ok;
    /* only cut between distinct confidences */
    if (i + 1 < n && v[i + 1].conf == v[i].conf) continue;
    if (i + 1 >= ML_MIN_SUPPORT && (double)good >= target * (double)(i + 1)) t = v[i].conf;
  }
  free(v);
  return t;
}

/* ---- the phases of a training run -------------------------------------------- */

/* Everything one ml_train call builds; trainer_free releases what is set. */
typedef struct {
  const ml_trainset_t *ts;  /* borrowed */
  const ml_params_t *p;     /* borrowed */
  ml_model_t *m;            /* the model being built (owned until returned) */
  int K, fin;               /* classes; calibration parts (the final part's index) */
  struct feature_node *block, **x; /* [n] unit TF-IDF rows (vectorise) */
  size_t *perm;             /* [n] seeded shuffle: row r is in fold r % folds */
  part_t *parts;            /* [fin + 1] */
  ml_job_t *jobs;           /* [(fin + 1) × K]: one binary fit per part and class */
  int nj;
  double *cw;               /* [K] class weights */
  ml_pool_t pool;
  int pool_on;              /* 1 between ml_pool_start and ml_pool_finish */
  size_t noof;              /* held-out documents of the calibration parts */
  double *oof_scores;       /* [noof × K] their scores, part by part */
  int *oof_lab;             /* [noof] their classes */
  int *pred;                /* [noof] calibrated prediction */
  float *prob;              /* [noof × K] calibrated probabilities, when the caller wants them */
  double *conf;             /* [noof] its probability */
} trainer_t;

static int check_train(const ml_trainset_t *ts, const ml_params_t *p, char *err, size_t errlen) {
  const char *bad = ml_check_params(p);
  if (bad) {
    snprintf(err, errlen, "%s", bad);
    return UTIL_E_INVALID;
  }
  if (ts->nclass < 2) {
    snprintf(err, errlen, "training needs at least 2 classes (found %d)", ts->nclass);
    return UTIL_E_INVALID;
  }
  if (ts->docs.n < 2 * (size_t)p->folds) {
    snprintf(err, errlen, "training needs at least %d documents (found %zu)", 2 * p->folds,
             ts->docs.n);
    return UTIL_E_INVALID;
  }
  return 0;
}

/* The model's classes and vocabulary (fitted on every document: it does
 * not use the labels), and the rows of all documents, built once. */
static void vectorise(trainer_t *t) {
  const ml_trainset_t *ts = t->ts;
  ml_model_t *m = t->m = util_xcalloc(1, sizeof *t->m);
  m->nclass = t->K = ts->nclass;
  m->classes = util_xmalloc((size_t)ts->nclass * sizeof *m->classes);
  for (int k = 0; k < ts->nclass; k++) m->classes[k] = util_xstrdup(ts->classes[k]);
  m->vocab = text_vocab_fit(&ts->docs, t->p->min_df);
  m->nfeat = text_vocab_size(m->vocab);
  t->x = ml_rows_build(&ts->docs, m->vocab, &t->block);
}

/* Parts: the calibration fits (each leaves one fold out) and the final fit
 * on everything. The folds come from a seeded shuffle dealt round-robin. */
static void split_folds(trainer_t *t) {
  size_t n = t->ts->docs.n, folds = (size_t)t->p->folds;
  t->perm = util_xmalloc(n * sizeof *t->perm);
  for (size_t i = 0; i < n; i++) t->perm[i] = i;
  uint64_t rs = t->p->seed;
  util_shuffle(t->perm, n, &rs);
  t->fin = t->p->calib_parts;
  t->parts = util_xcalloc((size_t)t->fin + 1, sizeof *t->parts);
  for (int j = 0; j <= t->fin; j++) {
    part_t *pt = &t->parts[j];
    pt->prob.n = (int)t->m->nfeat + 1;
    pt->prob.bias = 1.0;
    pt->prob.x = util_xmalloc(n * sizeof(struct feature_node *));
    pt->lab = util_xmalloc(n * sizeof *pt->lab);
    if (j < t->fin) pt->held = util_xmalloc((n / folds + 1) * sizeof *pt->held);
    for (size_t r = 0; r < n; r++) {
      size_t i = t->perm[r];
      if (j < t->fin && r % folds == (size_t)j) {
        pt->held[pt->nheld++] = i;
      } else {
        pt->prob.x[pt->prob.l] = t->x[i];
        pt->lab[pt->prob.l++] = t->ts->label[i];
      }
    }
  }
  t->noof = 0;
  for (int j = 0; j < t->fin; j++) t->noof += t->parts[j].nheld;
}

/* One binary fit per part and class (what LIBLINEAR's one-vs-rest does
 * inside one call), so that all of them spread evenly over the threads.
 * With p->balanced each class weighs as much as the others in the loss,
 * whatever its size: weight n / (K · n_k). */
static void make_jobs(trainer_t *t) {
  static int plus_one = +1;
  int K = t->K;
  size_t n = t->ts->docs.n;
  t->cw = util_xmalloc((size_t)K * sizeof *t->cw);
  for (int k = 0; k < K; k++) t->cw[k] = 1.0;
  if (t->p->balanced) {
    double *cnt = util_xcalloc((size_t)K, sizeof *cnt);
    for (size_t i = 0; i < n; i++) cnt[t->ts->label[i]] += 1;
    for (int k = 0; k < K; k++) t->cw[k] = cnt[k] > 0 ? (double)n / ((double)K * cnt[k]) : 1.0;
    free(cnt);
  }
  t->nj = (t->fin + 1) * K;
  t->jobs = util_xcalloc((size_t)t->nj, sizeof *t->jobs);
  for (int j = 0; j <= t->fin; j++)
    for (int k = 0; k < K; k++) {
      ml_job_t *jb = &t->jobs[j * K + k];
      const part_t *pt = &t->parts[j];
      jb->prob = pt->prob;
      jb->prob.y = util_xmalloc(((size_t)pt->prob.l + 1) * sizeof *jb->prob.y);
      int pos = 0;
      for (int r = 0; r < pt->prob.l; r++) pos += (jb->prob.y[r] = pt->lab[r] == k ? +1 : -1) > 0;
      jb->skip = pos == 0 || pos == pt->prob.l; /* one-sided: nothing to learn */
      jb->param = (struct parameter){.solver_type = t->p->solver, .eps = t->p->eps, .C = t->p->C,
                                     .nr_weight = 1, .weight_label = &plus_one,
                                     .weight = &t->cw[k]};
      jb->seed = t->p->seed * 131 + (uint64_t)(j * K + k);
    }
}

/* Runs the calibration parts' fits; returns when they are done, while the
 * pool's workers go on with the final fits. */
static int fit_folds(trainer_t *t, char *err, size_t errlen) {
  int nfirst = t->fin * t->K;
  ml_pool_start(&t->pool, t->jobs, t->nj, nfirst, t->p->threads);
  t->pool_on = 1;
  ml_pool_help(&t->pool, nfirst);
  ml_pool_wait_first(&t->pool);
  return ml_jobs_failed(t->jobs, 0, nfirst, err, errlen);
}

/* Held-out scores → calibration map (temperature and biases; a full matrix
 * when there are enough held-out tickets per parameter). */
static void calibrate(trainer_t *t) {
  int K = t->K;
  size_t noof = t->noof, o = 0;
  ml_model_t *m = t->m;
  t->oof_scores = util_xmalloc((noof ? noof : 1) * (size_t)K * sizeof *t->oof_scores);
  t->oof_lab = util_xmalloc((noof ? noof : 1) * sizeof *t->oof_lab);
  for (int j = 0; j < t->fin; j++)
    for (size_t h = 0; h < t->parts[j].nheld; h++, o++) {
      size_t i = t->parts[j].held[h];
      t->oof_lab[o] = t->ts->label[i];
      for (int k = 0; k < K; k++)
        t->oof_scores[o * (size_t)K + (size_t)k] = ml_job_score(&t->jobs[j * K + k], t->x[i], m->nfeat);
    }
  m->cbias = util_xcalloc((size_t)K, sizeof *m->cbias);
  if (t->p->calibration == ML_CALIB_TEMPERATURE) {
    m->temperature = ml_fit_temperature(t->oof_scores, t->oof_lab, noof, K);
    return;
  }
  ml_fit_calibration(t->oof_scores, t->oof_lab, noof, K, &m->temperature, m->cbias);
  if (t->p->calibration != ML_CALIB_MATRIX || noof < (size_t)(ML_MATRIX_MIN_PER_PARAM * K * (K + 1)))
    return;
  m->cmat = util_xmalloc((size_t)K * (size_t)K * sizeof *m->cmat);
  float *nb = util_xmalloc((size_t)K * sizeof *nb);
  if (ml_fit_matrix(t->oof_scores, t->oof_lab, noof, K, 1.0 / m->temperature, m->cbias, m->cmat, nb)) {
    free(m->cmat);
    m->cmat = NULL;
  } else {
    memcpy(m->cbias, nb, (size_t)K * sizeof *nb);
  }
  free(nb);
}

/* Calibrated out-of-fold predictions, kept in the model, and each class's
 * threshold at the target precision. */
static void set_thresholds(trainer_t *t) {
  int K = t->K;
  size_t noof = t->noof;
  ml_model_t *m = t->m;
  m->noof = (uint32_t)noof;
  m->oof_true = util_xmalloc((noof ? noof : 1) * sizeof *m->oof_true);
  m->oof_pred = util_xmalloc((noof ? noof : 1) * sizeof *m->oof_pred);
  m->oof_conf = util_xmalloc((noof ? noof : 1) * sizeof *m->oof_conf);
  t->pred = util_xmalloc((noof ? noof : 1) * sizeof *t->pred);
  t->conf = util_xmalloc((noof ? noof : 1) * sizeof *t->conf);
  double *pr = util_xmalloc((size_t)K * sizeof *pr);
  for (size_t i = 0; i < noof; i++) {
    int b = ml_softmax(t->oof_scores + i * (size_t)K, K, m->temperature, m->cbias, m->cmat, pr);
    m->oof_true[i] = t->oof_lab[i];
    m->oof_pred[i] = t->pred[i] = b;
    m->oof_conf[i] = (float)(t->conf[i] = pr[b]);
    if (t->prob) /* calibrated, kept for the caller (ml_train_info_t.doc_prob) */
      for (int k = 0; k < K; k++) t->prob[i * (size_t)K + (size_t)k] = (float)pr[k];
  }
  free(pr);
  ml_model_finish(m);
  m->threshold = util_xmalloc((size_t)K * sizeof *m->threshold);
  for (int k = 0; k < K; k++) m->threshold[k] = ml_model_threshold_for(m, k, t->p->target_precision);
}

/* What the out-of-fold predictions measured, into info (see ml.h). */
static void report(const trainer_t *t, ml_train_info_t *info) {
  ml_metrics_t mt;
  ml_metrics_compute(t->K, t->noof, t->oof_lab, t->pred, t->conf, &mt);
  info->n = t->ts->docs.n;
  info->accuracy = mt.accuracy;
  info->macro_f1 = mt.macro_f1;
  info->ece = mt.ece;
  size_t covered = 0; /* with the per-class thresholds */
  double sum = 0;
  for (size_t i = 0; i < t->noof; i++) {
    covered += t->conf[i] + 1e-6 >= t->m->threshold[t->pred[i]];
    sum += t->conf[i];
  }
  info->mean_confidence = t->noof ? sum / (double)t->noof : 0;
  info->coverage_at_target = t->noof ? (double)covered / (double)t->noof : 0;
  size_t K = (size_t)t->K, n = t->ts->docs.n;
  if (info->doc_pred) for (size_t i = 0; i < n; i++) info->doc_pred[i] = -1;
  if (info->doc_prob) memset(info->doc_prob, 0, n * K * sizeof *info->doc_prob);
  size_t q = 0; /* the held-out documents, part by part, as oof_* hold them */
  for (int j = 0; j < t->fin; j++)
    for (size_t h = 0; h < t->parts[j].nheld; h++, q++) {
      size_t i = t->parts[j].held[h];
      if (info->doc_pred) info->doc_pred[i] = t->pred[q];
      if (info->doc_prob) memcpy(info->doc_prob + i * K, t->prob + q * K, K * sizeof *t->prob);
    }
  ml_metrics_clear(&mt);
}

/* Waits for the final fits and copies them into the model's layout: row
 * per feature, column per class. */
static int fit_final(trainer_t *t, char *err, size_t errlen) {
  ml_pool_finish(&t->pool);
  t->pool_on = 0;
  int K = t->K, rc = ml_jobs_failed(t->jobs, t->fin * K, t->nj, err, errlen);
  if (rc) return rc;
  ml_model_t *m = t->m;
  size_t D = m->nfeat;
  m->w = util_xcalloc((D ? D : 1) * (size_t)K, sizeof *m->w);
  m->bias = util_xcalloc((size_t)K, sizeof *m->bias);
  for (int k = 0; k < K; k++) {
    const ml_job_t *jb = &t->jobs[t->fin * K + k];
    if (jb->skip) { /* a class the final fit never saw cannot win; one that is all of it always does */
      m->bias[k] = jb->prob.y[0] > 0 ? 10.0f : -10.0f;
      continue;
    }
    double sign = jb->model->label[0] == +1 ? 1.0 : -1.0;
    for (size_t f = 0; f < D; f++) m->w[f * (size_t)K + (size_t)k] = (float)(sign * jb->model->w[f]);
    m->bias[k] = (float)(sign * jb->model->w[D]);
  }
  return 0;
}

static void trainer_free(trainer_t *t) {
  if (t->pool_on) ml_pool_finish(&t->pool); /* the workers still hold the jobs */
  for (int j = 0; t->jobs && j < t->nj; j++) {
    if (t->jobs[j].model) free_and_destroy_model(&t->jobs[j].model);
    free(t->jobs[j].prob.y);
  }
  for (int j = 0; t->parts && j <= t->fin; j++) {
    free(t->parts[j].prob.x);
    free(t->parts[j].lab);
    free(t->parts[j].held);
  }
  free(t->parts);
  free(t->jobs);
  free(t->cw);
  free(t->perm);
  free(t->x);
  free(t->block);
  free(t->oof_scores);
  free(t->oof_lab);
  free(t->pred);
  free(t->conf);
  free(t->prob);
  ml_model_free(&t->m);
}

int ml_train(const ml_trainset_t *ts, const ml_params_t *p, ml_model_t **out,
             ml_train_info_t *info, char *err, size_t errlen) {
  double t0 = util_monotonic();
  trainer_t t = {.ts = ts, .p = p};
  *out = NULL;
  int rc = check_train(ts, p, err, errlen);
  if (rc) goto out;
  set_print_string_function(ml_quiet);
  vectorise(&t);
  split_folds(&t);
  make_jobs(&t);
  rc = fit_folds(&t, err, errlen);
  if (rc) goto out;
  if (info && info->doc_prob) t.prob = util_xmalloc((t.noof ? t.noof : 1) * (size_t)t.K * sizeof *t.prob);
  calibrate(&t); /* while the workers fit the final model */
  set_thresholds(&t);
  if (info) report(&t, info);
  rc = fit_final(&t, err, errlen);
  if (rc) goto out;
  if (info) info->train_seconds = util_monotonic() - t0;
  *out = t.m;
  t.m = NULL;
out:
  trainer_free(&t);
  return rc;
}
