/* Little-endian byte codec of the saved files (vocabularies, models).
 * Bytes are assembled by shifts, never by copying host words, so the file
 * is the same on any host; floats travel as their IEEE-754 bit patterns. */
#include <stdlib.h>
#include <string.h>

#include "text_int.h"

int text_le_put_u32(util_buf_t *b, uint32_t v) {
  unsigned char o[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                        (unsigned char)(v >> 24)};
  return util_buf_append(b, o, sizeof o);
}

int text_le_put_u64(util_buf_t *b, uint64_t v) {
  unsigned char o[8];
  for (int i = 0; i < 8; i++) o[i] = (unsigned char)(v >> (8 * i));
  return util_buf_append(b, o, sizeof o);
}

int text_le_put_f32(util_buf_t *b, float v) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  return text_le_put_u32(b, u);
}

int text_le_put_f64(util_buf_t *b, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return text_le_put_u64(b, u);
}

int text_le_put_f32s(util_buf_t *b, const float *v, size_t n) {
  int rc = 0;
  for (size_t i = 0; !rc && i < n; i++) rc = text_le_put_f32(b, v[i]);
  return rc;
}

int text_le_get_u32(text_le_reader_t *r, uint32_t *v) {
  if (r->left < 4) return -1;
  const unsigned char *p = r->p;
  *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  r->p += 4;
  r->left -= 4;
  return 0;
}

int text_le_get_u64(text_le_reader_t *r, uint64_t *v) {
  if (r->left < 8) return -1;
  uint64_t x = 0;
  for (int i = 0; i < 8; i++) x |= (uint64_t)r->p[i] << (8 * i);
  *v = x;
  r->p += 8;
  r->left -= 8;
  return 0;
}

int text_le_get_f32(text_le_reader_t *r, float *v) {
  uint32_t u;
  if (text_le_get_u32(r, &u)) return -1;
  memcpy(v, &u, sizeof u);
  return 0;
}

int text_le_get_f64(text_le_reader_t *r, double *v) {
  uint64_t u;
  if (text_le_get_u64(r, &u)) return -1;
  memcpy(v, &u, sizeof u);
  return 0;
}

float *text_le_get_f32s(text_le_reader_t *r, size_t n) {
  if (n > r->left / 4) return NULL; /* checked before allocating: a length is never trusted */
  float *a = util_xmalloc(n ? n * sizeof *a : 1);
  for (size_t i = 0; i < n; i++) text_le_get_f32(r, &a[i]);
  return a;
}
