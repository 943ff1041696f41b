/* ml: internals shared by its files. Not part of the interface. */
#ifndef RELAIS_ML_INT_H
#define RELAIS_ML_INT_H

#include <linear.h>
#include <pthread.h>

#include "ml.h"

struct ml_trainset {
  text_corpus_t docs;    /* the documents as hashed features (docs.n of them) */
  int *label;            /* [docs.n] class index */
  size_t label_cap;
  char **classes;        /* class names, in order of first appearance */
  int nclass, class_cap;
};

struct ml_model {
  text_vocab_t *vocab;   /* features, IDF (owned) */
  int nclass;
  char **classes;        /* [nclass] */
  uint32_t nfeat;        /* D = text_vocab_size(vocab) */
  float *w;              /* [D × nclass], row j = feature j */
  float *bias;           /* [nclass] */
  double temperature;    /* probabilities = softmax(score / temperature + cbias) */
  float *cbias;          /* [nclass] calibration bias of each class */
  float *cmat;           /* [nclass × nclass] or NULL: probabilities =
                          * softmax(cmat · score + cbias) ("matrix scaling") */
  float *threshold;      /* [nclass] */
  float *prior;          /* [nclass] share of each class in the held-out labels */
  uint32_t noof;         /* out-of-fold predictions of the training run */
  int32_t *oof_true, *oof_pred;
  float *oof_conf;
};

/* ---- binary fits on a pool of threads (fit.c) ---------------------------- */

/* One binary (one-vs-rest) LIBLINEAR fit. */
typedef struct {
  struct problem prob;      /* the rows of its part; y is this job's own */
  struct parameter param;
  struct model *model;      /* result */
  uint64_t seed;            /* of this fit's rand() */
  int skip;                 /* the class is on one side only: no fit */
} ml_job_t;

/* The fits run on a pool of threads in two phases: the calibration parts'
 * fits (jobs [0, nfirst)), then the final part's. The caller calibrates as
 * soon as the first phase is done while the workers go on with the second,
 * then lends a hand. Each job has its own rand() seed, so who runs it does
 * not change its result. */
typedef struct {
  ml_job_t *jobs;
  int njobs, next;
  int nfirst, first_done;
  pthread_mutex_t mu;
  pthread_cond_t first;
  pthread_t th[16];
  int started;
} ml_pool_t;

/* Score of row x (LIBLINEAR layout, bias node D+1) for the class of job jb. */
double ml_job_score(const ml_job_t *jb, const struct feature_node *x, uint32_t D);
/* Starts threads - 1 workers on jobs[0, njobs) (borrowed until
 * ml_pool_finish), the first nfirst of them being the first phase. */
void ml_pool_start(ml_pool_t *pl, ml_job_t *jobs, int njobs, int nfirst, int threads);
/* The caller works on the jobs below limit; returns when none is left to
 * take (some may still be running on a worker). */
void ml_pool_help(ml_pool_t *pl, int limit);
/* Waits until every job of the first phase is done. */
void ml_pool_wait_first(ml_pool_t *pl);
/* Helps with what is left, joins the workers, releases the pool. */
void ml_pool_finish(ml_pool_t *pl);
/* UTIL_E_NOMEM with a message if a job of [from, to) failed, else 0. */
int ml_jobs_failed(const ml_job_t *jobs, int from, int to, char *err, size_t errlen);

/* One LIBLINEAR row per document of c: the vectoriser's unit TF-IDF row
 * with indexes 1..D, then the bias feature D+1 and the terminator. Returns
 * the row pointers (owned) into *block (owned); free both. */
struct feature_node **ml_rows_build(const text_corpus_t *c, const text_vocab_t *v,
                                    struct feature_node **block);
/* LIBLINEAR's print hook: silent. */
void ml_quiet(const char *s);

/* Seeds this thread's rand(), which LIBLINEAR's solvers draw from. */
void ml_rand_seed(uint64_t seed);

/* Computes what derives from the stored arrays (class priors). Call once
 * the out-of-fold arrays are set, after training or loading. */
void ml_model_finish(ml_model_t *m);

/* Softmax of scores / temperature + cbias (NULL: none) into probs; returns
 * the most probable class. */
int ml_softmax(const double *scores, int k, double temperature, const float *cbias,
               const float *cmat, double *probs);
/* Matrix scaling: softmax(W · score + b), W (k × k) and b fitted by L-BFGS on
 * the mean log-loss with a small ridge on W − a·I, from the vector-scaling
 * solution (a, b). Returns 0, or -1 if it did not improve on it. */
int ml_fit_matrix(const double *scores, const int *truth, size_t n, int k, double a,
                  const float *b0, float *cmat, float *cbias);
/* Fits the calibration (temperature and per-class bias) minimising the
 * log-loss of out-of-fold (scores, truth). cbias has k entries. */
void ml_fit_calibration(const double *scores, const int *truth, size_t n, int k,
                        double *temperature, float *cbias);
/* Fits the temperature minimising the log-loss of (scores, truth). */
double ml_fit_temperature(const double *scores, const int *truth, size_t n, int k);

#endif
