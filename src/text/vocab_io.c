/* Saved vocabularies, read back with every length checked, so that a
 * truncated or foreign blob is refused, never trusted.
 *
 * Layout (format 1, little-endian; text.h's codec):
 *   u32 magic "RLSV", u32 format, u32 nfeat D, u32 has_terms, u64 ndocs N,
 *   u32 word_ngrams, char_min, char_max, stem, stopwords, head_tokens,
 *   f32 pair_weight, char_weight, head_weight,
 *   u64 hash[D] (strictly ascending, non-zero), u32 df[D] (1..N), f32 idf[D],
 *   and when has_terms: D × (u32 length, bytes) terms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text_int.h"

int text_vocab_save(const text_vocab_t *v, util_buf_t *b) {
  const text_feat_opts_t *o = &v->feat;
  uint32_t head[] = {TEXT_VOCAB_MAGIC, TEXT_VOCAB_FORMAT, v->nfeat, v->terms != NULL};
  uint32_t opts[] = {(uint32_t)o->word_ngrams, (uint32_t)o->char_min, (uint32_t)o->char_max,
                     (uint32_t)o->stem, (uint32_t)o->stopwords, (uint32_t)o->head_tokens};
  int rc = 0;
  for (size_t i = 0; !rc && i < 4; i++) rc = text_le_put_u32(b, head[i]);
  if (!rc) rc = text_le_put_u64(b, v->ndocs);
  for (size_t i = 0; !rc && i < 6; i++) rc = text_le_put_u32(b, opts[i]);
  if (!rc) rc = text_le_put_f32(b, o->pair_weight);
  if (!rc) rc = text_le_put_f32(b, o->char_weight);
  if (!rc) rc = text_le_put_f32(b, o->head_weight);
  for (uint32_t j = 0; !rc && j < v->nfeat; j++) rc = text_le_put_u64(b, v->keys[j]);
  for (uint32_t j = 0; !rc && j < v->nfeat; j++) rc = text_le_put_u32(b, v->df[j]);
  if (!rc) rc = text_le_put_f32s(b, v->idf, v->nfeat);
  for (uint32_t j = 0; !rc && v->terms && j < v->nfeat; j++) {
    const char *t = v->terms + v->term_off[j];
    uint32_t len = (uint32_t)strlen(t);
    rc = text_le_put_u32(b, len);
    if (!rc) rc = util_buf_append(b, t, len);
  }
  return rc;
}

/* NULL when the feature options are ones this build can extract, else why. */
static const char *check_opts(const uint32_t op[6], const float w[3]) {
  if (op[0] < 1 || op[0] > 2) return "vocabulary word n-grams out of range";
  if (op[2] > 8 || (op[1] > 0 && op[1] > op[2])) return "vocabulary character n-grams out of range";
  if (op[3] > 1 || op[4] > 1) return "vocabulary stem/stop-word flags out of range";
  if (op[5] > 64) return "vocabulary head words out of range";
  for (int i = 0; i < 3; i++)
    if (!(w[i] >= 0 && w[i] <= 10)) return "vocabulary feature weight out of range";
  return NULL;
}

/* Reads the D terms into v. 0, or -1 when short or out of range. */
static int load_terms(text_le_reader_t *r, text_vocab_t *v) {
  v->term_off = util_xmalloc((v->nfeat ? v->nfeat : 1) * sizeof *v->term_off);
  size_t cap = 4096;
  v->terms = util_xmalloc(cap);
  for (uint32_t j = 0; j < v->nfeat; j++) {
    uint32_t len;
    if (text_le_get_u32(r, &len) || len > TEXT_VOCAB_MAX_TERM || len > r->left) return -1;
    if (memchr(r->p, '\0', len)) return -1;
    if (v->terms_len + len + 1 > cap) {
      cap = (v->terms_len + len + 1) * 2;
      v->terms = util_xrealloc(v->terms, cap);
    }
    v->term_off[j] = (uint32_t)v->terms_len;
    memcpy(v->terms + v->terms_len, r->p, len);
    v->terms[v->terms_len + len] = '\0';
    v->terms_len += len + 1;
    r->p += len;
    r->left -= len;
  }
  return 0;
}

/* The arrays of v (nfeat set) from r; NULL, or what is wrong. */
static const char *load_arrays(text_le_reader_t *r, text_vocab_t *v) {
  size_t D = v->nfeat;
  if (D > r->left / 16) return "vocabulary arrays truncated"; /* 8 + 4 + 4 bytes a feature, checked before allocating */
  v->keys = util_xmalloc((D ? D : 1) * sizeof *v->keys);
  v->df = util_xmalloc((D ? D : 1) * sizeof *v->df);
  for (size_t j = 0; j < D; j++) {
    text_le_get_u64(r, &v->keys[j]);
    if (!v->keys[j] || (j && v->keys[j] <= v->keys[j - 1])) return "vocabulary hashes not strictly ascending";
  }
  for (size_t j = 0; j < D; j++) {
    text_le_get_u32(r, &v->df[j]);
    if (v->df[j] < 1 || v->df[j] > v->ndocs) return "vocabulary document frequency out of range";
  }
  if (!(v->idf = text_le_get_f32s(r, D))) return "vocabulary arrays truncated";
  for (size_t j = 0; j < D; j++)
    if (!(v->idf[j] > 0 && v->idf[j] < 1e6f)) return "vocabulary IDF out of range";
  return NULL;
}

int text_vocab_load(const void *data, size_t n, size_t *used, text_vocab_t **out, char *err,
                    size_t errlen) {
  text_le_reader_t r = {data, n};
  uint32_t head[4] = {0}, op[6] = {0};
  float w[3] = {0};
  uint64_t ndocs = 0;
  const char *bad = NULL;
  text_vocab_t *v = NULL;
  *out = NULL;
  if (text_le_get_u32(&r, &head[0]) || head[0] != TEXT_VOCAB_MAGIC) {
    bad = "not a Relais vocabulary";
    goto out;
  }
  int shortv = text_le_get_u32(&r, &head[1]) || text_le_get_u32(&r, &head[2]) ||
               text_le_get_u32(&r, &head[3]) || text_le_get_u64(&r, &ndocs);
  for (int i = 0; i < 6 && !shortv; i++) shortv = text_le_get_u32(&r, &op[i]);
  for (int i = 0; i < 3 && !shortv; i++) shortv = text_le_get_f32(&r, &w[i]);
  if (shortv) {
    bad = "vocabulary header truncated";
    goto out;
  }
  if (head[1] != TEXT_VOCAB_FORMAT) {
    snprintf(err, errlen, "vocabulary format %u, this build reads format %d", head[1],
             TEXT_VOCAB_FORMAT);
    return UTIL_E_INVALID;
  }
  if (head[2] > TEXT_VOCAB_MAX_FEATURES || head[3] > 1 || (head[2] && !ndocs)) {
    bad = "vocabulary header out of range";
    goto out;
  }
  if ((bad = check_opts(op, w))) goto out;
  v = util_xcalloc(1, sizeof *v);
  v->feat = (text_feat_opts_t){(int)op[0], (int)op[1], (int)op[2], (int)op[3], (int)op[4],
                               w[0], w[1], (int)op[5], w[2]};
  v->nfeat = head[2];
  v->ndocs = ndocs;
  if ((bad = load_arrays(&r, v))) goto out;
  if (head[3] && load_terms(&r, v)) {
    bad = "vocabulary terms truncated or corrupt";
    goto out;
  }
  if (!used && r.left) {
    bad = "trailing bytes after the vocabulary";
    goto out;
  }
  text_vocab_index(v);
out:
  if (bad) {
    snprintf(err, errlen, "%s", bad);
    text_vocab_free(&v);
    return UTIL_E_INVALID;
  }
  if (used) *used = n - r.left;
  *out = v;
  return 0;
}
