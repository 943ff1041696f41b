/* Allocation wrappers implementing the policy written in util.h: small
 * internal allocations abort on failure; input-sized ones must not use these. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void alloc_die(size_t n) {
  fprintf(stderr, "relais: out of memory allocating %zu bytes\n", n);
  abort();
}

void *util_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) alloc_die(n);
  return p;
}

void *util_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) alloc_die(n * size);
  return p;
}

void *util_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) alloc_die(n);
  return q;
}

char *util_xstrdup(const char *s) {
  return util_xstrndup(s, strlen(s));
}

char *util_xstrndup(const char *s, size_t n) {
  char *d = util_xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *util_xasprintf(const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  char *s = util_xmalloc((size_t)n + 1);
  vsnprintf(s, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return s;
}
