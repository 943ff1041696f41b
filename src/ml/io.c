/* Model persistence: a flat binary image, read back with every length
 * checked, so that a truncated or foreign blob is refused, never trusted.
 *
 * Layout (format 5; little-endian whatever the host, text.h's codec):
 *   u32 magic, u32 format, u32 nclass K, f64 temperature, u32 noof,
 *   K × (u32 length, bytes) class names,
 *   the vocabulary (text_vocab_save: options, hashes, df, IDF; D features),
 *   f32 w[D × K] (row per feature), f32 bias[K], f32 cbias[K],
 *   u32 has_matrix, f32 cmat[K × K] if it has, f32 threshold[K],
 *   i32 oof_true[noof], i32 oof_pred[noof], f32 oof_conf[noof].
 * Format 4 was the same fields in host byte order with the options and
 * hashes inline; this build refuses it by its number (the retraining worker
 * then trains the field afresh). */
#include <stdlib.h>
#include <string.h>

#include "ml_int.h"

#define ML_MAX_CLASSES 10000
#define ML_MAX_CLASS_NAME 1024

static int put_i32s(util_buf_t *b, const int32_t *v, size_t n) {
  int rc = 0;
  for (size_t i = 0; !rc && i < n; i++) rc = text_le_put_u32(b, (uint32_t)v[i]);
  return rc;
}

int ml_model_save(const ml_model_t *m, util_buf_t *b) {
  size_t D = m->nfeat, K = (size_t)m->nclass;
  int rc = text_le_put_u32(b, ML_MODEL_MAGIC);
  if (!rc) rc = text_le_put_u32(b, ML_MODEL_FORMAT);
  if (!rc) rc = text_le_put_u32(b, (uint32_t)K);
  if (!rc) rc = text_le_put_f64(b, m->temperature);
  if (!rc) rc = text_le_put_u32(b, m->noof);
  for (size_t k = 0; !rc && k < K; k++) {
    uint32_t len = (uint32_t)strlen(m->classes[k]);
    rc = text_le_put_u32(b, len);
    if (!rc) rc = util_buf_append(b, m->classes[k], len);
  }
  if (!rc) rc = text_vocab_save(m->vocab, b);
  if (!rc) rc = text_le_put_f32s(b, m->w, D * K);
  if (!rc) rc = text_le_put_f32s(b, m->bias, K);
  if (!rc) rc = text_le_put_f32s(b, m->cbias, K);
  if (!rc) rc = text_le_put_u32(b, m->cmat != NULL);
  if (!rc && m->cmat) rc = text_le_put_f32s(b, m->cmat, K * K);
  if (!rc) rc = text_le_put_f32s(b, m->threshold, K);
  if (!rc) rc = put_i32s(b, m->oof_true, m->noof);
  if (!rc) rc = put_i32s(b, m->oof_pred, m->noof);
  if (!rc) rc = text_le_put_f32s(b, m->oof_conf, m->noof);
  return rc;
}

/* n class indexes below K into a new array (owned), or NULL when short or
 * out of range. */
static int32_t *get_classes_idx(text_le_reader_t *r, size_t n, uint32_t K) {
  if (n > r->left / 4) return NULL;
  int32_t *a = util_xmalloc(n ? n * sizeof *a : 1);
  for (size_t i = 0; i < n; i++) {
    uint32_t u;
    text_le_get_u32(r, &u);
    if (u >= K) {
      free(a);
      return NULL;
    }
    a[i] = (int32_t)u;
  }
  return a;
}

/* The class names; 0, or -1 when short or out of range. */
static int load_names(text_le_reader_t *r, ml_model_t *m) {
  m->classes = util_xcalloc((size_t)m->nclass, sizeof *m->classes);
  for (int k = 0; k < m->nclass; k++) {
    uint32_t len;
    if (text_le_get_u32(r, &len) || len == 0 || len > ML_MAX_CLASS_NAME || len > r->left) return -1;
    m->classes[k] = util_xstrndup((const char *)r->p, len);
    r->p += len;
    r->left -= len;
  }
  return 0;
}

/* Everything after the vocabulary; 0, or -1 when short or out of range. */
static int load_weights(text_le_reader_t *r, ml_model_t *m) {
  size_t D = m->nfeat, K = (size_t)m->nclass;
  uint32_t has_mat = 0;
  if (D && K > r->left / 4 / D) return -1; /* D × K checked before it is multiplied */
  if (!(m->w = text_le_get_f32s(r, D * K))) return -1;
  if (!(m->bias = text_le_get_f32s(r, K))) return -1;
  if (!(m->cbias = text_le_get_f32s(r, K))) return -1;
  if (text_le_get_u32(r, &has_mat) || has_mat > 1) return -1;
  if (has_mat && !(m->cmat = text_le_get_f32s(r, K * K))) return -1;
  if (!(m->threshold = text_le_get_f32s(r, K))) return -1;
  if (!(m->oof_true = get_classes_idx(r, m->noof, (uint32_t)K))) return -1;
  if (!(m->oof_pred = get_classes_idx(r, m->noof, (uint32_t)K))) return -1;
  if (!(m->oof_conf = text_le_get_f32s(r, m->noof))) return -1;
  return r->left ? -1 : 0; /* trailing bytes: not what we wrote */
}

int ml_model_load(const void *data, size_t n, ml_model_t **out, char *err, size_t errlen) {
  text_le_reader_t r = {data, n};
  uint32_t magic = 0, format = 0, K = 0, noof = 0;
  double temperature = 0;
  ml_model_t *m = NULL;
  int rc = UTIL_E_INVALID;
  *out = NULL;
  if (text_le_get_u32(&r, &magic) || magic != ML_MODEL_MAGIC) {
    snprintf(err, errlen, "not a Relais model");
    goto out;
  }
  if (text_le_get_u32(&r, &format) || format != ML_MODEL_FORMAT) {
    snprintf(err, errlen, "model format %u, this build reads format %d", format, ML_MODEL_FORMAT);
    goto out;
  }
  if (text_le_get_u32(&r, &K) || text_le_get_f64(&r, &temperature) || text_le_get_u32(&r, &noof)) {
    snprintf(err, errlen, "model header truncated");
    goto out;
  }
  if (K < 2 || K > ML_MAX_CLASSES || !(temperature > 0)) {
    snprintf(err, errlen, "model header out of range (%u classes, temperature %g)", K, temperature);
    goto out;
  }
  m = util_xcalloc(1, sizeof *m);
  m->nclass = (int)K;
  m->temperature = temperature;
  m->noof = noof;
  size_t used = 0;
  char verr[120];
  if (load_names(&r, m)) {
    snprintf(err, errlen, "model class names truncated or corrupt");
    goto out;
  }
  if (text_vocab_load(r.p, r.left, &used, &m->vocab, verr, sizeof verr)) {
    snprintf(err, errlen, "model: %s", verr);
    goto out;
  }
  r.p += used;
  r.left -= used;
  m->nfeat = text_vocab_size(m->vocab);
  if (load_weights(&r, m)) {
    snprintf(err, errlen, "model data truncated or corrupt");
    goto out;
  }
  ml_model_finish(m);
  *out = m;
  m = NULL;
  rc = 0;
out:
  ml_model_free(&m);
  return rc;
}
