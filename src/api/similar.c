/* Similar tickets: GET /api/v1/tickets/{id}/similar and
 * GET /api/v1/search/similar?text=…, for agents. The full-text index gives
 * up to SIMILAR_CANDIDATES tickets holding any word of the text, best
 * BM25 first (title words weighing twice); each is scored by the cosine of
 * the two texts' word sets, kept from SIMILAR_MIN with two shared words at
 * least, and shown in BM25's order (on the French demo's split, P@1 0.856
 * against 0.800 in the cosine's order: bench/search.sh), with its
 * similarity, the words they share and, for a
 * solved one, its resolution. A stated default until the desk's own
 * signals train a ranking. */
#include <stdlib.h>
#include <string.h>

#include "../search/search.h"
#include "api_int.h"

#define SIMILAR_CANDIDATES 50
#define SIMILAR_TEXT_MAX 20000
#define SIMILAR_MIN 0.15 /* below: not shown (a word or two in common by chance) */

typedef struct {
  api_call_t *c;
  search_alike_t *alike;
  struct hit { int64_t id; double score; } hits[SIMILAR_CANDIDATES];
  int n;
} similar_t;

static int similar_one(int64_t id, void *arg) {
  similar_t *sm = arg;
  store_ticket_t t;
  if (store_ticket_get(sm->c->db, id, &t)) return 0;
  const char *ti = t.v[STORE_TF_TITLE].s ? t.v[STORE_TF_TITLE].s : "";
  const char *de = t.v[STORE_TF_DESCRIPTION].s ? t.v[STORE_TF_DESCRIPTION].s : "";
  size_t n = strlen(ti) + strlen(de) + 2;
  char *both = util_xmalloc(n);
  snprintf(both, n, "%s\n%s", ti, de);
  int shared[SEARCH_WORDS_MAX], nshared = 0, nwords = search_alike_words(sm->alike)->n;
  double score = search_alike_score(sm->alike, both, shared);
  free(both);
  store_ticket_clear(&t);
  for (int i = 0; i < nwords; i++) nshared += shared[i];
  /* two words in common at least (one for a one-word text): one common word is chance */
  if (score >= SIMILAR_MIN && nshared >= (nwords < 2 ? nwords : 2) && sm->n < SIMILAR_CANDIDATES)
    sm->hits[sm->n++] = (struct hit){id, score};
  return 0;
}

/* The JSON of hit h: the ticket's id, title, status, category, resolution,
 * resolved_at, similarity and the shared words. */
static json_t *similar_json(similar_t *sm, const struct hit *h) {
  store_ticket_t t;
  if (store_ticket_get(sm->c->db, h->id, &t)) return NULL;
  const char *ti = t.v[STORE_TF_TITLE].s ? t.v[STORE_TF_TITLE].s : "";
  const char *de = t.v[STORE_TF_DESCRIPTION].s ? t.v[STORE_TF_DESCRIPTION].s : "";
  size_t n = strlen(ti) + strlen(de) + 2;
  char *both = util_xmalloc(n);
  snprintf(both, n, "%s\n%s", ti, de);
  int shared[SEARCH_WORDS_MAX];
  search_alike_score(sm->alike, both, shared);
  free(both);
  const search_words_t *w = search_alike_words(sm->alike);
  json_t *words = json_array();
  for (int i = 0; i < w->n; i++)
    if (shared[i]) json_array_append_new(words, json_string(w->word[i]));
  const store_val_t *res = &t.v[STORE_TF_RESOLUTION], *cat = &t.v[STORE_TF_CATEGORY];
  json_t *j = json_pack("{s:I, s:s, s:s, s:f, s:o}", "id", (json_int_t)h->id, "title", ti, "status",
                        t.v[STORE_TF_STATUS].s ? t.v[STORE_TF_STATUS].s : "", "similarity", h->score, "words", words);
  json_object_set_new(j, "category", cat->is_null || !cat->s ? json_null() : json_string(cat->s));
  json_object_set_new(j, "resolution", res->is_null || !res->s ? json_null() : json_string(res->s));
  json_object_set_new(j, "resolved_at", t.v[STORE_TF_RESOLVED_AT].is_null ? json_null()
                                                                          : api_time_json(t.v[STORE_TF_RESOLVED_AT].i));
  store_ticket_clear(&t);
  return j;
}

/* Replies with the tickets most like text (ticket exclude left out). */
static void similar_reply(api_call_t *c, const char *text, int64_t exclude) {
  int64_t limit = 5;
  const char *st = api_arg(c, "status");
  if (api_arg_int(c, "limit", 1, 20, &limit, NULL)) return;
  if (st && strcmp(st, "solved") != 0 && strcmp(st, "any") != 0) {
    static const char *const allowed[] = {"solved", "any", NULL};
    api_refuse(c, UTIL_E_INVALID, "status", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = allowed},
               "'status' must be solved or any");
    return;
  }
  similar_t sm = {.c = c, .alike = search_alike_new(text)};
  json_t *items = json_array();
  if (sm.alike) {
    const search_words_t *w = search_alike_words(sm.alike);
    int rc = store_similar_candidates(c->db, w->match, exclude, !st || strcmp(st, "solved") == 0,
                                      SIMILAR_CANDIDATES, similar_one, &sm);
    if (rc) {
      search_alike_free(&sm.alike);
      json_decref(items);
      api_error(c, rc, NULL, "cannot search the tickets");
      return;
    }
    for (int i = 0; i < sm.n && (int64_t)json_array_size(items) < limit; i++) {
      json_t *j = similar_json(&sm, &sm.hits[i]);
      if (j) json_array_append_new(items, j);
    }
    search_alike_free(&sm.alike);
  }
  api_reply(c, 200, json_pack("{s:o}", "items", items));
}

void api_tickets_similar(api_call_t *c) {
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  const char *ti = t.v[STORE_TF_TITLE].s ? t.v[STORE_TF_TITLE].s : "";
  const char *de = t.v[STORE_TF_DESCRIPTION].s ? t.v[STORE_TF_DESCRIPTION].s : "";
  size_t n = strlen(ti) + strlen(de) + 2;
  char *both = util_xmalloc(n);
  snprintf(both, n, "%s\n%s", ti, de);
  similar_reply(c, both, c->id[0]);
  free(both);
  store_ticket_clear(&t);
}

void api_search_similar(api_call_t *c) {
  const char *text = api_arg(c, "text");
  if (!text || !*text) {
    api_refuse(c, UTIL_E_INVALID, "text", API_WHY(REQUIRED), "say what to look for ('text')");
    return;
  }
  if (strlen(text) > SIMILAR_TEXT_MAX) {
    api_refuse(c, UTIL_E_INVALID, "text", API_WHY_MAX(TOO_LONG, SIMILAR_TEXT_MAX), "'text' is longer than %d bytes",
               SIMILAR_TEXT_MAX);
    return;
  }
  if (!util_utf8_valid(text, strlen(text), NULL)) {
    api_refuse(c, UTIL_E_BADUTF8, "text", API_WHY(INVALID_UTF8), "'text' is not valid UTF-8");
    return;
  }
  similar_reply(c, text, 0);
}
