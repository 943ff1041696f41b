/* Quality measures of a set of predictions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml_int.h"

double ml_ece(size_t n, const int *correct, const double *conf, int nbins) {
  if (!n || nbins < 1) return 0;
  double *sc = util_xcalloc((size_t)nbins, sizeof *sc), *sa = util_xcalloc((size_t)nbins, sizeof *sa);
  size_t *cnt = util_xcalloc((size_t)nbins, sizeof *cnt);
  for (size_t i = 0; i < n; i++) {
    int b = (int)(conf[i] * nbins);
    if (b >= nbins) b = nbins - 1;
    if (b < 0) b = 0;
    sc[b] += conf[i];
    sa[b] += correct[i];
    cnt[b]++;
  }
  double e = 0;
  for (int b = 0; b < nbins; b++)
    if (cnt[b]) e += fabs(sa[b] - sc[b]) / (double)n; /* |acc − conf| · n_b / n */
  free(sc);
  free(sa);
  free(cnt);
  return e;
}

typedef struct {
  double conf;
  int ok;
} rank_t;

static int cmp_rank(const void *a, const void *b) {
  double x = ((const rank_t *)a)->conf, y = ((const rank_t *)b)->conf;
  return x > y ? -1 : x < y;
}

void ml_metrics_compute(int K, size_t n, const int *truth, const int *pred, const double *conf,
                        ml_metrics_t *m) {
  memset(m, 0, sizeof *m);
  m->nclass = K;
  m->n = n;
  m->precision = util_xcalloc((size_t)K, sizeof *m->precision);
  m->recall = util_xcalloc((size_t)K, sizeof *m->recall);
  m->f1 = util_xcalloc((size_t)K, sizeof *m->f1);
  m->support = util_xcalloc((size_t)K, sizeof *m->support);
  m->confusion = util_xcalloc((size_t)K * (size_t)K, sizeof *m->confusion);
  if (!n) return;
  size_t good = 0;
  int *ok = util_xmalloc(n * sizeof *ok);
  for (size_t i = 0; i < n; i++) {
    m->confusion[(size_t)truth[i] * (size_t)K + (size_t)pred[i]]++;
    m->support[truth[i]]++;
    ok[i] = truth[i] == pred[i];
    good += (size_t)ok[i];
  }
  m->accuracy = (double)good / (double)n;
  double f1sum = 0;
  int present = 0;
  for (int k = 0; k < K; k++) {
    size_t tp = m->confusion[(size_t)k * K + k], predicted = 0;
    for (int t = 0; t < K; t++) predicted += m->confusion[(size_t)t * K + k];
    m->precision[k] = predicted ? (double)tp / (double)predicted : 0;
    m->recall[k] = m->support[k] ? (double)tp / (double)m->support[k] : 0;
    double pr = m->precision[k] + m->recall[k];
    m->f1[k] = pr > 0 ? 2 * m->precision[k] * m->recall[k] / pr : 0;
    /* macro average over the classes present in the truth or predicted */
    if (m->support[k] || predicted) {
      f1sum += m->f1[k];
      present++;
    }
  }
  m->macro_f1 = present ? f1sum / present : 0;
  m->ece = ml_ece(n, ok, conf, 15);
  rank_t *r = util_xmalloc(n * sizeof *r);
  for (size_t i = 0; i < n; i++) r[i] = (rank_t){conf[i], ok[i]};
  qsort(r, n, sizeof *r, cmp_rank);
  static const double cov[6] = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5};
  size_t run = 0, best = 0;
  size_t *cum = util_xmalloc(n * sizeof *cum);
  for (size_t i = 0; i < n; i++) {
    run += (size_t)r[i].ok;
    cum[i] = run;
    int tie = i + 1 < n && r[i + 1].conf == r[i].conf; /* cut between distinct confidences */
    if (!tie && (double)run >= 0.95 * (double)(i + 1)) best = i + 1;
  }
  for (int c = 0; c < 6; c++) {
    size_t k = (size_t)ceil(cov[c] * (double)n);
    if (k < 1) k = 1;
    if (k > n) k = n;
    m->prec_at_cov[c] = (double)cum[k - 1] / (double)k;
  }
  m->coverage_at_95 = (double)best / (double)n;
  free(cum);
  free(r);
  free(ok);
}

void ml_metrics_clear(ml_metrics_t *m) {
  free(m->precision);
  free(m->recall);
  free(m->f1);
  free(m->support);
  free(m->confusion);
  memset(m, 0, sizeof *m);
}
