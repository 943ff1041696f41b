/* What a search may ask of FTS5 (store_search_check).
 *
 * FTS5 expands a prefix term into every indexed term that starts with it
 * and merges their lists of matches inside one step of SQLite's machine,
 * where no progress handler can stop it: "a*" reads the lists of tens of
 * thousands of terms, and NEAR over 160 of them took a second at a
 * thousand tickets. So the query is read here first, with FTS5's grammar
 * (phrases bare or quoted, a trailing * for a prefix, column filters
 * "col:", AND OR NOT, NEAR(... , N), parentheses), and refused before it
 * runs when it asks too much. The limits leave every query a person types
 * alone; a query that passes and still runs long is stopped by the list's
 * step budget (ticket_list.c). */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

#define GUARD_TERMS 32       /* phrases in one query */
#define GUARD_PREFIXES 4     /* prefix terms (…*) */
#define GUARD_PREFIX_CHARS 3 /* characters before a prefix's * */
#define GUARD_NEARS 2        /* NEAR groups */
#define GUARD_NEAR_MAX 50    /* a NEAR group's distance */
#define GUARD_DEPTH 8        /* nested parentheses */

typedef struct {
  int terms, prefixes, nears, depth;
  int last_chars;  /* characters of the last phrase's last word; -1: none */
  int in_near;     /* depth of the open NEAR group's parenthesis, or 0 */
  char *why;
  size_t len;
} guard_t;

static int guard_fail(guard_t *g, const char *msg) {
  snprintf(g->why, g->len, "%s", msg);
  return UTIL_E_BADQUERY;
}

/* Characters (not bytes) of the last word of s[0..n). */
static int guard_last_word(const char *s, size_t n) {
  int chars = 0;
  for (size_t i = n; i > 0; i--) {
    unsigned char c = (unsigned char)s[i - 1];
    if (c < 0x80 && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
        !(c >= 'A' && c <= 'Z') && c != '_')
      break;
    if ((c & 0xc0) != 0x80) chars++; /* a continuation byte is not a character */
  }
  return chars;
}

static int guard_bare_char(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || c == '_' || c == 0x1a;
}

/* After "NEAR(": reads the distance at ", N)" when the group closes. */
static int guard_near_end(guard_t *g, const char **p) {
  const char *s = *p + 1; /* past ',' */
  while (*s == ' ' || *s == '\t') s++;
  long n = 0;
  int digits = 0;
  while (*s >= '0' && *s <= '9' && digits < 9) n = n * 10 + (*s++ - '0'), digits++;
  if (!digits) return 0; /* not a distance: FTS5 itself will say */
  if (n > GUARD_NEAR_MAX || digits == 9) {
    char msg[120];
    snprintf(msg, sizeof msg, "a NEAR group's distance is at most %d words", GUARD_NEAR_MAX);
    return guard_fail(g, msg);
  }
  *p = s - 1;
  return 0;
}

static int guard_phrase(guard_t *g, const char *s, size_t n) {
  if (++g->terms > GUARD_TERMS) {
    char msg[120];
    snprintf(msg, sizeof msg, "a search holds at most %d words or phrases", GUARD_TERMS);
    return guard_fail(g, msg);
  }
  g->last_chars = guard_last_word(s, n);
  return 0;
}

static int guard_prefix(guard_t *g) {
  char msg[160];
  if (g->last_chars < GUARD_PREFIX_CHARS) {
    snprintf(msg, sizeof msg, "a prefix search needs at least %d characters before its *",
             GUARD_PREFIX_CHARS);
    return guard_fail(g, msg);
  }
  if (++g->prefixes > GUARD_PREFIXES) {
    snprintf(msg, sizeof msg, "a search holds at most %d prefix searches (…*)", GUARD_PREFIXES);
    return guard_fail(g, msg);
  }
  g->last_chars = -1;
  return 0;
}

/* A bare word at *p: an operator, NEAR, a column name or a phrase. */
static int guard_word(guard_t *g, const char **p) {
  const char *s = *p, *e = s;
  while (guard_bare_char((unsigned char)*e)) e++;
  size_t n = (size_t)(e - s);
  const char *after = e;
  while (*after == ' ' || *after == '\t') after++;
  *p = e - 1;
  if ((n == 3 && (!strncmp(s, "AND", 3) || !strncmp(s, "NOT", 3))) || (n == 2 && !strncmp(s, "OR", 2))) {
    g->last_chars = -1;
    return 0;
  }
  if (n == 4 && !strncmp(s, "NEAR", 4) && *after == '(') {
    if (++g->nears > GUARD_NEARS) {
      char msg[80];
      snprintf(msg, sizeof msg, "a search holds at most %d NEAR groups", GUARD_NEARS);
      return guard_fail(g, msg);
    }
    g->in_near = g->depth + 1;
    g->last_chars = -1;
    return 0;
  }
  if (*after == ':') { /* a column filter, not a phrase */
    g->last_chars = -1;
    return 0;
  }
  return guard_phrase(g, s, n);
}

int store_search_check(const char *q, char *why, size_t len) {
  guard_t g = {.last_chars = -1, .why = why, .len = len};
  if (why && len) why[0] = '\0';
  for (const char *p = q; *p; p++) {
    int rc = 0;
    switch (*p) {
    case '"': {
      const char *s = ++p;
      while (*p && !(p[0] == '"' && p[1] != '"')) p += p[0] == '"' ? 2 : 1;
      rc = guard_phrase(&g, s, (size_t)(p - s));
      if (!*p) p--; /* unterminated: FTS5 refuses it */
      break;
    }
    case '*': rc = guard_prefix(&g); break;
    case '(':
      if (++g.depth > GUARD_DEPTH) rc = guard_fail(&g, "a search nests at most 8 parentheses");
      g.last_chars = -1;
      break;
    case ')':
      if (g.in_near == g.depth) g.in_near = 0;
      g.depth -= g.depth > 0;
      g.last_chars = -1;
      break;
    case ',':
      if (g.in_near) rc = guard_near_end(&g, &p);
      break;
    default:
      if (guard_bare_char((unsigned char)*p)) rc = guard_word(&g, &p);
      else g.last_chars = -1;
    }
    if (rc) return rc;
  }
  return 0;
}
