/* The knowledge base's rules: states and what may follow what, Markdown
 * made safe to show, and the full-text expression of a reader's words. */
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "search.h"

const char *const search_kb_states[] = {"draft", "review", "published", "archived", NULL};

int search_kb_state_ok(const char *s) {
  for (int i = 0; s && search_kb_states[i]; i++)
    if (strcmp(s, search_kb_states[i]) == 0) return 1;
  return 0;
}

int search_kb_transition_ok(const char *from, const char *to) {
  static const char *const moves[][2] = {
      {"draft", "review"},   {"draft", "published"},     {"review", "draft"},
      {"review", "published"}, {"published", "draft"},   {"published", "archived"},
      {"archived", "draft"},
  };
  for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
    if (strcmp(from, moves[i][0]) == 0 && strcmp(to, moves[i][1]) == 0) return 1;
  return 0;
}

int search_kb_editable(const char *state) { return strcmp(state, "archived") != 0; }

const char *search_lang_of(const char *title, const char *body) {
  text_ctx_t *ctx = text_ctx_new();
  if (!ctx) return "en";
  size_t nt = title ? strlen(title) : 0, nb = body ? strlen(body) : 0;
  char *both = util_xmalloc(nt + nb + 2);
  snprintf(both, nt + nb + 2, "%s\n%s", title ? title : "", body ? body : "");
  text_lang_t l = text_detect_lang(ctx, both, nt + nb + 1);
  free(both);
  text_ctx_free(&ctx);
  return text_lang_code(l);
}

char *search_kb_draft_body(int fr, const char *description, const char *resolution) {
  const char *d = description && *description ? description : (fr ? "(à compléter)" : "(to be written)");
  const char *r = resolution && *resolution ? resolution : (fr ? "(à compléter)" : "(to be written)");
  size_t n = strlen(d) + strlen(r) + 64;
  char *out = util_xmalloc(n);
  /* "Solution" is the word in both languages */
  snprintf(out, n, "## %s\n\n%s\n\n## Solution\n\n%s\n", fr ? "Problème" : "Problem", d, r);
  return out;
}

#define MATCH_WORDS 16
#define MATCH_WORD_MAX 64 /* bytes of a word kept */

static int word_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Bytes that end a word: spaces, and what FTS5's syntax would read inside
 * a quoted string or after it (the quote, the prefix star, parentheses). */
static int word_end(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '"' ||
         c == '*' || c == '(' || c == ')';
}

char *search_match_all(const char *q, int prefix) {
  if (!q) return NULL;
  size_t n = strlen(q), cap = MATCH_WORDS * (MATCH_WORD_MAX + 6) + 1, len = 0;
  char *out = util_xmalloc(cap);
  int words = 0;
  for (size_t i = 0; i < n && words < MATCH_WORDS;) {
    if (word_end((unsigned char)q[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && !word_end((unsigned char)q[j])) j++;
    size_t a = i, e = j; /* the run without the punctuation around it */
    while (a < e && !word_byte((unsigned char)q[a])) a++;
    while (e > a && !word_byte((unsigned char)q[e - 1])) e--;
    size_t w = e - a < MATCH_WORD_MAX ? e - a : MATCH_WORD_MAX;
    while (w > 0 && w < e - a && ((unsigned char)q[a + w] & 0xC0) == 0x80) w--; /* whole characters */
    i = j;
    if (!w) continue; /* no letter or digit (or no whole character: not UTF-8) */
    /* a quoted string: the index's tokenizer splits it as it splits
     * documents (src/text: "srv-web-01" one token, "l'écran" the word
     * "écran"), into a phrase when it holds several words */
    len += (size_t)snprintf(out + len, cap - len, "%s\"%.*s\"%s", words ? " " : "", (int)w, q + a,
                            prefix ? "*" : "");
    words++;
  }
  if (!words) {
    free(out);
    return NULL;
  }
  return out;
}
