/* Unit tests of src/ml: training, calibrated prediction, thresholds,
 * explanations, save/load with format checks, metrics against values
 * worked out by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ml/ml_int.h"

static text_ctx_t *ctx;
static ml_model_t *model; /* trained once in setup */

static const char *const vocab[3][6] = {
    {"printer", "toner", "paper", "jam", "tray", "cartridge"},
    {"vpn", "tunnel", "gateway", "anyconnect", "remote", "disconnect"},
    {"password", "reset", "locked", "account", "expired", "login"}};
static const char *const labels[3] = {"Printing", "Network", "Access"};
static const char *const noise[] = {"today", "office", "urgent", "again", "morning", "team",
                                    "laptop", "screen"};

static uint64_t rng = 42;
static unsigned rnd(unsigned n) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (unsigned)((rng >> 33) % n);
}

/* A ticket of class c: three of its words, two noise words, and with
 * probability 1/5 one word of another class, so the classes overlap. */
static void make_doc(int c, char *out, size_t cap) {
  snprintf(out, cap, "%s %s %s %s %s", vocab[c][rnd(6)], noise[rnd(8)], vocab[c][rnd(6)],
           noise[rnd(8)], vocab[c][rnd(6)]);
  if (rnd(5) == 0) {
    size_t l = strlen(out);
    snprintf(out + l, cap - l, " %s", vocab[(c + 1 + (int)rnd(2)) % 3][rnd(6)]);
  }
}

static ml_train_info_t train_info;
static int doc_pred[600];
static float doc_prob[600 * 3];

static int setup(void **state) {
  ctx = text_ctx_new();
  ml_params_t p;
  ml_params_defaults(&p);
  ml_trainset_t *ts = ml_trainset_new(&p.feat);
  char doc[256];
  for (int i = 0; i < 600; i++) {
    make_doc(i % 3, doc, sizeof doc);
    ml_trainset_add(ts, ctx, doc, strlen(doc), TEXT_LANG_EN, labels[i % 3]);
  }
  train_info = (ml_train_info_t){.doc_pred = doc_pred, .doc_prob = doc_prob};
  char err[200];
  int rc = ml_train(ts, &p, &model, &train_info, err, sizeof err);
  ml_trainset_free(&ts);
  if (rc) fprintf(stderr, "training failed: %s\n", err);
  return rc;
}

static int teardown(void **state) {
  ml_model_free(&model);
  text_ctx_free(&ctx);
  return 0;
}

/* Every training document was held out by one fold (calibration uses all
 * folds), and the accuracy of those predictions is the one reported. */
static void out_of_fold_prediction_of_each_document(void **state) {
  size_t good = 0;
  for (int i = 0; i < 600; i++) {
    assert_true(doc_pred[i] >= 0 && doc_pred[i] < 3);
    good += strcmp(ml_model_class(model, doc_pred[i]), labels[i % 3]) == 0;
  }
  assert_int_equal(train_info.n, 600);
  assert_true(fabs((double)good / 600 - train_info.accuracy) < 1e-12);
  assert_true(train_info.accuracy > 0.8);
  /* each document's calibrated out-of-fold probabilities: a distribution
   * whose most probable class is its prediction */
  for (int i = 0; i < 600; i++) {
    const float *p = doc_prob + i * 3;
    assert_true(fabs((double)p[0] + p[1] + p[2] - 1.0) < 1e-4);
    int b = p[1] > p[0] ? 1 : 0;
    b = p[2] > p[b] ? 2 : b;
    assert_int_equal(b, doc_pred[i]);
  }
}

/* The confusion matrix is the one of those held-out predictions: it sums
 * to the documents, its diagonal gives the accuracy, its rows the classes'
 * support, and each cell is what doc_pred says, counted by hand. */
static void confusion_of_the_held_out_predictions(void **state) {
  size_t cm[9], want[9] = {0}, total = 0, diag = 0;
  ml_model_confusion(model, cm);
  for (int i = 0; i < 600; i++)
    want[ml_model_class_index(model, labels[i % 3]) * 3 + doc_pred[i]]++;
  for (int t = 0; t < 3; t++) {
    size_t row = 0, sup;
    double prec, cov;
    for (int p = 0; p < 3; p++) {
      assert_int_equal(cm[t * 3 + p], want[t * 3 + p]);
      row += cm[t * 3 + p];
    }
    ml_model_class_stats(model, t, 0.0f, &prec, &cov, &sup);
    assert_int_equal(row, sup);
    total += row;
    diag += cm[t * 3 + t];
  }
  assert_int_equal(total, 600);
  assert_true(fabs((double)diag / 600 - train_info.accuracy) < 1e-12);
}

static void predicts_and_calibrates(void **state) {
  assert_int_equal(ml_model_nclass(model), 3);
  assert_true(ml_model_temperature(model) > 0);
  ml_scratch_t s;
  ml_scratch_init(&s);
  double p[3];
  const char *t = "The printer says paper jam in tray 2";
  int k = ml_predict(model, ctx, &s, t, strlen(t), -1, p);
  assert_string_equal(ml_model_class(model, k), "Printing");
  assert_true(fabs(p[0] + p[1] + p[2] - 1.0) < 1e-9);
  assert_true(p[k] > 0.5);
  /* a text with no known word gives the class shares, not a guess */
  k = ml_predict(model, ctx, &s, "\xff\xfe zzz", 6, -1, p);
  assert_true(k >= 0 && k < 3);
  for (int c = 0; c < 3; c++) assert_true(fabs(p[c] - 1.0 / 3) < 0.01); /* balanced set */
  /* on held-out tickets, calibration error stays small */
  rng = 7;
  int truth[900], pred[900];
  double conf[900];
  char doc[256];
  for (int i = 0; i < 900; i++) {
    truth[i] = i % 3;
    make_doc(truth[i], doc, sizeof doc);
    int b = ml_predict(model, ctx, &s, doc, strlen(doc), -1, p);
    pred[i] = ml_model_class_index(model, labels[truth[i]]) == b ? truth[i] : (truth[i] + 1) % 3;
    conf[i] = p[b];
  }
  ml_metrics_t m;
  ml_metrics_compute(3, 900, truth, pred, conf, &m);
  assert_true(m.accuracy > 0.9);
  assert_true(m.ece < 0.08);
  ml_metrics_clear(&m);
  ml_scratch_clear(&s);
}

static void thresholds_meet_their_target(void **state) {
  for (int k = 0; k < 3; k++) {
    float t = ml_model_threshold(model, k);
    double prec, cov;
    size_t sup;
    if (t > 1.0f) continue; /* never: allowed, but then nothing to check */
    ml_model_class_stats(model, k, t, &prec, &cov, &sup);
    assert_true(prec >= 0.95);
    assert_int_equal(sup, 200);
    /* a stricter target never lowers the threshold */
    assert_true(ml_model_threshold_for(model, k, 0.99) >= t);
  }
  assert_true(ml_model_threshold_for(model, 0, 1.0) >= ml_model_threshold_for(model, 0, 0.5));
}

/* A class of 15 tickets with a word of its own is predicted right every
 * time, but 15 held-out tickets are too few to trust: it gets no
 * threshold (only suggested), while the large classes keep theirs. */
static void a_tiny_class_is_only_suggested(void **state) {
  ml_params_t p;
  ml_params_defaults(&p);
  ml_trainset_t *ts = ml_trainset_new(&p.feat);
  char doc[256];
  for (int i = 0; i < 615; i++) {
    if (i < 15) snprintf(doc, sizeof doc, "badge reader broken at the entrance %d", i);
    else make_doc(i % 3, doc, sizeof doc);
    ml_trainset_add(ts, ctx, doc, strlen(doc), TEXT_LANG_EN, i < 15 ? "Badges" : labels[i % 3]);
  }
  ml_model_t *m = NULL;
  char err[200];
  assert_int_equal(ml_train(ts, &p, &m, NULL, err, sizeof err), 0);
  int b = ml_model_class_index(m, "Badges");
  assert_true(b >= 0);
  double prec, cov;
  size_t sup;
  ml_model_class_stats(m, b, 0.0f, &prec, &cov, &sup);
  assert_int_equal(sup, 15);
  assert_true(prec > 0.9); /* right, but on too few */
  assert_true(ml_model_threshold(m, b) > 1.0f);
  assert_true(ml_model_threshold_for(m, b, 0.5) > 1.0f);
  int applied = 0;
  for (int k = 0; k < 3; k++) applied += ml_model_threshold(m, ml_model_class_index(m, labels[k])) <= 1.0f;
  assert_true(applied >= 1);
  ml_model_free(&m);
  ml_trainset_free(&ts);
}

static void explains_with_the_words(void **state) {
  ml_scratch_t s;
  ml_scratch_init(&s);
  double p[3];
  const char *t = "VPN tunnel keeps dropping, gateway unreachable";
  int k = ml_predict(model, ctx, &s, t, strlen(t), -1, p);
  assert_string_equal(ml_model_class(model, k), "Network");
  ml_term_t pos[5], neg[5];
  size_t np, nn;
  ml_explain(model, &s, k, pos, &np, neg, &nn, 5);
  assert_true(np >= 2);
  int vpn = 0;
  for (size_t i = 0; i < np; i++) {
    assert_true(pos[i].weight > 0);
    if (i) assert_true(pos[i - 1].weight >= pos[i].weight);
    if (strcmp(pos[i].word, "vpn") == 0) {
      vpn = 1;
      assert_memory_equal(t + pos[i].off, "VPN", 3); /* points at the original text */
    }
  }
  assert_true(vpn);
  for (size_t i = 0; i < nn; i++) assert_true(neg[i].weight < 0);
  /* the same words push against another class */
  int other = (k + 1) % 3;
  ml_explain(model, &s, other, pos, &np, neg, &nn, 5);
  assert_true(nn >= 1);
  ml_scratch_clear(&s);
}

static void save_load_round_trip(void **state) {
  util_buf_t b;
  util_buf_init(&b, 64u << 20);
  assert_int_equal(ml_model_save(model, &b), 0);
  ml_model_t *m2 = NULL;
  char err[200];
  assert_int_equal(ml_model_load(b.data, b.len, &m2, err, sizeof err), 0);
  ml_scratch_t s;
  ml_scratch_init(&s);
  double p1[3], p2[3];
  const char *t = "account locked after password reset";
  int k1 = ml_predict(model, ctx, &s, t, strlen(t), -1, p1);
  int k2 = ml_predict(m2, ctx, &s, t, strlen(t), -1, p2);
  assert_int_equal(k1, k2);
  for (int k = 0; k < 3; k++) {
    assert_true(fabs(p1[k] - p2[k]) < 1e-12);
    assert_true(ml_model_threshold(model, k) == ml_model_threshold(m2, k));
  }
  ml_model_free(&m2);
  /* another format version is refused by name */
  uint32_t *hdr = (uint32_t *)b.data;
  hdr[1] = ML_MODEL_FORMAT + 1;
  assert_int_equal(ml_model_load(b.data, b.len, &m2, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "format"));
  assert_null(m2);
  hdr[1] = ML_MODEL_FORMAT;
  /* every truncation is refused, none crashes */
  for (size_t cut = 0; cut < b.len; cut += 1 + cut / 3) {
    assert_int_equal(ml_model_load(b.data, cut, &m2, err, sizeof err), UTIL_E_INVALID);
    assert_null(m2);
  }
  hdr[0] = 0;
  assert_int_equal(ml_model_load(b.data, b.len, &m2, err, sizeof err), UTIL_E_INVALID);
  ml_scratch_clear(&s);
  util_buf_free(&b);
}

static void metrics_by_hand(void **state) {
  /* truth/pred over 2 classes: TP0=2, FN0=1 (0→1), FP0=1 (1→0), TP1=2 */
  int truth[6] = {0, 0, 0, 1, 1, 1}, pred[6] = {0, 0, 1, 1, 1, 0};
  double conf[6] = {0.9, 0.8, 0.7, 0.95, 0.6, 0.55};
  ml_metrics_t m;
  ml_metrics_compute(2, 6, truth, pred, conf, &m);
  assert_true(fabs(m.accuracy - 4.0 / 6) < 1e-12);
  assert_true(fabs(m.precision[0] - 2.0 / 3) < 1e-12);
  assert_true(fabs(m.recall[0] - 2.0 / 3) < 1e-12);
  assert_true(fabs(m.macro_f1 - 2.0 / 3) < 1e-12);
  assert_int_equal(m.confusion[0 * 2 + 1], 1);
  /* ranked by confidence: ok ok ok ok(0.6)… the top 3 are right */
  assert_true(fabs(m.prec_at_cov[5] - 1.0) < 1e-12); /* 50 % = top 3 */
  assert_true(fabs(m.coverage_at_95 - 3.0 / 6) < 1e-12);
  ml_metrics_clear(&m);
  /* ECE: one bin holding conf 0.9 ×2, one right → |0.5 − 0.9| */
  int ok[2] = {1, 0};
  double c2[2] = {0.9, 0.9};
  assert_true(fabs(ml_ece(2, ok, c2, 10) - 0.4) < 1e-12);
}

/* Scores that confuse class 1 with class 0 in a systematic way: a single
 * temperature cannot undo it, a per-class bias only partly, matrix scaling
 * can. Each fitted map must lower the log-loss of the previous one, and the
 * matrix must recover accuracy lost to the confusion. */
static double logloss(const double *s, const int *y, size_t n, int k, double T, const float *b,
                      const float *mat, int *correct) {
  double l = 0, p[3];
  *correct = 0;
  for (size_t i = 0; i < n; i++) {
    int best = ml_softmax(s + i * (size_t)k, k, T, b, mat, p);
    l -= log(p[y[i]] + 1e-300);
    *correct += best == y[i];
  }
  return l / (double)n;
}

static void calibration_maps(void **state) {
  enum { N = 3000, K = 3 };
  static double s[N * K];
  static int y[N];
  rng = 99;
  for (int i = 0; i < N; i++) {
    y[i] = i % K;
    for (int c = 0; c < K; c++) s[i * K + c] = (c == y[i] ? 2.0 : -1.0) + (rnd(1000) / 250.0 - 2.0);
    if (y[i] == 1) s[i * K + 0] += 2.0; /* class 1 also lights up class 0 */
  }
  int raw_ok, vec_ok, mat_ok;
  double raw = logloss(s, y, N, K, 1.0, NULL, NULL, &raw_ok);
  double T = ml_fit_temperature(s, y, N, K);
  int t_ok;
  double lt = logloss(s, y, N, K, T, NULL, NULL, &t_ok);
  float b[K], mat[K * K], b2[K];
  double T2;
  ml_fit_calibration(s, y, N, K, &T2, b);
  double lv = logloss(s, y, N, K, T2, b, NULL, &vec_ok);
  assert_int_equal(ml_fit_matrix(s, y, N, K, 1.0 / T2, b, mat, b2), 0);
  double lm = logloss(s, y, N, K, 1.0, b2, mat, &mat_ok);
  assert_true(lt <= raw + 1e-9);
  assert_true(lv < lt);
  assert_true(lm < lv);
  /* the confusion is mostly undone (seen: 2585 → 2727 right of 3000) */
  assert_true(mat_ok > vec_ok && mat_ok > raw_ok + N / 30);
  /* and the matrix-scaled probabilities are calibrated */
  int correct[N], pred;
  double conf[N], p[K];
  for (int i = 0; i < N; i++) {
    pred = ml_softmax(s + i * K, K, 1.0, b2, mat, p);
    correct[i] = pred == y[i];
    conf[i] = p[pred];
  }
  assert_true(ml_ece(N, correct, conf, 15) < 0.03);
}

static void bad_parameters_and_data(void **state) {
  ml_params_t p;
  ml_params_defaults(&p);
  assert_null(ml_check_params(&p));
  p.C = 0;
  assert_non_null(ml_check_params(&p));
  ml_params_defaults(&p);
  p.folds = 1;
  assert_non_null(ml_check_params(&p));
  ml_params_defaults(&p);
  ml_trainset_t *ts = ml_trainset_new(&p.feat);
  assert_int_equal(ml_trainset_add(ts, ctx, "x", 1, -1, ""), UTIL_E_INVALID);
  for (int i = 0; i < 20; i++) ml_trainset_add(ts, ctx, "printer jam", 11, -1, "Printing");
  ml_model_t *m = NULL;
  char err[200];
  assert_int_equal(ml_train(ts, &p, &m, NULL, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "2 classes"));
  assert_null(m);
  ml_trainset_free(&ts);
}

/* ---- the model file's bytes ----------------------------------------------- */

/* The bytes of a small model, written from the layout in io.c (format 5,
 * little-endian): K = 2 classes "A" and "B", temperature 1.5, 2 out-of-fold
 * predictions, then the vocabulary of the three documents {10, 20},
 * {20, 30}, {20, 40} (see test_text.c), w = (0.5, -0.5, 1, -1, 0.25, -0.25,
 * 2, -2), bias (0.1, -0.1), cbias 0, no matrix, thresholds (0.9, never),
 * oof_true (0, 1), oof_pred (0, 0), oof_conf (0.75, 0.5). */
static const unsigned char golden_model[242] = {
    0x52, 0x4c, 0x53, 0x4d, 0x05, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x41, 0x01, 0x00, 0x00, 0x00, 0x42, 0x52, 0x4c,
    0x53, 0x56, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x9a, 0x99,
    0x19, 0x3f, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x3f, 0x0a, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0c, 0xb9,
    0xd8, 0x3f, 0x00, 0x00, 0x80, 0x3f, 0x0c, 0xb9, 0xd8, 0x3f, 0x0c, 0xb9,
    0xd8, 0x3f, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0xbf, 0x00, 0x00,
    0x80, 0x3f, 0x00, 0x00, 0x80, 0xbf, 0x00, 0x00, 0x80, 0x3e, 0x00, 0x00,
    0x80, 0xbe, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0xc0, 0xcd, 0xcc,
    0xcc, 0x3d, 0xcd, 0xcc, 0xcc, 0xbd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x66, 0x66, 0x66, 0x3f, 0x00, 0x00,
    0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3f, 0x00, 0x00,
    0x00, 0x3f,
};


static ml_model_t *hand_model(void) {
  text_feat_opts_t o;
  text_feat_defaults(&o);
  text_corpus_t c;
  text_corpus_init(&c, &o);
  static const uint64_t h[3][2] = {{10, 20}, {20, 30}, {20, 40}};
  static const float one[2] = {1, 1};
  text_doc_t d;
  text_doc_init(&d);
  for (int i = 0; i < 3; i++) {
    text_feat_t f[2] = {{.hash = h[i][0], .value = 1}, {.hash = h[i][1], .value = one[1]}};
    text_feats_t fs = {.f = f, .n = 2, .cap = 2};
    text_corpus_add(&c, &d, &fs);
  }
  text_doc_clear(&d);
  ml_model_t *m = calloc(1, sizeof *m);
  m->vocab = text_vocab_fit(&c, 1);
  text_corpus_clear(&c);
  m->nclass = 2;
  m->nfeat = 4;
  m->classes = calloc(2, sizeof *m->classes);
  m->classes[0] = strdup("A");
  m->classes[1] = strdup("B");
  m->temperature = 1.5;
  static const float w[8] = {0.5f, -0.5f, 1, -1, 0.25f, -0.25f, 2, -2};
  m->w = malloc(sizeof w);
  memcpy(m->w, w, sizeof w);
  m->bias = malloc(2 * sizeof *m->bias);
  m->bias[0] = 0.1f, m->bias[1] = -0.1f;
  m->cbias = calloc(2, sizeof *m->cbias);
  m->threshold = malloc(2 * sizeof *m->threshold);
  m->threshold[0] = 0.9f, m->threshold[1] = ML_THRESHOLD_NEVER;
  m->noof = 2;
  m->oof_true = malloc(2 * sizeof *m->oof_true);
  m->oof_pred = malloc(2 * sizeof *m->oof_pred);
  m->oof_conf = malloc(2 * sizeof *m->oof_conf);
  m->oof_true[0] = 0, m->oof_true[1] = 1;
  m->oof_pred[0] = 0, m->oof_pred[1] = 0;
  m->oof_conf[0] = 0.75f, m->oof_conf[1] = 0.5f;
  ml_model_finish(m);
  return m;
}

/* Saved, a known model gives exactly the bytes of the layout, whatever the
 * host; those bytes load back into the same model; every truncation, an
 * older format and a foreign header are refused with a message. */
static void model_golden_bytes(void **state) {
  ml_model_t *m = hand_model(), *m2 = NULL;
  util_buf_t b;
  util_buf_init(&b, 1 << 20);
  assert_int_equal(ml_model_save(m, &b), 0);
  assert_int_equal(b.len, sizeof golden_model);
  assert_memory_equal(b.data, golden_model, sizeof golden_model);
  char err[200];
  assert_int_equal(ml_model_load(golden_model, sizeof golden_model, &m2, err, sizeof err), 0);
  assert_int_equal(ml_model_nclass(m2), 2);
  assert_string_equal(ml_model_class(m2, 1), "B");
  assert_int_equal(ml_model_nfeatures(m2), 4);
  assert_true(ml_model_temperature(m2) == 1.5);
  assert_memory_equal(m2->w, m->w, 8 * sizeof *m->w);
  assert_true(m2->bias[0] == 0.1f && m2->bias[1] == -0.1f && m2->cmat == NULL);
  assert_true(ml_model_threshold(m2, 0) == 0.9f && ml_model_threshold(m2, 1) == ML_THRESHOLD_NEVER);
  assert_int_equal(m2->noof, 2);
  assert_true(m2->oof_true[1] == 1 && m2->oof_pred[1] == 0 && m2->oof_conf[0] == 0.75f);
  assert_true(m2->prior[0] == 0.5f); /* derived again on loading */
  for (uint32_t j = 0; j < 4; j++)
    assert_true(text_vocab_idf(ml_model_vocab(m2), j) == text_vocab_idf(ml_model_vocab(m), j));
  /* the same bytes again when saved back */
  util_buf_reset(&b);
  assert_int_equal(ml_model_save(m2, &b), 0);
  assert_memory_equal(b.data, golden_model, sizeof golden_model);
  ml_model_free(&m2);
  for (size_t cut = 0; cut < sizeof golden_model; cut++) {
    assert_int_equal(ml_model_load(golden_model, cut, &m2, err, sizeof err), UTIL_E_INVALID);
    assert_null(m2);
  }
  unsigned char bytes[sizeof golden_model + 1];
  memcpy(bytes, golden_model, sizeof golden_model);
  bytes[sizeof golden_model] = 0;
  assert_int_equal(ml_model_load(bytes, sizeof bytes, &m2, err, sizeof err), UTIL_E_INVALID);
  bytes[4] = 4; /* a model of the previous format, as a database may still hold */
  assert_int_equal(ml_model_load(bytes, sizeof golden_model, &m2, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "model format 4, this build reads format 5"));
  assert_null(m2);
  bytes[4] = 5;
  bytes[24 + 2 * (4 + 1) + 4] = 9; /* the vocabulary's format, after the header and the names */
  assert_int_equal(ml_model_load(bytes, sizeof golden_model, &m2, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "vocabulary format 9"));
  util_buf_free(&b);
  ml_model_free(&m);
}

/* The training set built on several threads holds the same documents in
 * the same order as one built document by document: the model saved from
 * either has the same bytes. */
static void trainset_threads_do_not_change_the_model(void **state) {
  enum { N = 300 };
  static char docs[N][256];
  const char *texts[N], *labs[N];
  rng = 7;
  for (int i = 0; i < N; i++) {
    make_doc(i % 3, docs[i], sizeof docs[i]);
    texts[i] = docs[i];
    labs[i] = i % 10 == 9 ? "" : labels[i % 3]; /* a few without a label: skipped */
  }
  ml_params_t p;
  ml_params_defaults(&p);
  util_buf_t out[3];
  for (int run = 0; run < 3; run++) {
    ml_trainset_t *ts = ml_trainset_new(&p.feat);
    if (run == 0) {
      for (int i = 0; i < N; i++)
        if (labs[i][0]) ml_trainset_add(ts, ctx, texts[i], strlen(texts[i]), -1, labs[i]);
    } else {
      assert_int_equal(ml_trainset_add_many(ts, N, texts, NULL, labs, run == 1 ? 1 : 4), N / 10);
    }
    assert_int_equal(ml_trainset_size(ts), N - N / 10);
    ml_model_t *m = NULL;
    char err[200];
    assert_int_equal(ml_train(ts, &p, &m, NULL, err, sizeof err), 0);
    util_buf_init(&out[run], 64u << 20);
    assert_int_equal(ml_model_save(m, &out[run]), 0);
    ml_model_free(&m);
    ml_trainset_free(&ts);
  }
  for (int run = 1; run < 3; run++) {
    assert_int_equal(out[run].len, out[0].len);
    assert_memory_equal(out[run].data, out[0].data, out[0].len);
  }
  for (int run = 0; run < 3; run++) util_buf_free(&out[run]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(out_of_fold_prediction_of_each_document),
      cmocka_unit_test(confusion_of_the_held_out_predictions),
      cmocka_unit_test(predicts_and_calibrates),
      cmocka_unit_test(thresholds_meet_their_target),
      cmocka_unit_test(a_tiny_class_is_only_suggested),
      cmocka_unit_test(explains_with_the_words),
      cmocka_unit_test(save_load_round_trip),
      cmocka_unit_test(model_golden_bytes),
      cmocka_unit_test(trainset_threads_do_not_change_the_model),
      cmocka_unit_test(metrics_by_hand),
      cmocka_unit_test(calibration_maps),
      cmocka_unit_test(bad_parameters_and_data),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
