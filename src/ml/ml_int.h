/* ml: internals shared by its files. Not part of the interface. */
#ifndef RELAIS_ML_INT_H
#define RELAIS_ML_INT_H

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
