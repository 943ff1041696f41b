/* A person's text as search words: src/text's tokens, folded as the
 * models see them, without the stop words that would match everything. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "search.h"

void search_words_clear(search_words_t *w) {
  for (int i = 0; i < w->n; i++) free(w->word[i]);
  free(w->match);
  memset(w, 0, sizeof *w);
}

static int has_word(const search_words_t *w, const char *f) {
  for (int i = 0; i < w->n; i++)
    if (strcmp(w->word[i], f) == 0) return 1;
  return 0;
}

/* The FTS5 expression: any of the words, each a quoted string (FTS5
 * tokenizes it again, into a phrase when it holds punctuation). */
static char *match_any(const search_words_t *w, const int *keep) {
  size_t cap = 1;
  for (int i = 0; i < w->n; i++) cap += strlen(w->word[i]) + 6;
  char *m = util_xmalloc(cap), *p = m;
  for (int i = 0; i < w->n; i++)
    if (!keep || keep[i]) p += snprintf(p, cap - (size_t)(p - m), "%s\"%s\"", p > m ? " OR " : "", w->word[i]);
  *p = 0;
  return m;
}

char *search_words_match(const search_words_t *w, const int *keep) { return match_any(w, keep); }

int search_words_of(const char *text, search_words_t *w) {
  memset(w, 0, sizeof *w);
  snprintf(w->lang, sizeof w->lang, "en");
  text_ctx_t *ctx = text ? text_ctx_new() : NULL;
  if (!ctx) return -1;
  text_doc_t d;
  text_doc_init(&d);
  text_analyse_opt(ctx, text, strlen(text), -1, 0, &d);
  snprintf(w->lang, sizeof w->lang, "%s", text_lang_code(d.lang));
  for (size_t i = 0; i < d.n && w->n < SEARCH_WORDS_MAX; i++) {
    const text_token_t *t = &d.tok[i];
    const char *f = d.arena + t->form;
    /* a quote would end the FTS5 string early: such a token is left out */
    if (t->stop || t->form_len < 2 || strchr(f, '"') || has_word(w, f)) continue;
    w->word[w->n++] = util_xstrdup(f);
  }
  text_doc_clear(&d);
  text_ctx_free(&ctx);
  if (!w->n) return -1;
  w->match = match_any(w, NULL);
  return 0;
}

int search_words_found(const search_words_t *w, const char *text, int *found) {
  for (int i = 0; i < w->n; i++) found[i] = 0;
  text_ctx_t *ctx = text ? text_ctx_new() : NULL;
  if (!ctx) return 0;
  text_doc_t d;
  text_doc_init(&d);
  text_analyse_opt(ctx, text, strlen(text), -1, 0, &d);
  int n = 0;
  for (size_t i = 0; i < d.n; i++)
    for (int k = 0; k < w->n; k++)
      if (!found[k] && strcmp(d.arena + d.tok[i].form, w->word[k]) == 0) found[k] = 1, n++;
  text_doc_clear(&d);
  text_ctx_free(&ctx);
  return n;
}

struct search_alike {
  search_words_t w;
  text_ctx_t *ctx;
  text_doc_t doc;
};

search_alike_t *search_alike_new(const char *text) {
  search_alike_t *a = util_xcalloc(1, sizeof *a);
  if (search_words_of(text, &a->w) || !(a->ctx = text_ctx_new())) {
    search_words_clear(&a->w);
    free(a);
    return NULL;
  }
  text_doc_init(&a->doc);
  return a;
}

void search_alike_free(search_alike_t **pa) {
  search_alike_t *a = *pa;
  if (!a) return;
  search_words_clear(&a->w);
  text_doc_clear(&a->doc);
  text_ctx_free(&a->ctx);
  free(a);
  *pa = NULL;
}

const search_words_t *search_alike_words(const search_alike_t *a) { return &a->w; }

/* The distinct search words of the document (its non-stop folded forms of
 * two bytes or more, its first ALIKE_DOC_WORDS distinct ones: a long text
 * is judged on its start, and each new form is compared with those kept
 * only, 80,000 comparisons at most) against the query's:
 * cosine = shared / sqrt(|q|·|d|). */
#define ALIKE_DOC_WORDS 400
double search_alike_score(search_alike_t *a, const char *doc, int *shared) {
  int found[SEARCH_WORDS_MAX] = {0}, hits = 0;
  const char *kept[ALIKE_DOC_WORDS]; /* the document's distinct forms so far */
  size_t distinct = 0;
  text_analyse_opt(a->ctx, doc, strlen(doc), -1, 0, &a->doc);
  for (size_t i = 0; i < a->doc.n && distinct < ALIKE_DOC_WORDS; i++) {
    const text_token_t *t = &a->doc.tok[i];
    if (t->stop || t->form_len < 2) continue;
    const char *f = a->doc.arena + t->form;
    int seen = 0; /* counted once */
    for (size_t j = 0; j < distinct && !seen; j++) seen = strcmp(kept[j], f) == 0;
    if (seen) continue;
    kept[distinct++] = f;
    for (int k = 0; k < a->w.n; k++)
      if (!found[k] && strcmp(f, a->w.word[k]) == 0) found[k] = 1, hits++;
  }
  if (shared) memcpy(shared, found, sizeof found);
  return hits && distinct ? (double)hits / sqrt((double)a->w.n * (double)distinct) : 0.0;
}
