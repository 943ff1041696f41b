/* Model persistence: a flat binary image, read back with every length
 * checked, so that a truncated or foreign blob is refused, never trusted.
 *
 * Layout (host byte order; models move with their database file):
 *   u32 magic, u32 format, u32 nclass, u32 nfeat, i32 word_ngrams,
 *   i32 char_min, i32 char_max, i32 stem, i32 stopwords, i32 head_tokens,
 *   f32 pair_weight, f32 char_weight, f32 head_weight, f64 temperature, u32 noof,
 *   nclass × (u32 length, bytes) class names,
 *   u64 keys[nfeat], f32 idf[nfeat], f32 w[nfeat × nclass], f32 bias[nclass],
 *   f32 cbias[nclass], u32 has_matrix, f32 cmat[nclass × nclass] if it has,
 *   f32 threshold[nclass], i32 oof_true[noof], i32 oof_pred[noof], f32 oof_conf[noof] */
#include <stdlib.h>
#include <string.h>

#include "ml_int.h"

#define ML_MAX_CLASSES 10000
#define ML_MAX_FEATURES (1u << 26)
#define ML_MAX_CLASS_NAME 1024

static int put(util_buf_t *b, const void *p, size_t n) { return util_buf_append(b, p, n); }

int ml_model_save(const ml_model_t *m, util_buf_t *b) {
  uint32_t hdr[4] = {ML_MODEL_MAGIC, ML_MODEL_FORMAT, (uint32_t)m->nclass, m->nfeat};
  int32_t fo[6] = {m->feat.word_ngrams, m->feat.char_min, m->feat.char_max, m->feat.stem,
                   m->feat.stopwords, m->feat.head_tokens};
  size_t D = m->nfeat, K = (size_t)m->nclass;
  int rc = put(b, hdr, sizeof hdr);
  if (!rc) rc = put(b, fo, sizeof fo);
  float fw[3] = {m->feat.pair_weight, m->feat.char_weight, m->feat.head_weight};
  if (!rc) rc = put(b, fw, sizeof fw);
  if (!rc) rc = put(b, &m->temperature, sizeof m->temperature);
  if (!rc) rc = put(b, &m->noof, sizeof m->noof);
  for (size_t k = 0; !rc && k < K; k++) {
    uint32_t len = (uint32_t)strlen(m->classes[k]);
    rc = put(b, &len, sizeof len);
    if (!rc) rc = put(b, m->classes[k], len);
  }
  if (!rc) rc = put(b, m->keys, D * sizeof *m->keys);
  if (!rc) rc = put(b, m->idf, D * sizeof *m->idf);
  if (!rc) rc = put(b, m->w, D * K * sizeof *m->w);
  if (!rc) rc = put(b, m->bias, K * sizeof *m->bias);
  if (!rc) rc = put(b, m->cbias, K * sizeof *m->cbias);
  uint32_t has_mat = m->cmat != NULL;
  if (!rc) rc = put(b, &has_mat, sizeof has_mat);
  if (!rc && has_mat) rc = put(b, m->cmat, K * K * sizeof *m->cmat);
  if (!rc) rc = put(b, m->threshold, K * sizeof *m->threshold);
  if (!rc) rc = put(b, m->oof_true, m->noof * sizeof *m->oof_true);
  if (!rc) rc = put(b, m->oof_pred, m->noof * sizeof *m->oof_pred);
  if (!rc) rc = put(b, m->oof_conf, m->noof * sizeof *m->oof_conf);
  return rc;
}

typedef struct {
  const unsigned char *p;
  size_t left;
} reader_t;

static int take(reader_t *r, void *dst, size_t n) {
  if (n > r->left) return -1;
  memcpy(dst, r->p, n);
  r->p += n;
  r->left -= n;
  return 0;
}

/* Allocates count × size bytes and fills them from r; NULL on short data. */
static void *take_array(reader_t *r, size_t count, size_t size) {
  if (count && size > r->left / count) return NULL;
  size_t bytes = count * size;
  void *a = util_xmalloc(bytes > 0 ? bytes : 1);
  if (take(r, a, count * size)) {
    free(a);
    return NULL;
  }
  return a;
}

int ml_model_load(const void *data, size_t n, ml_model_t **out, char *err, size_t errlen) {
  reader_t r = {data, n};
  uint32_t hdr[4];
  int32_t fo[6] = {0, 0, 0, 0, 0, 0};
  *out = NULL;
  if (take(&r, hdr, sizeof hdr) || hdr[0] != ML_MODEL_MAGIC) {
    snprintf(err, errlen, "not a Relais model");
    return UTIL_E_INVALID;
  }
  if (hdr[1] != ML_MODEL_FORMAT) {
    snprintf(err, errlen, "model format %u, this build reads format %d", hdr[1], ML_MODEL_FORMAT);
    return UTIL_E_INVALID;
  }
  if (hdr[2] < 2 || hdr[2] > ML_MAX_CLASSES || hdr[3] > ML_MAX_FEATURES) {
    snprintf(err, errlen, "model header out of range (%u classes, %u features)", hdr[2], hdr[3]);
    return UTIL_E_INVALID;
  }
  ml_model_t *m = util_xcalloc(1, sizeof *m);
  m->nclass = (int)hdr[2];
  m->nfeat = hdr[3];
  size_t K = hdr[2], D = hdr[3];
  float fw[3] = {1, 1, 0};
  int bad = take(&r, fo, sizeof fo) || take(&r, fw, sizeof fw) ||
            take(&r, &m->temperature, sizeof m->temperature) ||
            take(&r, &m->noof, sizeof m->noof);
  m->feat = (text_feat_opts_t){fo[0], fo[1], fo[2], fo[3] != 0, fo[4] != 0,
                               fw[0], fw[1], fo[5], fw[2]};
  for (int i = 0; i < 3; i++)
    if (!(fw[i] >= 0 && fw[i] <= 10)) bad = 1;
  if (fo[5] < 0 || fo[5] > 64) bad = 1;
  if (!bad && (fo[0] < 1 || fo[0] > 2 || fo[1] < 0 || fo[2] > 8 || !(m->temperature > 0)))
    bad = 1;
  if (!bad) {
    m->classes = util_xcalloc(K, sizeof *m->classes);
    for (size_t k = 0; !bad && k < K; k++) {
      uint32_t len;
      if (take(&r, &len, sizeof len) || len == 0 || len > ML_MAX_CLASS_NAME || len > r.left) {
        bad = 1;
        break;
      }
      m->classes[k] = util_xstrndup((const char *)r.p, len);
      r.p += len;
      r.left -= len;
    }
  }
  if (!bad) bad = !(m->keys = take_array(&r, D, sizeof *m->keys));
  if (!bad) bad = !(m->idf = take_array(&r, D, sizeof *m->idf));
  if (!bad) bad = !(m->w = take_array(&r, D * K, sizeof *m->w));
  if (!bad) bad = !(m->bias = take_array(&r, K, sizeof *m->bias));
  if (!bad) bad = !(m->cbias = take_array(&r, K, sizeof *m->cbias));
  uint32_t has_mat = 0;
  if (!bad) bad = take(&r, &has_mat, sizeof has_mat) || has_mat > 1;
  if (!bad && has_mat) bad = !(m->cmat = take_array(&r, K * K, sizeof *m->cmat));
  if (!bad) bad = !(m->threshold = take_array(&r, K, sizeof *m->threshold));
  if (!bad) bad = !(m->oof_true = take_array(&r, m->noof, sizeof *m->oof_true));
  if (!bad) bad = !(m->oof_pred = take_array(&r, m->noof, sizeof *m->oof_pred));
  if (!bad) bad = !(m->oof_conf = take_array(&r, m->noof, sizeof *m->oof_conf));
  for (uint32_t i = 0; !bad && i < m->noof; i++)
    if (m->oof_true[i] < 0 || m->oof_true[i] >= (int)K || m->oof_pred[i] < 0 ||
        m->oof_pred[i] >= (int)K)
      bad = 1;
  if (!bad && r.left) bad = 1; /* trailing bytes: not what we wrote */
  if (bad) {
    snprintf(err, errlen, "model data truncated or corrupt");
    ml_model_free(&m);
    return UTIL_E_INVALID;
  }
  ml_model_index(m);
  ml_model_finish(m);
  *out = m;
  return 0;
}
