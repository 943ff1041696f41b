/* ml: multi-class linear text classifiers with calibrated probabilities,
 * per-class thresholds and explanations. LIBLINEAR solves on the TF-IDF
 * rows of text's vectoriser; this module calibrates on out-of-fold scores,
 * chooses thresholds, measures, explains, saves and loads.
 *
 * Shape (see STYLE.md §11): plain structs, ml_check_params returns a message
 * or NULL, models are saved with a magic number and a format version, and
 * destroy functions take ** and NULL it. A model is immutable once built:
 * any number of threads may predict with it, each with its own ml_scratch_t
 * and text_ctx_t. */
#ifndef RELAIS_ML_H
#define RELAIS_ML_H

#include <stddef.h>
#include <stdint.h>

#include "../text/text.h"
#include "../util/util.h"

typedef struct {
  int solver;             /* a LIBLINEAR solver type (default L2-loss SVC, dual) */
  double C;               /* regularisation */
  double eps;             /* solver tolerance */
  int min_df;             /* a feature must appear in this many documents */
  int folds;              /* folds of the out-of-fold scores used to calibrate (2..10) */
  int threads;            /* training threads for the folds (1..16) */
  double target_precision;/* default per-class precision target for thresholds */
  uint64_t seed;          /* fold assignment */
  int balanced;           /* 1: weigh classes by n / (K · n_k), for rare urgent classes */
  int calib_parts;        /* folds actually fitted for calibration: folds (every
                           * document held out once) or fewer (a faster holdout) */
  int calibration;        /* ML_CALIB_MATRIX (default), _VECTOR or _TEMPERATURE */
  text_feat_opts_t feat;  /* feature extraction */
} ml_params_t;

/* Calibration of the scores, fitted on out-of-fold scores: a full linear
 * map of the scores ("matrix scaling", the default, when there are at least
 * ML_MATRIX_MIN_PER_PARAM held-out tickets per parameter; vector scaling
 * otherwise), a temperature and a bias per class ("vector scaling"), or one
 * temperature. */
enum { ML_CALIB_MATRIX = 0, ML_CALIB_VECTOR = 1, ML_CALIB_TEMPERATURE = 2 };
#define ML_MATRIX_MIN_PER_PARAM 40

void ml_params_defaults(ml_params_t *p);
const char *ml_check_params(const ml_params_t *p); /* NULL when usable */

/* ---- training set ------------------------------------------------------ */

typedef struct ml_trainset ml_trainset_t;

/* Returns owned; free with ml_trainset_free. Features are extracted with
 * feat as documents are added. */
ml_trainset_t *ml_trainset_new(const text_feat_opts_t *feat);
void ml_trainset_free(ml_trainset_t **ts);

/* Adds one labelled document (text borrowed, analysed now). lang < 0:
 * identify. An empty label is refused with UTIL_E_INVALID. */
int ml_trainset_add(ml_trainset_t *ts, text_ctx_t *ctx, const char *text, size_t n,
                    int lang, const char *label);
size_t ml_trainset_size(const ml_trainset_t *ts);
/* Adds n documents (texts[i] with labels[i]; langs NULL to identify each
 * language) as n calls of ml_trainset_add would, in the same order, but
 * analysed on up to threads threads, each with its own stemmers. Documents
 * without a label are skipped; returns how many. */
int ml_trainset_add_many(ml_trainset_t *ts, size_t n, const char *const *texts,
                         const int *langs, const char *const *labels, int threads);

/* ---- model -------------------------------------------------------------- */

typedef struct ml_model ml_model_t;

#define ML_THRESHOLD_ALWAYS 0.0f  /* apply whatever the confidence */
#define ML_THRESHOLD_NEVER 2.0f   /* only ever suggest */

/* What the out-of-fold predictions of the training run measured. Zero it
 * before the call; doc_pred and doc_prob are the inputs: NULL, or room for
 * one class index per training document, which ml_train fills with that
 * document's out-of-fold prediction (-1 for a document no fold held out),
 * and for its calibrated out-of-fold probability of each class (row i of
 * K = the model's classes; zeros for a document no fold held out). */
typedef struct {
  size_t n;          /* training documents */
  double accuracy, macro_f1, ece, coverage_at_target;
  double mean_confidence; /* of the out-of-fold predictions (a baseline for drift) */
  double train_seconds;
  int *doc_pred;
  float *doc_prob;   /* [n × K] */
} ml_train_info_t;

/* Trains on ts: vocabulary and IDF, out-of-fold scores (p->folds models on
 * p->threads threads) to fit the calibration temperature and the per-class
 * thresholds at p->target_precision, then the final model on all of ts.
 * Returns 0 and an owned model (free with ml_model_free), or an error with
 * a message in err. Needs at least 2 classes and 2·folds documents. */
int ml_train(const ml_trainset_t *ts, const ml_params_t *p, ml_model_t **out,
             ml_train_info_t *info, char *err, size_t errlen);

void ml_model_free(ml_model_t **m);

int ml_model_nclass(const ml_model_t *m);
const char *ml_model_class(const ml_model_t *m, int k); /* borrowed */
int ml_model_class_index(const ml_model_t *m, const char *label); /* -1 if unknown */
size_t ml_model_nfeatures(const ml_model_t *m);
double ml_model_temperature(const ml_model_t *m);
const text_feat_opts_t *ml_model_feat_opts(const ml_model_t *m);
/* The model's vectoriser (vocabulary and IDF), borrowed: valid while m is. */
const text_vocab_t *ml_model_vocab(const ml_model_t *m);

/* Per-class probability threshold for automatic application. */
float ml_model_threshold(const ml_model_t *m, int k);
/* Recomputes class k's threshold for a target precision from the stored
 * out-of-fold predictions; returns the threshold (NEVER if unreachable). */
float ml_model_threshold_for(const ml_model_t *m, int k, double target);
/* Out-of-fold precision and coverage of class k at threshold t. */
void ml_model_class_stats(const ml_model_t *m, int k, float t, double *precision,
                          double *coverage, size_t *support);
/* The confusion matrix of the out-of-fold predictions the model keeps (the
 * ones its accuracy and per-class figures come from): out[t·K + p] counts
 * the held-out documents of class t predicted as p, K = ml_model_nclass(m).
 * out (borrowed) has room for K × K counts; it is overwritten. */
void ml_model_confusion(const ml_model_t *m, size_t *out);

/* ---- prediction ---------------------------------------------------------- */

/* Per-thread buffers for prediction. */
typedef struct {
  text_doc_t doc;
  text_feats_t feats;
  text_row_t row;     /* the TF-IDF row of feats, made by ml_predict* */
  double *scores;
  size_t cap;
} ml_scratch_t;

void ml_scratch_init(ml_scratch_t *s);
void ml_scratch_clear(ml_scratch_t *s);

/* Analyses text into s->doc and s->feats, and writes the calibrated
 * probability of each class into probs[nclass]. Returns the best class. */
int ml_predict(const ml_model_t *m, text_ctx_t *ctx, ml_scratch_t *s, const char *text,
               size_t n, int lang, double *probs);

/* The same on features already in s (s->doc and s->feats filled). */
int ml_predict_feats(const ml_model_t *m, ml_scratch_t *s, double *probs);

/* One word's share in a prediction. */
typedef struct {
  char word[TEXT_MAX_TOKEN + 1]; /* folded form, for matching */
  uint32_t off, len;             /* first occurrence in the original text */
  double weight;                 /* > 0 towards the class, < 0 against */
} ml_term_t;

/* After ml_predict on s: the words that pushed the score of class k up
 * (pos, strongest first) and down (neg, strongest first). Bigram weight is
 * shared between its two words, character n-gram weight goes to its word. */
void ml_explain(const ml_model_t *m, const ml_scratch_t *s, int k, ml_term_t *pos,
                size_t *npos, ml_term_t *neg, size_t *nneg, size_t max);

/* ---- choosing the settings ----------------------------------------------------
 * ml_search ranks a small grid of settings by K-fold cross-validation on
 * the training documents alone (see search.c): stemming, stop words, the
 * bigram and head-word weights, character n-grams, class weights and C. */

/* Dimensions of the grid a caller holds at the base parameters' value. */
enum {
  ML_FIX_STEM = 1, ML_FIX_STOPWORDS = 2, ML_FIX_WEIGHTS = 4, ML_FIX_CHAR = 8,
  ML_FIX_BALANCED = 16, ML_FIX_C = 32
};
#define ML_SEARCH_MAX_RUNGS 5

/* One setting of the grid and how it ranked. */
typedef struct {
  text_feat_opts_t feat;
  int balanced;
  double C;
  double macro_f1, accuracy; /* cross-validated on the last sample it reached */
  int rung;                  /* that sample's rung (0: the smallest) */
} ml_candidate_t;

typedef struct {
  ml_candidate_t *cand;      /* [ncand] the grid, defaults first (owned) */
  int ncand;
  int best;                  /* the chosen one */
  int rungs, folds;
  size_t rung_n[ML_SEARCH_MAX_RUNGS]; /* documents of each rung's sample */
  double seconds;
} ml_search_t;

/* Ranks the grid around base (its solver, eps, min_df, folds, threads,
 * seed; its own values for the fixed dimensions) on texts[i] labelled
 * labels[i] (langs NULL: identify each), all borrowed. Fills out (free
 * with ml_search_clear). Returns 0, or UTIL_E_INVALID with a message when
 * there are fewer than 2 classes or 4 × folds documents. Deterministic for
 * a seed, whatever the threads. */
int ml_search(size_t n, const char *const *texts, const int *langs, const char *const *labels,
              const ml_params_t *base, unsigned fixed, ml_search_t *out, char *err,
              size_t errlen);
/* Sets p's feature options, class weights and C to the chosen candidate's. */
void ml_search_apply(const ml_search_t *s, ml_params_t *p);
void ml_search_clear(ml_search_t *s);
/* One line for people: "stems, stop words dropped, bigrams x0.6, …".
 * Writes at most cap-1 bytes, NUL-terminated; returns the length. */
size_t ml_candidate_describe(const ml_candidate_t *c, char *out, size_t cap);

/* ---- persistence ----------------------------------------------------------- */

#define ML_MODEL_MAGIC 0x4D534C52u /* "RLSM" */
#define ML_MODEL_FORMAT 5 /* 5: little-endian whatever the host, the vectoriser's vocabulary inside */

/* Appends the model to out (binary, little-endian; layout in io.c).
 * Returns 0 or UTIL_E_TOOBIG when out's cap is reached. */
int ml_model_save(const ml_model_t *m, util_buf_t *out);
/* Returns 0 and an owned model, or UTIL_E_INVALID with a message when the
 * bytes are not a whole model of this format version (another version is
 * named in the message). data borrowed. */
int ml_model_load(const void *data, size_t n, ml_model_t **out, char *err, size_t errlen);

/* ---- metrics ---------------------------------------------------------------- */

/* Scores of a set of predictions against the truth. */
typedef struct {
  int nclass;
  size_t n;
  double accuracy, macro_f1, ece;
  double *precision, *recall, *f1; /* [nclass] */
  size_t *support;                 /* [nclass] true count */
  size_t *confusion;               /* [nclass × nclass], row = truth */
  double prec_at_cov[6];           /* precision at 100, 90, 80, 70, 60, 50 % coverage */
  double coverage_at_95;           /* largest coverage with precision ≥ 95 % */
} ml_metrics_t;

/* truth[i], pred[i] in 0..nclass-1, conf[i] the probability of pred[i].
 * Fills m (owned arrays; free with ml_metrics_clear). */
void ml_metrics_compute(int nclass, size_t n, const int *truth, const int *pred,
                        const double *conf, ml_metrics_t *m);
void ml_metrics_clear(ml_metrics_t *m);
/* Expected calibration error with nbins equal-width bins of confidence. */
double ml_ece(size_t n, const int *correct, const double *conf, int nbins);

/* ---- a small logistic regression (logistic.c) ------------------------------------
 * Fits P(y = 1 | x) = 1 / (1 + exp(-(w·x + w[d]))) on n rows of d dense
 * features (x row-major, n × d; y 0 or 1), L2-regularised with cost C
 * (LIBLINEAR, L2R_LR; the bias is a constant feature of 1, regularised
 * with the rest as LIBLINEAR does). w receives d weights then the bias. 0, or
 * UTIL_E_INVALID when the rows hold one class only, d is outside
 * 1..ML_LOGISTIC_MAX or the fit is not finite. Deterministic. */
#define ML_LOGISTIC_MAX 64
int ml_logistic_fit(size_t n, int d, const double *x, const int *y, double C, double *w);

#endif
