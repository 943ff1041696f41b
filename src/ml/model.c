/* Models: lookup, calibrated prediction, explanations, thresholds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml_int.h"

void ml_model_free(ml_model_t **mp) {
  ml_model_t *m = *mp;
  if (!m) return;
  for (int k = 0; k < m->nclass && m->classes; k++) free(m->classes[k]);
  free(m->classes);
  text_vocab_free(&m->vocab);
  free(m->w);
  free(m->bias);
  free(m->cbias);
  free(m->cmat);
  free(m->prior);
  free(m->threshold);
  free(m->oof_true);
  free(m->oof_pred);
  free(m->oof_conf);
  free(m);
  *mp = NULL;
}

void ml_model_finish(ml_model_t *m) {
  free(m->prior);
  m->prior = util_xcalloc((size_t)m->nclass, sizeof *m->prior);
  for (uint32_t i = 0; i < m->noof; i++) m->prior[m->oof_true[i]] += 1.0f;
  for (int k = 0; k < m->nclass; k++)
    m->prior[k] = m->noof ? m->prior[k] / (float)m->noof : 1.0f / (float)m->nclass;
}

int ml_model_nclass(const ml_model_t *m) { return m->nclass; }
const char *ml_model_class(const ml_model_t *m, int k) {
  return k >= 0 && k < m->nclass ? m->classes[k] : NULL;
}
int ml_model_class_index(const ml_model_t *m, const char *label) {
  for (int k = 0; k < m->nclass; k++)
    if (strcmp(m->classes[k], label) == 0) return k;
  return -1;
}
size_t ml_model_nfeatures(const ml_model_t *m) { return m->nfeat; }
double ml_model_temperature(const ml_model_t *m) { return m->temperature; }
const text_feat_opts_t *ml_model_feat_opts(const ml_model_t *m) {
  return text_vocab_feat_opts(m->vocab);
}
const text_vocab_t *ml_model_vocab(const ml_model_t *m) { return m->vocab; }

float ml_model_threshold(const ml_model_t *m, int k) {
  return k >= 0 && k < m->nclass ? m->threshold[k] : ML_THRESHOLD_NEVER;
}

void ml_model_class_stats(const ml_model_t *m, int k, float t, double *precision,
                          double *coverage, size_t *support) {
  size_t truth = 0, taken = 0, good = 0;
  for (uint32_t i = 0; i < m->noof; i++) {
    truth += m->oof_true[i] == k;
    if (m->oof_pred[i] == k && m->oof_conf[i] >= t) {
      taken++;
      good += m->oof_true[i] == k;
    }
  }
  *precision = taken ? (double)good / (double)taken : 0.0;
  *coverage = truth ? (double)good / (double)truth : 0.0; /* share of class k applied right */
  *support = truth;
}

void ml_model_confusion(const ml_model_t *m, size_t *out) {
  size_t K = (size_t)m->nclass;
  memset(out, 0, K * K * sizeof *out);
  for (uint32_t i = 0; i < m->noof; i++)
    out[(size_t)m->oof_true[i] * K + (size_t)m->oof_pred[i]]++;
}

int ml_softmax(const double *s, int k, double temperature, const float *cbias,
               const float *cmat, double *probs) {
  double a = 1.0 / temperature, z = 0;
  int best = 0;
  for (int c = 0; c < k; c++) {
    double v = 0;
    if (cmat) {
      const float *row = cmat + (size_t)c * (size_t)k;
      for (int j = 0; j < k; j++) v += row[j] * s[j];
    } else {
      v = s[c] * a;
    }
    probs[c] = v + (cbias ? cbias[c] : 0.0);
    if (probs[c] > probs[best]) best = c;
  }
  double top = probs[best];
  for (int c = 0; c < k; c++) z += probs[c] = exp(probs[c] - top);
  for (int c = 0; c < k; c++) probs[c] /= z;
  return best;
}

/* Solves the (k × k) system H x = g in place (Cholesky; H symmetric
 * positive definite thanks to the ridge). Returns 0, or -1 if it is not. */
static int chol_solve(double *H, double *g, int k) {
  for (int j = 0; j < k; j++) {
    double d = H[j * k + j];
    for (int t = 0; t < j; t++) d -= H[j * k + t] * H[j * k + t];
    if (d <= 0) return -1;
    d = sqrt(d);
    H[j * k + j] = d;
    for (int i = j + 1; i < k; i++) {
      double v = H[i * k + j];
      for (int t = 0; t < j; t++) v -= H[i * k + t] * H[j * k + t];
      H[i * k + j] = v / d;
    }
  }
  for (int i = 0; i < k; i++) { /* L y = g */
    for (int t = 0; t < i; t++) g[i] -= H[i * k + t] * g[t];
    g[i] /= H[i * k + i];
  }
  for (int i = k - 1; i >= 0; i--) { /* Lᵀ x = y */
    for (int t = i + 1; t < k; t++) g[i] -= H[t * k + i] * g[t];
    g[i] /= H[i * k + i];
  }
  return 0;
}

/* Mean log-loss of softmax(a·s + b) against truth, plus the ridge. */
static double calib_loss(const double *scores, const int *truth, size_t n, int k, double a,
                         const double *b, double ridge) {
  double loss = 0;
  for (size_t i = 0; i < n; i++) {
    const double *s = scores + i * (size_t)k;
    double mx = -1e300;
    for (int c = 0; c < k; c++) mx = fmax(mx, a * s[c] + b[c]);
    double z = 0;
    for (int c = 0; c < k; c++) z += exp(a * s[c] + b[c] - mx);
    loss += log(z) + mx - (a * s[truth[i]] + b[truth[i]]);
  }
  double r = 0;
  for (int c = 0; c < k; c++) r += b[c] * b[c];
  return loss / (double)n + ridge * r;
}

/* Vector scaling: probabilities = softmax(a · score + b_class), with a > 0
 * and one bias per class, fitted by Newton's method with a backtracking line
 * search on the mean log-loss (convex in (a, b)). A small ridge on b keeps
 * the Hessian definite (softmax ignores a common shift of b). */
void ml_fit_calibration(const double *scores, const int *truth, size_t n, int k,
                        double *temperature, float *cbias) {
  int P = k + 1; /* θ = (a, b_0 … b_{k-1}) */
  double *H = util_xmalloc((size_t)P * (size_t)P * sizeof *H);
  double *g = util_xmalloc((size_t)P * sizeof *g), *step = util_xmalloc((size_t)P * sizeof *step);
  double *b = util_xcalloc((size_t)k, sizeof *b), *nb = util_xmalloc((size_t)k * sizeof *nb);
  double *pr = util_xmalloc((size_t)k * sizeof *pr), *m = util_xmalloc((size_t)P * sizeof *m);
  const double ridge = 1e-4;
  double a = 1.0 / ml_fit_temperature(scores, truth, n, k); /* a good start */
  double loss = calib_loss(scores, truth, n, k, a, b, ridge);
  for (int it = 0; it < 30 && n; it++) {
    memset(H, 0, (size_t)P * (size_t)P * sizeof *H);
    memset(g, 0, (size_t)P * sizeof *g);
    for (size_t i = 0; i < n; i++) {
      const double *s = scores + i * (size_t)k;
      double mx = -1e300, z = 0;
      for (int c = 0; c < k; c++) mx = fmax(mx, a * s[c] + b[c]);
      for (int c = 0; c < k; c++) z += pr[c] = exp(a * s[c] + b[c] - mx);
      m[0] = 0;
      for (int c = 0; c < k; c++) {
        pr[c] /= z;
        m[0] += pr[c] * s[c];
        m[1 + c] = pr[c];
      }
      g[0] += m[0] - s[truth[i]];
      for (int c = 0; c < k; c++) g[1 + c] += pr[c] - (c == truth[i]);
      /* H_i = E[φφᵀ] − m mᵀ with φ_c = (s_c, e_c) */
      double saa = 0;
      for (int c = 0; c < k; c++) saa += pr[c] * s[c] * s[c];
      H[0] += saa;
      for (int c = 0; c < k; c++) {
        H[(size_t)(1 + c) * P] += pr[c] * s[c]; /* lower triangle: (b_c, a) */
        H[(size_t)(1 + c) * P + (1 + c)] += pr[c];
      }
      for (int u = 0; u < P; u++)
        for (int v = 0; v <= u; v++) H[(size_t)u * P + v] -= m[u] * m[v];
    }
    double inv = 1.0 / (double)n;
    for (int u = 0; u < P; u++) {
      g[u] *= inv;
      for (int v = 0; v <= u; v++) {
        H[(size_t)u * P + v] *= inv;
        H[(size_t)v * P + u] = H[(size_t)u * P + v];
      }
    }
    for (int c = 0; c < k; c++) {
      g[1 + c] += 2 * ridge * b[c];
      H[(size_t)(1 + c) * P + (1 + c)] += 2 * ridge;
    }
    H[0] += 1e-9;
    memcpy(step, g, (size_t)P * sizeof *g);
    if (chol_solve(H, step, P)) break;
    double t = 1.0, nl = loss;
    for (int ls = 0; ls < 20; ls++, t *= 0.5) {
      double na = a - t * step[0];
      if (na <= 1e-3) continue;
      for (int c = 0; c < k; c++) nb[c] = b[c] - t * step[1 + c];
      nl = calib_loss(scores, truth, n, k, na, nb, ridge);
      if (nl < loss) {
        a = na;
        memcpy(b, nb, (size_t)k * sizeof *b);
        break;
      }
    }
    if (!(nl < loss) || loss - nl < 1e-9) break;
    loss = nl;
  }
  *temperature = 1.0 / a;
  for (int c = 0; c < k; c++) cbias[c] = (float)b[c];
  free(H);
  free(g);
  free(step);
  free(b);
  free(nb);
  free(pr);
  free(m);
}

/* Log-loss of softmax(a·s) is convex in a = 1/T: Newton steps on a, from
 * a = 1, with the first and second derivatives Σ(E[s] − s_y) and Σ Var[s]. */
double ml_fit_temperature(const double *scores, const int *truth, size_t n, int k) {
  double a = 1.0;
  for (int it = 0; it < 50; it++) {
    double g = 0, h = 0;
    for (size_t i = 0; i < n; i++) {
      const double *s = scores + i * (size_t)k;
      double mx = s[0];
      for (int c = 1; c < k; c++) mx = s[c] > mx ? s[c] : mx;
      double z = 0, e1 = 0, e2 = 0;
      for (int c = 0; c < k; c++) {
        double p = exp((s[c] - mx) * a);
        z += p;
        e1 += p * s[c];
        e2 += p * s[c] * s[c];
      }
      e1 /= z;
      e2 /= z;
      g += e1 - s[truth[i]];
      h += e2 - e1 * e1;
    }
    if (h <= 1e-12) break;
    double step = g / h, na = a - step;
    if (na < a / 4) na = a / 4; /* damped: stay positive, never jump far */
    if (na > a * 4) na = a * 4;
    if (fabs(na - a) < 1e-6 * a) {
      a = na;
      break;
    }
    a = na;
  }
  if (!(a > 1e-3)) a = 1e-3;
  if (a > 1e3) a = 1e3;
  return 1.0 / a;
}

void ml_scratch_init(ml_scratch_t *s) {
  memset(s, 0, sizeof *s);
  text_doc_init(&s->doc);
  text_feats_init(&s->feats);
  text_row_init(&s->row);
}

void ml_scratch_clear(ml_scratch_t *s) {
  text_doc_clear(&s->doc);
  text_feats_clear(&s->feats);
  text_row_clear(&s->row);
  free(s->scores);
  memset(s, 0, sizeof *s);
}

int ml_predict_feats(const ml_model_t *m, ml_scratch_t *s, double *probs) {
  int K = m->nclass;
  if (s->cap < (size_t)K) {
    s->scores = util_xrealloc(s->scores, (size_t)K * sizeof *s->scores);
    s->cap = (size_t)K;
  }
  text_vocab_transform(m->vocab, &s->feats, &s->row); /* a growing row: cannot fail */
  /* scores are linear in the row: accumulate on the raw TF-IDF values and
   * apply the L2 normalisation once at the end */
  double *sc = s->scores;
  const text_row_t *r = &s->row;
  for (int k = 0; k < K; k++) sc[k] = 0;
  for (size_t i = 0; i < r->n; i++) {
    const float *w = m->w + (size_t)r->idx[i] * (size_t)K;
    for (int k = 0; k < K; k++) sc[k] += r->val[i] * w[k];
  }
  if (r->scale == 0 && m->prior) {
    /* not one word the model knows: say only how common each class is,
     * rather than extrapolate the calibration to a score it never saw */
    int best = 0;
    for (int k = 0; k < K; k++) {
      probs[k] = m->prior[k];
      if (probs[k] > probs[best]) best = k;
    }
    return best;
  }
  for (int k = 0; k < K; k++) sc[k] = m->bias[k] + sc[k] * r->scale;
  return ml_softmax(sc, K, m->temperature, m->cbias, m->cmat, probs);
}

int ml_predict(const ml_model_t *m, text_ctx_t *ctx, ml_scratch_t *s, const char *text,
               size_t n, int lang, double *probs) {
  const text_feat_opts_t *o = text_vocab_feat_opts(m->vocab);
  text_analyse_opt(ctx, text, n, lang, o->stem, &s->doc);
  text_features(&s->doc, o, &s->feats);
  return ml_predict_feats(m, s, probs);
}

/* ---- explanations ------------------------------------------------------------ */

static int cmp_term_desc(const void *a, const void *b) {
  double x = fabs(((const ml_term_t *)a)->weight), y = fabs(((const ml_term_t *)b)->weight);
  return x > y ? -1 : x < y;
}

void ml_explain(const ml_model_t *m, const ml_scratch_t *s, int k, ml_term_t *pos,
                size_t *npos, ml_term_t *neg, size_t *nneg, size_t max) {
  *npos = *nneg = 0;
  const text_doc_t *d = &s->doc;
  if (k < 0 || k >= m->nclass || d->n == 0) return;
  double *tw = util_xcalloc(d->n, sizeof *tw);
  double inv = s->row.scale; /* the row ml_predict made of these features */
  for (size_t i = 0; i < s->feats.n; i++) {
    const text_feat_t *f = &s->feats.f[i];
    int64_t j = text_vocab_lookup(m->vocab, f->hash);
    if (j < 0) continue;
    double c = f->value * text_vocab_idf(m->vocab, (uint32_t)j) * inv *
               m->w[(size_t)j * (size_t)m->nclass + (size_t)k];
    if (f->tok_b >= 0) {
      tw[f->tok_a] += c / 2;
      tw[f->tok_b] += c / 2;
    } else {
      tw[f->tok_a] += c;
    }
  }
  /* one entry per distinct folded word, at its first occurrence */
  ml_term_t *all = util_xmalloc(d->n * sizeof *all);
  size_t na = 0;
  for (size_t t = 0; t < d->n; t++) {
    if (tw[t] == 0) continue;
    const char *form = d->arena + d->tok[t].form;
    size_t e = 0;
    while (e < na && strcmp(all[e].word, form) != 0) e++;
    if (e == na) {
      snprintf(all[na].word, sizeof all[na].word, "%s", form);
      all[na].off = d->tok[t].off;
      all[na].len = d->tok[t].len;
      all[na].weight = 0;
      na++;
    }
    all[e].weight += tw[t];
  }
  qsort(all, na, sizeof *all, cmp_term_desc);
  for (size_t e = 0; e < na; e++) {
    if (all[e].weight > 0 && *npos < max) pos[(*npos)++] = all[e];
    else if (all[e].weight < 0 && *nneg < max) neg[(*nneg)++] = all[e];
  }
  free(all);
  free(tw);
}
