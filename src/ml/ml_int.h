/* ml: internals shared by its files. Not part of the interface. */
#ifndef RELAIS_ML_INT_H
#define RELAIS_ML_INT_H

#include "ml.h"

struct ml_trainset {
  text_feat_opts_t feat;
  size_t n, cap;         /* documents */
  size_t *start;         /* [n + 1]: each document's slice of the pool */
  int *label;            /* [n] class index */
  uint64_t *hash;        /* pool of features, sorted by hash within a document */
  float *val;
  size_t pool_n, pool_cap;
  char **classes;        /* class names, in order of first appearance */
  int nclass, class_cap;
  text_doc_t doc;        /* scratch */
  text_feats_t feats;
};

struct ml_model {
  text_feat_opts_t feat;
  int nclass;
  char **classes;        /* [nclass] */
  uint32_t nfeat;        /* D: features kept in the vocabulary */
  uint64_t *keys;        /* [D] feature hashes, ascending; index = position */
  uint64_t *tab_key;     /* open-addressing table hash → index, 0 = empty */
  uint32_t *tab_val;
  uint32_t tab_mask;
  float *idf;            /* [D] */
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

/* Seeds this thread's rand(), which LIBLINEAR's solvers draw from. */
void ml_rand_seed(uint64_t seed);

/* Computes what derives from the stored arrays (class priors). Call once
 * the out-of-fold arrays are set, after training or loading. */
void ml_model_finish(ml_model_t *m);

/* Builds the lookup table from keys (m->nfeat, m->keys set). */
void ml_model_index(ml_model_t *m);
/* Feature index of hash h, or -1. */
int64_t ml_model_lookup(const ml_model_t *m, uint64_t h);
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
