/* The knowledge base where work happens: GET /api/v1/kb/suggest?text=…
 * gives the published articles that answer a text being typed (the New
 * ticket form, a ticket's page), best first, with the words that matched;
 * POST /api/v1/kb/articles/{id}/deflect records that one solved the
 * reader's problem and no ticket was filed. Candidates come from the
 * full-text index (any of the text's words, BM25 with title words
 * weighing twice); an article is kept when it holds at least two of the
 * words (one when the text has only one). */
#include <stdlib.h>
#include <string.h>

#include "../search/search.h"
#include "api_int.h"

#define SUGGEST_TEXT_MAX 20000 /* bytes of text a suggestion reads */
#define SUGGEST_CANDIDATES 20  /* rows read from the index before the word check */
#define DEFLECT_TEXT_MAX 500   /* bytes of what was typed a deflection keeps */

typedef struct {
  const search_words_t *w;
  json_t *items;
  int limit;
} suggest_t;

static int suggest_one(const store_kb_article_t *a, void *arg) {
  suggest_t *sg = arg;
  if ((int)json_array_size(sg->items) >= sg->limit) return 1;
  size_t n = strlen(a->title) + strlen(a->body) + 2;
  char *both = util_xmalloc(n);
  snprintf(both, n, "%s\n%s", a->title, a->body);
  int found[SEARCH_WORDS_MAX];
  int hits = search_words_found(sg->w, both, found);
  free(both);
  if (hits < (sg->w->n < 2 ? sg->w->n : 2)) return 0;
  json_t *words = json_array();
  for (int i = 0; i < sg->w->n; i++)
    if (found[i]) json_array_append_new(words, json_string(sg->w->word[i]));
  size_t cut = util_utf8_prefix(a->body, 200);
  json_array_append_new(sg->items, json_pack("{s:I, s:s, s:s, s:b, s:s%, s:o, s:i, s:i}", "id", (json_int_t)a->id,
                                             "title", a->title, "lang", a->lang, "public", a->is_public, "excerpt",
                                             a->body, cut, "words", words, "matched", hits, "of", sg->w->n));
  return 0;
}

/* GET /kb/suggest?text=&limit= (1-10, 3). */
void api_kb_suggest(api_call_t *c) {
  const char *text = api_arg(c, "text");
  int64_t limit = 3;
  if (api_arg_int(c, "limit", 1, 10, &limit, NULL)) return;
  if (text && strlen(text) > SUGGEST_TEXT_MAX) {
    api_refuse(c, UTIL_E_INVALID, "text", API_WHY_MAX(TOO_LONG, SUGGEST_TEXT_MAX),
               "'text' is longer than %d bytes", SUGGEST_TEXT_MAX);
    return;
  }
  if (text && !util_utf8_valid(text, strlen(text), NULL)) {
    api_refuse(c, UTIL_E_BADUTF8, "text", API_WHY(INVALID_UTF8), "'text' is not valid UTF-8");
    return;
  }
  search_words_t w;
  json_t *items = json_array();
  if (text && !search_words_of(text, &w)) {
    suggest_t sg = {&w, items, (int)limit};
    /* the text's language first; the other one when it has nothing */
    store_kb_query_t q = {.state = "published", .public_only = c->user.role < STORE_ROLE_AGENT,
                          .lang = w.lang, .match = w.match, .limit = SUGGEST_CANDIDATES};
    int more = 0, rc = store_kb_list(c->db, &q, suggest_one, &sg, &more);
    if (!rc && json_array_size(items) == 0) {
      q.lang = NULL;
      rc = store_kb_list(c->db, &q, suggest_one, &sg, &more);
    }
    search_words_clear(&w);
    if (rc) {
      json_decref(items);
      api_error(c, rc, NULL, "cannot search the articles");
      return;
    }
  }
  api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* POST /kb/articles/{id}/deflect {"text"}: a published article the caller
 * may read solved their problem. */
void api_kb_deflect(api_call_t *c) {
  static const char *const allowed[] = {"text", NULL};
  const char *text = NULL;
  store_kb_article_t a;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "text", 0, SUGGEST_TEXT_MAX, 1, &text, NULL))
    return;
  int rc = store_kb_get(c->db, c->id[0], &a);
  if (!rc && (strcmp(a.state, "published") != 0 || (c->user.role < STORE_ROLE_AGENT && !a.is_public))) {
    store_kb_clear(&a);
    rc = UTIL_E_NOTFOUND;
  }
  if (rc) {
    api_error(c, rc, NULL, rc == UTIL_E_NOTFOUND ? "no article %lld" : "cannot read article %lld", (long long)c->id[0]);
    return;
  }
  size_t cut = util_utf8_prefix(text, DEFLECT_TEXT_MAX);
  char *kept = util_xmalloc(cut + 1);
  if (cut) memcpy(kept, text, cut);
  kept[cut] = 0;
  rc = store_kb_deflect(c->db, a.id, c->user.id, kept);
  free(kept);
  if (rc) api_error(c, rc, NULL, "cannot record that the article helped");
  else api_reply(c, 201, json_pack("{s:I, s:b}", "id", (json_int_t)a.id, "deflected", 1));
  store_kb_clear(&a);
}
