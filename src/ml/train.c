/* Training: vocabulary, TF-IDF rows, LIBLINEAR fits, calibration and
 * thresholds.
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
#include <pthread.h>
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

static void quiet(const char *s) { (void)s; }

/* ---- vocabulary ---------------------------------------------------------- */

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

static uint64_t nonzero(uint64_t h) { return h ? h : 1; } /* 0 marks an empty slot */

static void df_grow(df_table_t *t);

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

/* Keeps the features of at least min_df documents; sets keys, idf, table. */
static void build_vocab(const ml_trainset_t *ts, int min_df, ml_model_t *m) {
  df_table_t df;
  df_init(&df, ts->pool_n / 8);
  for (size_t i = 0; i < ts->pool_n; i++) df_add(&df, ts->hash[i]);
  size_t nk = 0;
  for (size_t i = 0; i <= df.mask; i++)
    if (df.key[i] && df.count[i] >= (uint32_t)min_df) nk++;
  m->keys = util_xmalloc((nk ? nk : 1) * sizeof *m->keys);
  nk = 0;
  for (size_t i = 0; i <= df.mask; i++)
    if (df.key[i] && df.count[i] >= (uint32_t)min_df) m->keys[nk++] = df.key[i];
  qsort(m->keys, nk, sizeof *m->keys, cmp_u64); /* deterministic indexes */
  m->nfeat = (uint32_t)nk;
  m->idf = util_xmalloc((nk ? nk : 1) * sizeof *m->idf);
  double N = (double)ts->n;
  for (size_t j = 0; j < nk; j++)
    m->idf[j] = (float)(log((1.0 + N) / (1.0 + df_get(&df, m->keys[j]))) + 1.0);
  df_free(&df);
  ml_model_index(m);
}

/* ---- rows ------------------------------------------------------------------ */

static int cmp_node(const void *a, const void *b) {
  return ((const struct feature_node *)a)->index - ((const struct feature_node *)b)->index;
}

/* One LIBLINEAR row per document: TF-IDF, L2-normalised, indexes 1..D,
 * then the bias feature D+1 and the terminator. *block is owned. */
static struct feature_node **build_rows(const ml_trainset_t *ts, const ml_model_t *m,
                                        struct feature_node **block) {
  struct feature_node **x = util_xmalloc(ts->n * sizeof *x);
  *block = util_xmalloc((ts->pool_n + 2 * ts->n) * sizeof **block);
  struct feature_node *p = *block;
  for (size_t i = 0; i < ts->n; i++) {
    x[i] = p;
    double norm = 0;
    for (size_t f = ts->start[i]; f < ts->start[i + 1]; f++) {
      int64_t j = ml_model_lookup(m, ts->hash[f]);
      if (j < 0) continue;
      double v = ts->val[f] * m->idf[j];
      *p++ = (struct feature_node){(int)j + 1, v};
      norm += v * v;
    }
    /* Document features come sorted by hash and indexes follow the sorted
     * keys, so the row is nearly always in order already. */
    for (struct feature_node *q = x[i] + 1; q < p; q++)
      if (q[-1].index > q->index) {
        qsort(x[i], (size_t)(p - x[i]), sizeof *p, cmp_node);
        break;
      }
    if (norm > 0) {
      norm = 1.0 / sqrt(norm);
      for (struct feature_node *q = x[i]; q < p; q++) q->value *= norm;
    }
    *p++ = (struct feature_node){(int)m->nfeat + 1, 1.0};
    *p++ = (struct feature_node){-1, 0.0};
  }
  return x;
}

/* ---- jobs -------------------------------------------------------------------- */

typedef struct {
  struct problem prob;      /* the rows of its part; y is this job's own */
  struct parameter param;
  struct model *model;      /* result */
  uint64_t seed;            /* of this fit's rand() */
  int skip;                 /* the class is on one side only: no fit */
} job_t;

typedef struct {
  struct problem prob;      /* training rows of this part (y per job) */
  int *lab;                 /* their class indexes */
  size_t *held;             /* held-out document indexes (NULL: the final part) */
  size_t nheld;
} part_t;

/* Score of row x for the class of binary job jb (one-vs-rest). */
static double binary_score(const job_t *jb, const struct feature_node *x, uint32_t D) {
  if (jb->skip) return jb->prob.y[0] > 0 ? 10.0 : -10.0;
  const double *w = jb->model->w;
  double s = 0;
  for (; x->index > 0; x++) s += w[x->index - 1] * x->value; /* the bias node is index D+1 */
  (void)D;
  return jb->model->label[0] == +1 ? s : -s;
}

/* The fits run on a pool of threads in two phases: the calibration parts'
 * fits (jobs [0, nfirst)), then the final part's. The caller calibrates as
 * soon as the first phase is done while the workers go on with the second,
 * then lends a hand. Each job has its own rand() seed, so who runs it does
 * not change its result. */
typedef struct {
  job_t *jobs;
  int njobs, next;
  int nfirst, first_done;
  pthread_mutex_t mu;
  pthread_cond_t first;
  pthread_t th[16];
  int started;
} pool_t;

/* The next job below limit, or -1. */
static int pool_take(pool_t *pl, int limit) {
  pthread_mutex_lock(&pl->mu);
  int j = pl->next < limit ? pl->next++ : -1;
  pthread_mutex_unlock(&pl->mu);
  return j;
}

static void pool_run(pool_t *pl, int j) {
  job_t *jb = &pl->jobs[j];
  if (!jb->skip) {
    ml_rand_seed(jb->seed);
    jb->model = train(&jb->prob, &jb->param);
  }
  if (j < pl->nfirst) {
    pthread_mutex_lock(&pl->mu);
    if (++pl->first_done == pl->nfirst) pthread_cond_broadcast(&pl->first);
    pthread_mutex_unlock(&pl->mu);
  }
}

static void *pool_worker(void *arg) {
  pool_t *pl = arg;
  for (int j; (j = pool_take(pl, pl->njobs)) >= 0;) pool_run(pl, j);
  return NULL;
}

static void pool_start(pool_t *pl, job_t *jobs, int njobs, int nfirst, int threads) {
  *pl = (pool_t){.jobs = jobs, .njobs = njobs, .nfirst = nfirst};
  pthread_mutex_init(&pl->mu, NULL);
  pthread_cond_init(&pl->first, NULL);
  if (threads > njobs) threads = njobs;
  if (threads > 16) threads = 16;
  for (int t = 1; t < threads; t++)
    if (pthread_create(&pl->th[pl->started], NULL, pool_worker, pl) == 0) pl->started++;
}

/* The caller works on the jobs below limit; returns when none is left to
 * take (some may still be running on a worker). */
static void pool_help(pool_t *pl, int limit) {
  for (int j; (j = pool_take(pl, limit)) >= 0;) pool_run(pl, j);
}

static void pool_wait_first(pool_t *pl) {
  pthread_mutex_lock(&pl->mu);
  while (pl->first_done < pl->nfirst) pthread_cond_wait(&pl->first, &pl->mu);
  pthread_mutex_unlock(&pl->mu);
}

static void pool_finish(pool_t *pl) {
  pool_help(pl, pl->njobs);
  for (int t = 0; t < pl->started; t++) pthread_join(pl->th[t], NULL);
  pthread_cond_destroy(&pl->first);
  pthread_mutex_destroy(&pl->mu);
}

static int jobs_failed(const job_t *jobs, int from, int to, char *err, size_t errlen) {
  for (int j = from; j < to; j++)
    if (!jobs[j].skip && !jobs[j].model) {
      snprintf(err, errlen, "the solver failed (out of memory?)");
      return UTIL_E_NOMEM;
    }
  return 0;
}

/* Per-class threshold: the lowest confidence such that the predictions of
 * class k at or above it reach the target precision, measured on at least
 * ML_MIN_SUPPORT of them; ML_THRESHOLD_NEVER when no such point exists. */
#define ML_MIN_SUPPORT 10

typedef struct {
  float conf;
  int ok;
} cp_t;

static int cmp_cp_desc(const void *a, const void *b) {
  float x = ((const cp_t *)a)->conf, y = ((const cp_t *)b)->conf;
  return x > y ? -1 : x < y;
}

float ml_model_threshold_for(const ml_model_t *m, int k, double target) {
  size_t n = 0;
  for (uint32_t i = 0; i < m->noof; i++) n += m->oof_pred[i] == k;
  if (n < ML_MIN_SUPPORT) return ML_THRESHOLD_NEVER;
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

int ml_train(const ml_trainset_t *ts, const ml_params_t *p, ml_model_t **out,
             ml_train_info_t *info, char *err, size_t errlen) {
  double t0 = util_monotonic();
  *out = NULL;
  const char *bad = ml_check_params(p);
  if (bad) {
    snprintf(err, errlen, "%s", bad);
    return UTIL_E_INVALID;
  }
  if (ts->nclass < 2) {
    snprintf(err, errlen, "training needs at least 2 classes (found %d)", ts->nclass);
    return UTIL_E_INVALID;
  }
  if (ts->n < (size_t)(2 * p->folds)) {
    snprintf(err, errlen, "training needs at least %d documents (found %zu)", 2 * p->folds, ts->n);
    return UTIL_E_INVALID;
  }
  set_print_string_function(quiet);
  ml_model_t *m = util_xcalloc(1, sizeof *m);
  m->feat = ts->feat;
  m->nclass = ts->nclass;
  m->classes = util_xmalloc((size_t)ts->nclass * sizeof *m->classes);
  for (int k = 0; k < ts->nclass; k++) m->classes[k] = util_xstrdup(ts->classes[k]);
  build_vocab(ts, p->min_df, m);
  struct feature_node *block = NULL;
  struct feature_node **x = build_rows(ts, m, &block);

  /* fold of each document: a seeded shuffle dealt round-robin */
  size_t *perm = util_xmalloc(ts->n * sizeof *perm);
  for (size_t i = 0; i < ts->n; i++) perm[i] = i;
  uint64_t rs = p->seed;
  util_shuffle(perm, ts->n, &rs);
  /* Parts: the calibration fits (each leaves one fold out) and the final fit
   * on everything. Each part is split into one binary fit per class (what
   * LIBLINEAR's one-vs-rest does inside one call), so that all of them
   * spread evenly over the threads. */
  int nparts = p->calib_parts + 1, K = m->nclass, fin = p->calib_parts;
  part_t *parts = util_xcalloc((size_t)nparts, sizeof *parts);
  for (int j = 0; j < nparts; j++) {
    part_t *pt = &parts[j];
    pt->prob.n = (int)m->nfeat + 1;
    pt->prob.bias = 1.0;
    pt->prob.x = util_xmalloc(ts->n * sizeof *pt->prob.x);
    pt->lab = util_xmalloc(ts->n * sizeof *pt->lab);
    if (j < fin) pt->held = util_xmalloc((ts->n / (size_t)p->folds + 1) * sizeof *pt->held);
    for (size_t r = 0; r < ts->n; r++) {
      size_t i = perm[r];
      if (j < fin && (int)(r % (size_t)p->folds) == j) {
        pt->held[pt->nheld++] = i;
      } else {
        pt->prob.x[pt->prob.l] = x[i];
        pt->lab[pt->prob.l++] = ts->label[i];
      }
    }
  }
  int nj = nparts * K;
  job_t *jobs = util_xcalloc((size_t)nj, sizeof *jobs);
  double *cw = util_xmalloc((size_t)K * sizeof *cw);
  for (int k = 0; k < K; k++) cw[k] = 1.0;
  if (p->balanced) {
    /* each class weighs as much as the others in the loss, whatever its size */
    double *cnt = util_xcalloc((size_t)K, sizeof *cnt);
    for (size_t i = 0; i < ts->n; i++) cnt[ts->label[i]] += 1;
    for (int k = 0; k < K; k++) cw[k] = cnt[k] > 0 ? (double)ts->n / ((double)K * cnt[k]) : 1.0;
    free(cnt);
  }
  static int plus_one = +1;
  for (int j = 0; j < nparts; j++)
    for (int k = 0; k < K; k++) {
      job_t *jb = &jobs[j * K + k];
      const part_t *pt = &parts[j];
      jb->prob = pt->prob;
      jb->prob.y = util_xmalloc(((size_t)pt->prob.l + 1) * sizeof *jb->prob.y);
      int pos = 0;
      for (int r = 0; r < pt->prob.l; r++) pos += (jb->prob.y[r] = pt->lab[r] == k ? +1 : -1) > 0;
      jb->skip = pos == 0 || pos == pt->prob.l; /* one-sided: nothing to learn */
      jb->param = (struct parameter){.solver_type = p->solver, .eps = p->eps, .C = p->C,
                                     .nr_weight = 1, .weight_label = &plus_one,
                                     .weight = &cw[k]};
      jb->seed = p->seed * 131 + (uint64_t)(j * K + k);
    }
  pool_t pool;
  pool_start(&pool, jobs, nj, fin * K, p->threads);
  pool_help(&pool, fin * K);
  pool_wait_first(&pool); /* the workers go on with the final fits meanwhile */
  int rc = jobs_failed(jobs, 0, fin * K, err, errlen);
  double *oof_scores = NULL;
  size_t noof = 0;
  for (int j = 0; j < fin; j++) noof += parts[j].nheld;
  if (!rc) {
    /* held-out scores → calibration → probabilities → thresholds */
    oof_scores = util_xmalloc((noof ? noof : 1) * (size_t)K * sizeof *oof_scores);
    int *oof_lab = util_xmalloc((noof ? noof : 1) * sizeof *oof_lab);
    size_t o = 0;
    for (int j = 0; j < fin; j++)
      for (size_t h = 0; h < parts[j].nheld; h++, o++) {
        size_t i = parts[j].held[h];
        oof_lab[o] = ts->label[i];
        for (int k = 0; k < K; k++)
          oof_scores[o * (size_t)K + (size_t)k] = binary_score(&jobs[j * K + k], x[i], m->nfeat);
      }
    m->cbias = util_xcalloc((size_t)K, sizeof *m->cbias);
    if (p->calibration == ML_CALIB_TEMPERATURE) {
      m->temperature = ml_fit_temperature(oof_scores, oof_lab, noof, K);
    } else {
      ml_fit_calibration(oof_scores, oof_lab, noof, K, &m->temperature, m->cbias);
      /* a full matrix needs enough held-out tickets per parameter */
      if (p->calibration == ML_CALIB_MATRIX && noof >= (size_t)(ML_MATRIX_MIN_PER_PARAM * K * (K + 1))) {
        m->cmat = util_xmalloc((size_t)K * (size_t)K * sizeof *m->cmat);
        float *nb = util_xmalloc((size_t)K * sizeof *nb);
        if (ml_fit_matrix(oof_scores, oof_lab, noof, K, 1.0 / m->temperature, m->cbias, m->cmat, nb)) {
          free(m->cmat);
          m->cmat = NULL;
        } else {
          memcpy(m->cbias, nb, (size_t)K * sizeof *nb);
        }
        free(nb);
      }
    }
    m->noof = (uint32_t)noof;
    m->oof_true = util_xmalloc((noof ? noof : 1) * sizeof *m->oof_true);
    m->oof_pred = util_xmalloc((noof ? noof : 1) * sizeof *m->oof_pred);
    m->oof_conf = util_xmalloc((noof ? noof : 1) * sizeof *m->oof_conf);
    double *pr = util_xmalloc((size_t)K * sizeof *pr);
    int *pred = util_xmalloc((noof ? noof : 1) * sizeof *pred);
    double *conf = util_xmalloc((noof ? noof : 1) * sizeof *conf);
    for (size_t i = 0; i < noof; i++) {
      int b = ml_softmax(oof_scores + i * (size_t)K, K, m->temperature, m->cbias, m->cmat, pr);
      m->oof_true[i] = oof_lab[i];
      m->oof_pred[i] = pred[i] = b;
      m->oof_conf[i] = (float)(conf[i] = pr[b]);
    }
    ml_model_finish(m);
    m->threshold = util_xmalloc((size_t)K * sizeof *m->threshold);
    for (int k = 0; k < K; k++) m->threshold[k] = ml_model_threshold_for(m, k, p->target_precision);
    if (info) {
      ml_metrics_t mt;
      ml_metrics_compute(K, noof, oof_lab, pred, conf, &mt);
      info->n = ts->n;
      info->accuracy = mt.accuracy;
      info->macro_f1 = mt.macro_f1;
      info->ece = mt.ece;
      /* coverage with the per-class thresholds */
      size_t covered = 0;
      for (size_t i = 0; i < noof; i++) covered += conf[i] + 1e-6 >= m->threshold[pred[i]];
      info->coverage_at_target = noof ? (double)covered / (double)noof : 0;
      if (info->doc_pred) {
        for (size_t i = 0; i < ts->n; i++) info->doc_pred[i] = -1;
        size_t q = 0;
        for (int j = 0; j < fin; j++)
          for (size_t h = 0; h < parts[j].nheld; h++) info->doc_pred[parts[j].held[h]] = pred[q++];
      }
      ml_metrics_clear(&mt);
    }
    free(pr);
    free(pred);
    free(conf);
    free(oof_lab);
  }
  pool_finish(&pool);
  if (!rc) rc = jobs_failed(jobs, fin * K, nj, err, errlen);
  if (!rc) {
    /* the final model, in our layout: row per feature, column per class */
    size_t D = m->nfeat;
    m->w = util_xcalloc((D ? D : 1) * (size_t)K, sizeof *m->w);
    m->bias = util_xcalloc((size_t)K, sizeof *m->bias);
    for (int k = 0; k < K; k++) {
      const job_t *jb = &jobs[fin * K + k];
      if (jb->skip) { /* a class the final fit never saw cannot win; one that is all of it always does */
        m->bias[k] = jb->prob.y[0] > 0 ? 10.0f : -10.0f;
        continue;
      }
      double sign = jb->model->label[0] == +1 ? 1.0 : -1.0;
      for (size_t f = 0; f < D; f++) m->w[f * (size_t)K + (size_t)k] = (float)(sign * jb->model->w[f]);
      m->bias[k] = (float)(sign * jb->model->w[D]);
    }
  }
  for (int j = 0; j < nj; j++) {
    if (jobs[j].model) free_and_destroy_model(&jobs[j].model);
    free(jobs[j].prob.y);
  }
  for (int j = 0; j < nparts; j++) {
    free(parts[j].prob.x);
    free(parts[j].lab);
    free(parts[j].held);
  }
  free(parts);
  free(cw);
  free(jobs);
  free(perm);
  free(x);
  free(block);
  free(oof_scores);
  if (rc) {
    ml_model_free(&m);
    return rc;
  }
  if (info) info->train_seconds = util_monotonic() - t0;
  *out = m;
  return 0;
}
