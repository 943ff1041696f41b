/* /api/v1/kb: the knowledge base. Agents and admins write articles, move
 * them through their states and read every version; requesters read the
 * published public articles only (any other does not exist for them),
 * vote on them and count their views. A change of state is audited
 * (kb.state), as is an admin's writing (kb.create, kb.update). The rules
 * of an article are the search module's (search.h). */
#include <stdlib.h>
#include <string.h>

#include "../search/search.h"
#include "api_int.h"

#define KB_EXCERPT 240 /* bytes of a body a list shows */

static int kb_reader(const api_call_t *c) { return c->user.role < STORE_ROLE_AGENT; }

/* A string member, or null. */
static json_t *kb_opt(const char *s) { return s ? json_string(s) : json_null(); }


/* body's "html" and "doc" (search.h) into j. */
static void kb_rendered(json_t *j, const char *body) {
  size_t n = strlen(body);
  char *html = search_markdown_html(body, n);
  json_t *doc = search_markdown_doc(body, n);
  json_object_set_new(j, "html", json_string(html ? html : ""));
  json_object_set_new(j, "doc", doc ? doc : json_pack("{s:s}", "t", "doc"));
  free(html);
}

static json_t *kb_json(const api_call_t *c, const store_kb_article_t *a, int whole) {
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:b, s:s, s:o, s:o, s:o, s:I, s:o, s:o}", "id",
                        (json_int_t)a->id, "family_id", (json_int_t)a->family_id, "lang", a->lang,
                        "state", a->state, "public", a->is_public, "title", a->title, "category",
                        kb_opt(a->category), "service", kb_opt(a->service), "ci", kb_opt(a->ci),
                        "version", (json_int_t)a->version, "created_at", api_time_json(a->created_at),
                        "updated_at", api_time_json(a->updated_at));
  json_object_set_new(j, "published_at", a->published_at ? api_time_json(a->published_at) : json_null());
  json_object_set_new(j, "views", json_integer(a->views));
  json_object_set_new(j, "helpful", json_integer(a->helpful));
  json_object_set_new(j, "unhelpful", json_integer(a->unhelpful));
  if (!kb_reader(c)) {
    json_object_set_new(j, "deflections", json_integer(store_kb_deflections(c->db, a->id)));
    json_object_set_new(j, "author", json_pack("{s:I, s:s}", "id", (json_int_t)a->author_id, "name",
                                               a->author_name ? a->author_name : ""));
    json_object_set_new(j, "source_ticket_id",
                        a->source_ticket_id ? json_integer(a->source_ticket_id) : json_null());
  }
  if (!whole) {
    json_object_set_new(j, "excerpt", json_stringn(a->body, util_utf8_prefix(a->body, KB_EXCERPT)));
    return j;
  }
  json_object_set_new(j, "body", json_string(a->body));
  kb_rendered(j, a->body);
  return j;
}

/* Loads article id as the caller may see it: 404 for a requester unless
 * it is published and public. */
static int kb_load(api_call_t *c, int64_t id, store_kb_article_t *a) {
  int rc = store_kb_get(c->db, id, a);
  if (!rc && kb_reader(c) && (!a->is_public || strcmp(a->state, "published") != 0)) {
    store_kb_clear(a);
    rc = UTIL_E_NOTFOUND;
  }
  if (rc == UTIL_E_NOTFOUND) api_error(c, rc, NULL, "no article %lld", (long long)id);
  else if (rc) api_error(c, rc, NULL, "cannot read article %lld", (long long)id);
  return rc;
}

/* ---- Reading ---------------------------------------------------------------- */

static int kb_list_one(const store_kb_article_t *a, void *arg) {
  void **p = arg;
  json_array_append_new(p[1], kb_json(p[0], a, 0));
  return 0;
}

/* A filter that must be one of allowed (NULL-terminated), or absent. */
static int kb_arg_one_of(api_call_t *c, const char *key, const char *const *allowed, const char **out) {
  *out = api_arg(c, key);
  if (!*out) return 0;
  for (const char *const *v = allowed; *v; v++)
    if (strcmp(*out, *v) == 0) return 0;
  api_refuse(c, UTIL_E_INVALID, key, &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = allowed},
             "'%s' must be one of the allowed values", key);
  return UTIL_E_INVALID;
}

static const char *const kb_langs[] = {"fr", "en", NULL};

/* GET: newest first, or the best matches of q first. Requesters see the
 * published public articles only, whatever they ask. */
void api_kb_list(api_call_t *c) {
  static const char *const publics[] = {"true", "false", NULL};
  store_kb_query_t q = {.limit = 25};
  int64_t limit = 25, after = 0;
  const char *pub = NULL, *text = api_arg(c, "q");
  if (kb_arg_one_of(c, "state", search_kb_states, &q.state) ||
      kb_arg_one_of(c, "lang", kb_langs, &q.lang) || kb_arg_one_of(c, "public", publics, &pub) ||
      api_arg_int(c, "limit", 1, STORE_KB_PAGE_MAX, &limit, NULL) || api_arg_cursor(c, 'k', &after))
    return;
  if (text && !util_utf8_valid(text, strlen(text), NULL)) {
    api_refuse(c, UTIL_E_BADUTF8, "q", API_WHY(INVALID_UTF8), "'q' is not valid UTF-8");
    return;
  }
  q.limit = (int)limit;
  q.before_id = after;
  q.public_only = pub && strcmp(pub, "true") == 0;
  q.category = api_arg(c, "category");
  q.service = api_arg(c, "service");
  q.ci = api_arg(c, "ci");
  if (kb_reader(c)) {
    q.state = "published";
    q.public_only = 1;
  }
  char *match = text ? search_match_all(text, 1) : NULL;
  q.match = match;
  json_t *items = json_array();
  void *p[2] = {c, items};
  int more = 0, rc = store_kb_list(c->db, &q, kb_list_one, p, &more);
  free(match);
  if (rc) {
    json_decref(items);
    api_error(c, rc, NULL, "cannot list the articles");
    return;
  }
  api_reply(c, 200, api_page_json(items, more && !q.match, 'k'));
}

static int kb_family_one(const store_kb_article_t *a, void *arg) {
  void **p = arg;
  const api_call_t *c = p[0];
  const store_kb_article_t *self = p[2];
  if (a->id == self->id || (kb_reader(c) && (!a->is_public || strcmp(a->state, "published") != 0)))
    return 0;
  json_array_append_new(p[1], json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "lang", a->lang,
                                        "title", a->title, "state", a->state));
  return 0;
}

/* The article with its HTML, its translations the caller may see, and
 * the caller's vote, replied with status. */
static void kb_reply_whole(api_call_t *c, const store_kb_article_t *a, int status) {
  json_t *j = kb_json(c, a, 1), *tr = json_array();
  void *p[3] = {c, tr, (void *)a};
  store_kb_family_each(c->db, a->family_id, kb_family_one, p);
  json_object_set_new(j, "translations", tr);
  int vote = store_kb_vote_of(c->db, a->id, c->user.id);
  json_object_set_new(j, "my_vote", vote < 0 ? json_null() : json_boolean(vote));
  api_reply(c, status, j);
}

void api_kb_reply(api_call_t *c, int64_t id, int status) {
  store_kb_article_t a;
  if (store_kb_get(c->db, id, &a)) {
    api_error(c, UTIL_E_DB, NULL, "cannot read article %lld back", (long long)id);
    return;
  }
  kb_reply_whole(c, &a, status);
  store_kb_clear(&a);
}

/* GET {id}. */
void api_kb_get(api_call_t *c) {
  store_kb_article_t a;
  if (kb_load(c, c->id[0], &a)) return;
  kb_reply_whole(c, &a, 200);
  store_kb_clear(&a);
}

static int kb_version_one(const store_kb_version_t *v, void *arg) {
  json_array_append_new(arg, json_pack("{s:I, s:s, s:I, s:s, s:o}", "version", (json_int_t)v->version,
                                       "title", v->title, "editor_id", (json_int_t)v->editor_id,
                                       "editor_name", v->editor_name ? v->editor_name : "", "at",
                                       api_time_json(v->at)));
  return 0;
}

static int kb_event_one(const store_kb_event_t *e, void *arg) {
  json_t *j = json_pack("{s:I, s:o, s:s, s:o, s:o}", "id", (json_int_t)e->id, "at", api_time_json(e->at),
                        "kind", e->kind ? e->kind : "", "from", kb_opt(e->from_state), "to",
                        kb_opt(e->to_state));
  json_object_set_new(j, "user", e->user_id ? json_pack("{s:I, s:s}", "id", (json_int_t)e->user_id,
                                                        "name", e->user_name ? e->user_name : "")
                                            : json_null());
  json_object_set_new(j, "version", e->version ? json_integer(e->version) : json_null());
  json_array_append_new(arg, j);
  return 0;
}

/* GET {id}/versions: every version (newest first) and what happened. */
void api_kb_versions(api_call_t *c) {
  store_kb_article_t a;
  if (kb_load(c, c->id[0], &a)) return;
  json_t *versions = json_array(), *events = json_array();
  int rc = store_kb_versions_each(c->db, a.id, kb_version_one, versions);
  if (!rc) rc = store_kb_events_each(c->db, a.id, kb_event_one, events);
  if (rc) {
    json_decref(versions);
    json_decref(events);
    api_error(c, rc, NULL, "cannot read the versions of article %lld", (long long)a.id);
  } else {
    api_reply(c, 200, json_pack("{s:I, s:o, s:o}", "id", (json_int_t)a.id, "versions", versions,
                                "events", events));
  }
  store_kb_clear(&a);
}

/* Version n of article {id}, replying 404 when there is none. */
static int kb_version_load(api_call_t *c, int64_t id, int64_t n, store_kb_version_t *v) {
  int rc = store_kb_version_get(c->db, id, n, v);
  if (rc == UTIL_E_NOTFOUND) api_error(c, rc, NULL, "article %lld has no version %lld", (long long)id, (long long)n);
  else if (rc) api_error(c, rc, NULL, "cannot read version %lld", (long long)n);
  return rc;
}

/* GET {id}/versions/{n}: that version's text and HTML. */
void api_kb_version_get(api_call_t *c) {
  store_kb_article_t a;
  store_kb_version_t v;
  if (kb_load(c, c->id[0], &a)) return;
  if (!kb_version_load(c, a.id, c->id[1], &v)) {
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:o}", "id", (json_int_t)a.id, "version",
                          (json_int_t)v.version, "title", v.title, "body", v.body, "editor_id",
                          (json_int_t)v.editor_id, "editor_name", v.editor_name ? v.editor_name : "",
                          "at", api_time_json(v.at));
    kb_rendered(j, v.body);
    api_reply(c, 200, j);
    store_kb_version_clear(&v);
  }
  store_kb_clear(&a);
}

static int kb_diff_one(search_diff_op_t op, const char *line, size_t len, void *arg) {
  const char ops[2] = {(char)op, 0};
  json_array_append_new(arg, json_pack("{s:s, s:s%}", "op", ops, "text", line, len));
  return 0;
}

/* GET {id}/diff?from=&to=: the lines from version from to version to
 * (default: the one before the newest, and the newest). */
void api_kb_diff(api_call_t *c) {
  store_kb_article_t a;
  if (kb_load(c, c->id[0], &a)) return;
  int64_t from = a.version > 1 ? a.version - 1 : 1, to = a.version;
  store_kb_version_t va = {0}, vb = {0};
  if (!api_arg_int(c, "from", 1, a.version, &from, NULL) && !api_arg_int(c, "to", 1, a.version, &to, NULL) &&
      !kb_version_load(c, a.id, from, &va) && !kb_version_load(c, a.id, to, &vb)) {
    json_t *lines = json_array();
    search_diff_lines(va.body, vb.body, kb_diff_one, lines);
    json_t *j = json_pack("{s:I, s:I, s:I, s:o}", "id", (json_int_t)a.id, "from", (json_int_t)from, "to",
                          (json_int_t)to, "lines", lines);
    json_object_set_new(j, "title", strcmp(va.title, vb.title) == 0
                                        ? json_null()
                                        : json_pack("{s:s, s:s}", "from", va.title, "to", vb.title));
    api_reply(c, 200, j);
  }
  store_kb_version_clear(&va);
  store_kb_version_clear(&vb);
  store_kb_clear(&a);
}

/* ---- Readers' signals ------------------------------------------------------- */

/* POST {id}/vote {"helpful": true|false}: the caller's vote, replacing
 * their earlier one. */
void api_kb_vote(api_call_t *c) {
  static const char *const allowed[] = {"helpful", NULL};
  store_kb_article_t a;
  int helpful = 0, present = 0;
  if (kb_load(c, c->id[0], &a)) return;
  if (api_body_object(c) || api_body_only(c, allowed) || api_field_bool(c, "helpful", &helpful, &present))
    goto out;
  if (!present) {
    api_refuse(c, UTIL_E_INVALID, "helpful", API_WHY(REQUIRED), "say whether the article helped ('helpful')");
    goto out;
  }
  int rc = store_kb_vote(c->db, a.id, c->user.id, helpful);
  store_kb_article_t back;
  if (rc || store_kb_get(c->db, a.id, &back)) {
    api_error(c, rc ? rc : UTIL_E_DB, NULL, "cannot record the vote");
    goto out;
  }
  api_reply(c, 200, json_pack("{s:I, s:I, s:I, s:b}", "id", (json_int_t)a.id, "helpful",
                              (json_int_t)back.helpful, "unhelpful", (json_int_t)back.unhelpful, "my_vote",
                              helpful));
  store_kb_clear(&back);
out:
  store_kb_clear(&a);
}

/* POST {id}/view: one more reading of a published article (the reader's
 * page sends it once when it opens one). */
void api_kb_view(api_call_t *c) {
  store_kb_article_t a;
  if (kb_load(c, c->id[0], &a)) return;
  int counts = strcmp(a.state, "published") == 0;
  int rc = counts ? store_kb_viewed(c->db, a.id) : 0;
  if (rc) api_error(c, rc, NULL, "cannot count the view");
  else api_reply(c, 200, json_pack("{s:I, s:I}", "id", (json_int_t)a.id, "views", (json_int_t)a.views + counts));
  store_kb_clear(&a);
}

/* POST /kb/preview {"body"}: the body rendered as an article's would be
 * (html and doc); nothing stored. */
void api_kb_preview(api_call_t *c) {
  static const char *const allowed[] = {"body", NULL};
  const char *body = NULL;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "body", 0, SEARCH_KB_BODY_MAX, 0, &body, NULL))
    return;
  json_t *j = json_object();
  kb_rendered(j, body ? body : "");
  api_reply(c, 200, j);
}
