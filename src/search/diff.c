/* Line differences between two versions of a text: the common head and
 * tail are set aside, then a longest common subsequence of the middles'
 * lines (dynamic programming, two rows of lengths and a bit table of the
 * choices, so a 2,000 × 2,000-line middle takes about 1 MB), walked back
 * into an edit script. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define DIFF_MAX_CELLS 4000000u

typedef struct {
  const char *s;
  size_t len;
} line_t;

/* The lines of s (a last line without a newline counts; an empty text has
 * none). Owned array, *n lines. */
static line_t *split_lines(const char *s, size_t *n) {
  size_t cap = 16, k = 0;
  line_t *v = util_xmalloc(cap * sizeof *v);
  for (const char *p = s; *p;) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (k == cap) v = util_xrealloc(v, (cap *= 2) * sizeof *v);
    v[k++] = (line_t){p, len};
    p += len + (e ? 1 : 0);
  }
  *n = k;
  return v;
}

static int same(const line_t *a, const line_t *b) {
  return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Emits lines [from, to) of v with op; returns fn's stop value. */
static int emit(const line_t *v, size_t from, size_t to, search_diff_op_t op,
                int (*fn)(search_diff_op_t, const char *, size_t, void *), void *arg) {
  for (size_t i = from; i < to; i++) {
    int r = fn(op, v[i].s, v[i].len, arg);
    if (r) return r;
  }
  return 0;
}

/* The edit script of the middles a[0..n) and b[0..m) into fn. The LCS
 * lengths of the suffixes a[i..), b[j..) are computed from the end, two
 * rows at a time; a cell keeps two bits: whether a longest one starts by
 * matching a[i] with b[j], and whether it starts with a step in a (a
 * match or dropping a[i]) rather than in b. The walk from (0, 0) follows
 * them. */
static int middle(const line_t *a, size_t n, const line_t *b, size_t m,
                  int (*fn)(search_diff_op_t, const char *, size_t, void *), void *arg) {
  size_t cells = (n + 1) * (m + 1);
  uint32_t *next = util_xcalloc(m + 1, sizeof *next), *cur = util_xcalloc(m + 1, sizeof *cur);
  uint8_t *drop_a = util_xcalloc(cells / 8 + 1, 1); /* 1: step in a (match or delete) */
  uint8_t *match = util_xcalloc(cells / 8 + 1, 1);
  for (size_t i = n; i-- > 0;) {
    cur[m] = 0;
    for (size_t j = m; j-- > 0;) {
      size_t c = i * (m + 1) + j;
      if (same(&a[i], &b[j])) {
        cur[j] = next[j + 1] + 1;
        match[c / 8] |= (uint8_t)(1u << (c % 8));
        drop_a[c / 8] |= (uint8_t)(1u << (c % 8));
      } else if (next[j] >= cur[j + 1]) {
        cur[j] = next[j];
        drop_a[c / 8] |= (uint8_t)(1u << (c % 8));
      } else {
        cur[j] = cur[j + 1];
      }
    }
    uint32_t *t = next;
    next = cur;
    cur = t;
  }
  int r = 0;
  size_t i = 0, j = 0;
  while (!r && (i < n || j < m)) {
    size_t c = i * (m + 1) + j;
    if (i < n && j < m && (match[c / 8] >> (c % 8) & 1)) {
      r = fn(SEARCH_DIFF_SAME, a[i].s, a[i].len, arg);
      i++, j++;
    } else if (i < n && (j == m || (drop_a[c / 8] >> (c % 8) & 1))) {
      r = fn(SEARCH_DIFF_DEL, a[i].s, a[i].len, arg);
      i++;
    } else {
      r = fn(SEARCH_DIFF_ADD, b[j].s, b[j].len, arg);
      j++;
    }
  }
  free(next);
  free(cur);
  free(drop_a);
  free(match);
  return r;
}

int search_diff_lines(const char *a, const char *b,
                      int (*fn)(search_diff_op_t op, const char *line, size_t len, void *arg),
                      void *arg) {
  size_t n, m;
  line_t *la = split_lines(a ? a : "", &n), *lb = split_lines(b ? b : "", &m);
  size_t head = 0, tail = 0;
  while (head < n && head < m && same(&la[head], &lb[head])) head++;
  while (tail < n - head && tail < m - head && same(&la[n - 1 - tail], &lb[m - 1 - tail])) tail++;
  size_t na = n - head - tail, nb = m - head - tail;
  int r = emit(la, 0, head, SEARCH_DIFF_SAME, fn, arg);
  if (!r && (na + 1) * (nb + 1) <= DIFF_MAX_CELLS) r = middle(la + head, na, lb + head, nb, fn, arg);
  else if (!r) {
    r = emit(la, head, head + na, SEARCH_DIFF_DEL, fn, arg);
    if (!r) r = emit(lb, head, head + nb, SEARCH_DIFF_ADD, fn, arg);
  }
  if (!r) r = emit(la, n - tail, n, SEARCH_DIFF_SAME, fn, arg);
  free(la);
  free(lb);
  return r;
}
