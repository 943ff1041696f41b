/* Capped growable buffer. Growth doubles; the cap bounds what input can make
 * us allocate. A failed append leaves the contents untouched and records
 * the failure, which every later append returns (see util.h). */
#include <stdlib.h>
#include <string.h>

#include "util.h"

void util_buf_init(util_buf_t *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
  b->err = 0;
}

/* Ensures room for n more bytes plus the NUL; a failure becomes sticky. */
static int buf_reserve(util_buf_t *b, size_t n) {
  if (b->err) return b->err;
  if (n > b->max || b->len > b->max - n) return b->err = UTIL_E_TOOBIG;
  size_t need = b->len + n + 1;
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  if (cap > b->max + 1) cap = b->max + 1;
  char *p = realloc(b->data, cap);
  if (!p) return b->err = UTIL_E_NOMEM;
  b->data = p;
  b->cap = cap;
  return 0;
}

int util_buf_append(util_buf_t *b, const void *p, size_t n) {
  int rc = buf_reserve(b, n);
  if (rc) return rc;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int util_buf_puts(util_buf_t *b, const char *s) {
  return util_buf_append(b, s, strlen(s));
}

int util_buf_putc(util_buf_t *b, char c) {
  /* Fast path for the byte-at-a-time writers (CSV reader, JSON escaper):
   * room for the byte and the terminator, and still under the cap. */
  if (!b->err && b->len + 2 <= b->cap && b->len < b->max) {
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return 0;
  }
  return util_buf_append(b, &c, 1);
}

int util_buf_printf(util_buf_t *b, const char *fmt, ...) {
  va_list ap;
  char small[256];
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (b->err) return b->err;
  if (n < 0) return b->err = UTIL_E_INVALID;
  if ((size_t)n < sizeof small) return util_buf_append(b, small, (size_t)n);
  int rc = buf_reserve(b, (size_t)n);
  if (rc) return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

int util_buf_error(const util_buf_t *b) { return b->err; }

void util_buf_reset(util_buf_t *b) {
  b->len = 0;
  b->err = 0;
  if (b->data) b->data[0] = '\0';
}

const char *util_buf_cstr(const util_buf_t *b) {
  return b->data ? b->data : "";
}

char *util_buf_steal(util_buf_t *b) {
  char *p = b->data ? b->data : util_xstrdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  b->err = 0;
  return p;
}

void util_buf_free(util_buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->err = 0;
}
