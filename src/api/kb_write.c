/* /api/v1/kb: writing articles (agents and admins). Creating one (also as
 * a translation of another, or from a resolved ticket), changing its text
 * and tags (a new version when the text changes), moving it to another
 * state. Reading is kb.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../search/search.h"
#include "api_int.h"

/* A tag of the body (category, service, ci): absent leaves *slot, null
 * clears it, a name must be an active entry of the desk's list. */
static int kb_tag(api_call_t *c, const char *key, store_tf_t f, char **slot, json_t *ch) {
  const char *s = NULL;
  int present = 0;
  if (api_field_string(c, key, 1, STORE_ENTRY_NAME_MAX, 1, &s, &present)) return UTIL_E_INVALID;
  if (!present) return 0;
  char *canon = NULL;
  desk_err_t e = {0};
  if (s && *slot && strcasecmp(s, *slot) == 0) return 0; /* unchanged: kept even if retired since */
  if (s && desk_list_value(c->db, f, s, &canon, &e)) {
    api_desk_error(c, &e);
    return e.code;
  }
  api_audit_change(ch, key, *slot ? json_string(*slot) : json_null(), canon ? json_string(canon) : json_null());
  free(*slot);
  *slot = canon;
  return 0;
}

/* A text of the body into *slot (when present); *changed set when it
 * differs. */
static int kb_text(api_call_t *c, const char *key, size_t max, char **slot, int *changed) {
  const char *s = NULL;
  if (api_field_string(c, key, 1, max, 0, &s, NULL)) return UTIL_E_INVALID;
  if (!s) return 0;
  if (!*slot || strcmp(*slot, s) != 0) *changed = 1;
  free(*slot);
  *slot = util_xstrdup(s);
  return 0;
}

/* The body's fields into a (the present ones); *text_changed says whether
 * the title or body differ from a's. */
static int kb_from_body(api_call_t *c, store_kb_article_t *a, int *text_changed, json_t *ch) {
  int pub = a->is_public, has_pub = 0;
  *text_changed = 0;
  if (kb_text(c, "title", SEARCH_KB_TITLE_MAX, &a->title, text_changed) ||
      kb_text(c, "body", SEARCH_KB_BODY_MAX, &a->body, text_changed) ||
      api_field_bool(c, "public", &pub, &has_pub) || kb_tag(c, "category", STORE_TF_CATEGORY, &a->category, ch) ||
      kb_tag(c, "service", STORE_TF_SERVICE, &a->service, ch) || kb_tag(c, "ci", STORE_TF_CI, &a->ci, ch))
    return UTIL_E_INVALID;
  api_audit_change(ch, "public", json_boolean(a->is_public), json_boolean(pub));
  a->is_public = pub;
  if (*text_changed) json_object_set_new(ch, "text", json_true());
  return 0;
}

/* The article as stored, read back, with status; or the error of rc:
 * a conflict as the caller names it (field, message), a change saved
 * meanwhile as 412. */
static void kb_reply_saved(api_call_t *c, int rc, int64_t id, int status, const char *field, const char *conflict) {
  if (rc == UTIL_E_CONFLICT) api_error(c, rc, field, "%s", conflict);
  else if (rc == UTIL_E_STALE)
    api_refuse(c, rc, "version", API_WHY(CHANGED_MEANWHILE), "article %lld was saved by someone else meanwhile: reload it",
               (long long)id);
  else if (rc) api_error(c, rc, NULL, "cannot save the article");
  else api_kb_reply(c, id, status);
}

/* The language of the body's "lang", or of the text when absent. */
static int kb_lang(api_call_t *c, store_kb_article_t *a) {
  static const char *const langs[] = {"fr", "en", NULL};
  const char *s = NULL;
  if (api_field_string(c, "lang", 2, 2, 0, &s, NULL)) return UTIL_E_INVALID;
  if (s && strcmp(s, "fr") != 0 && strcmp(s, "en") != 0) {
    api_refuse(c, UTIL_E_INVALID, "lang", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = langs},
               "'lang' must be fr or en");
    return UTIL_E_INVALID;
  }
  snprintf(a->lang, sizeof a->lang, "%s", s ? s : search_lang_of(a->title, a->body));
  return 0;
}

/* "translation_of": the family of that article (which must exist). */
static int kb_family(api_call_t *c, store_kb_article_t *a) {
  int64_t of = 0;
  int present = 0;
  if (api_field_int(c, "translation_of", 1, INT64_MAX, 1, &of, &present, NULL)) return UTIL_E_INVALID;
  if (!of) return 0;
  store_kb_article_t src;
  if (store_kb_get(c->db, of, &src)) {
    api_refuse(c, UTIL_E_INVALID, "translation_of", API_WHY(UNKNOWN_ENTRY), "there is no article %lld",
               (long long)of);
    return UTIL_E_INVALID;
  }
  a->family_id = src.family_id;
  store_kb_clear(&src);
  return 0;
}

static int kb_required(api_call_t *c, const store_kb_article_t *a) {
  const char *missing = !a->title ? "title" : !a->body ? "body" : NULL;
  if (!missing) return 0;
  api_refuse(c, UTIL_E_INVALID, missing, API_WHY(REQUIRED), "an article needs a %s", missing);
  return UTIL_E_INVALID;
}

/* Inserts a (complete) by the caller, audited for an admin, and replies
 * 201 with it. */
static void kb_insert_reply(api_call_t *c, store_kb_article_t *a, json_t *ch) {
  a->author_id = c->user.id;
  int rc = store_begin(c->db);
  if (!rc) rc = store_kb_insert(c->db, a, c->user.id);
  if (!rc && c->user.role == STORE_ROLE_ADMIN) {
    rc = api_audit(c, "kb.create", "article", a->id, a->title, ch);
    ch = NULL;
  }
  json_decref(ch);
  kb_reply_saved(c, api_txn_end(c, rc), a->id, 201, "lang", "this article has a translation in that language already");
}

/* POST: a new draft. */
void api_kb_create(api_call_t *c) {
  static const char *const allowed[] = {"title", "body", "lang", "public", "category", "service", "ci",
                                        "translation_of", NULL};
  store_kb_article_t a = {0};
  json_t *ch = json_object();
  int changed = 0;
  if (api_body_object(c) || api_body_only(c, allowed) || kb_from_body(c, &a, &changed, ch) ||
      kb_required(c, &a) || kb_lang(c, &a) || kb_family(c, &a)) {
    json_decref(ch);
    store_kb_clear(&a);
    return;
  }
  kb_insert_reply(c, &a, ch);
  store_kb_clear(&a);
}

/* Loads article {id} for a change; replies 404 when there is none. */
static int kb_for_change(api_call_t *c, store_kb_article_t *a) {
  int rc = store_kb_get(c->db, c->id[0], a);
  if (rc) {
    api_error(c, rc, NULL, rc == UTIL_E_NOTFOUND ? "no article %lld" : "cannot read article %lld",
              (long long)c->id[0]);
    return rc;
  }
  return 0;
}

/* PATCH {id}: title, body, public, tags; a new version when the text
 * changes. "version", when given, must be the newest (412 otherwise). */
void api_kb_patch(api_call_t *c) {
  static const char *const allowed[] = {"title", "body", "public", "category", "service", "ci", "version", NULL};
  store_kb_article_t a;
  if (kb_for_change(c, &a)) return;
  json_t *ch = json_object();
  int64_t expected = 0;
  int changed = 0;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_int(c, "version", 1, INT64_MAX, 0, &expected, NULL, NULL))
    goto out;
  if (expected && expected != a.version) {
    api_refuse(c, UTIL_E_STALE, "version", API_WHY(CHANGED_MEANWHILE),
               "article %lld is at version %lld now, not %lld: reload it", (long long)a.id,
               (long long)a.version, (long long)expected);
    goto out;
  }
  if (!search_kb_editable(a.state)) {
    api_refuse(c, UTIL_E_CONFLICT, "state", API_WHY(TRANSITION), "an archived article is restored to draft before it is changed");
    goto out;
  }
  if (kb_from_body(c, &a, &changed, ch)) goto out;
  int rc = store_begin(c->db);
  if (!rc) rc = store_kb_update(c->db, &a, changed, c->user.id);
  if (!rc && c->user.role == STORE_ROLE_ADMIN) {
    rc = api_audit(c, "kb.update", "article", a.id, a.title, ch);
    ch = NULL;
  }
  kb_reply_saved(c, api_txn_end(c, rc), a.id, 200, "version", "this article changed meanwhile: reload it");
out:
  json_decref(ch);
  store_kb_clear(&a);
}

/* POST {id}/state {"state": …}: a move the lifecycle allows, audited. */
void api_kb_state(api_call_t *c) {
  static const char *const allowed[] = {"state", NULL};
  store_kb_article_t a;
  const char *to = NULL;
  if (kb_for_change(c, &a)) return;
  if (api_body_object(c) || api_body_only(c, allowed) || api_field_string(c, "state", 1, 16, 0, &to, NULL))
    goto out;
  if (!to || !search_kb_state_ok(to)) {
    api_refuse(c, UTIL_E_INVALID, "state",
               &(util_why_t){.reason = to ? UTIL_WHY_NOT_ALLOWED : UTIL_WHY_REQUIRED, .allowed = search_kb_states},
               "'state' must be draft, review, published or archived");
    goto out;
  }
  if (!search_kb_transition_ok(a.state, to)) {
    util_why_t why = {.reason = UTIL_WHY_TRANSITION};
    snprintf(why.from, sizeof why.from, "%s", a.state);
    snprintf(why.to, sizeof why.to, "%s", to);
    api_refuse(c, UTIL_E_CONFLICT, "state", &why, "an article cannot go from %s to %s", a.state, to);
    goto out;
  }
  int rc = store_begin(c->db);
  if (!rc) rc = store_kb_set_state(c->db, a.id, a.state, to, c->user.id);
  if (!rc) rc = api_audit(c, "kb.state", "article", a.id, a.title, json_pack("{s:[s,s]}", "state", a.state, to));
  kb_reply_saved(c, api_txn_end(c, rc), a.id, 200, "state", "the article's state changed meanwhile: reload it");
out:
  store_kb_clear(&a);
}

/* The first max bytes of s (NULL: ""), cut on a character boundary; owned. */
static char *kb_cut(const char *s, size_t max) {
  size_t n = util_utf8_prefix(s, max);
  char *out = util_xmalloc(n + 1);
  if (n) memcpy(out, s, n);
  out[n] = 0;
  return out;
}

/* POST /tickets/{id}/kb: a draft made from a resolved (or closed)
 * ticket: its title, its description as the problem and its resolution
 * as the solution, its language and tags. */
void api_kb_from_ticket(api_call_t *c) {
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  const char *st = t.v[STORE_TF_STATUS].s ? t.v[STORE_TF_STATUS].s : "";
  if (strcmp(st, "resolved") != 0 && strcmp(st, "closed") != 0) {
    api_refuse(c, UTIL_E_CONFLICT, "status", API_WHY(TRANSITION),
               "ticket %lld is not resolved: an article is made from a solved ticket", (long long)c->id[0]);
    store_ticket_clear(&t);
    return;
  }
  store_kb_article_t a = {.source_ticket_id = c->id[0]};
  const char *lang = t.v[STORE_TF_LANGUAGE].s, *res = t.v[STORE_TF_RESOLUTION].s;
  int fr = lang && strcmp(lang, "fr") == 0;
  snprintf(a.lang, sizeof a.lang, "%s", fr ? "fr" : "en");
  a.title = kb_cut(t.v[STORE_TF_TITLE].s, SEARCH_KB_TITLE_MAX);
  /* within an article's limits whatever the ticket holds */
  char *desc = kb_cut(t.v[STORE_TF_DESCRIPTION].s, SEARCH_KB_BODY_MAX / 2 - 100);
  char *sol = kb_cut(res, SEARCH_KB_BODY_MAX / 2 - 100);
  a.body = search_kb_draft_body(fr, desc, sol);
  free(desc);
  free(sol);
  a.category = t.v[STORE_TF_CATEGORY].s ? util_xstrdup(t.v[STORE_TF_CATEGORY].s) : NULL;
  a.service = t.v[STORE_TF_SERVICE].s ? util_xstrdup(t.v[STORE_TF_SERVICE].s) : NULL;
  a.ci = t.v[STORE_TF_CI].s ? util_xstrdup(t.v[STORE_TF_CI].s) : NULL;
  store_ticket_clear(&t);
  kb_insert_reply(c, &a, json_pack("{s:I}", "source_ticket_id", (json_int_t)a.source_ticket_id));
  store_kb_clear(&a);
}
