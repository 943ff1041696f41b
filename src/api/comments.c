/* /api/v1/tickets/{id}/comments and /history. Requesters see public replies
 * and the history without internal notes; agents see everything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

/* ---- Pages -------------------------------------------------------------------
 * Comments and history come a page at a time: limit (1-200, default 100)
 * items from the cursor on, oldest first; next_cursor ("c<id>" or
 * "h<id>") says where the next page starts, null after the last. A ticket
 * with a thousand long comments never makes one reply of megabytes. */
#define PAGE_DEFAULT 100
#define PAGE_MAX 200

typedef struct {
  json_t *items;
  int agent;    /* the caller sees internal notes, and who and what made each change */
  int64_t left; /* items still wanted on this page */
  int64_t last; /* id of the last one taken */
  int more;     /* one more exists */
} page_t;

/* Reads limit and cursor (tag: 'c' or 'h') into p and *after; replies 400. */
static int page_args(api_call_t *c, char tag, page_t *p, int64_t *after) {
  int64_t limit = PAGE_DEFAULT;
  if (api_arg_int(c, "limit", 1, PAGE_MAX, &limit, NULL) || api_arg_cursor(c, tag, after))
    return UTIL_E_INVALID;
  p->items = json_array();
  p->agent = api_role_at_least(c, STORE_ROLE_AGENT);
  p->left = limit;
  return 0;
}

/* Whether the page takes one more item (id); 1 stops the walk. */
static int page_full(page_t *p, int64_t id) {
  if (p->left == 0) {
    p->more = 1;
    return 1;
  }
  p->left--;
  p->last = id;
  return 0;
}

static void page_reply(api_call_t *c, page_t *p, int rc, char tag, const char *what) {
  if (rc) {
    json_decref(p->items);
    api_error(c, rc, NULL, "cannot read the %s", what);
    return;
  }
  char next[32];
  snprintf(next, sizeof next, "%c%lld", tag, (long long)p->last);
  api_reply(c, 200, json_pack("{s:o, s:o}", "items", p->items, "next_cursor",
                              p->more ? json_string(next) : json_null()));
}

static int comments_one(const store_comment_t *cm, void *arg) {
  page_t *p = arg;
  if (page_full(p, cm->id)) return 1;
  /* a hidden comment keeps its place; only the desk still reads it */
  int shown = !cm->hidden_by || p->agent;
  json_t *j = json_pack("{s:I, s:I, s:I, s:s?, s:s?, s:b, s:o, s:b}", "id", (json_int_t)cm->id,
                        "ticket_id", (json_int_t)cm->ticket_id, "author_id",
                        (json_int_t)cm->author_id, "author_name", cm->author_name,
                        "body", shown ? cm->body : NULL, "internal", cm->internal, "created_at",
                        api_time_json(cm->created_at), "hidden", cm->hidden_by != 0);
  if (j) json_object_set_new(j, "merged_from", cm->merged_from ? json_integer(cm->merged_from) : json_null());
  if (j && cm->hidden_by && p->agent)
    json_object_set_new(j, "hidden_by", cm->hidden_by_name ? json_string(cm->hidden_by_name) : json_null());
  json_array_append_new(p->items, j);
  return 0;
}

void api_comments_list(api_call_t *c) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  page_t p = {0};
  int64_t after;
  if (page_args(c, 'c', &p, &after)) return;
  int rc = store_comment_each(c->db, c->id[0], p.agent, after, comments_one, &p);
  page_reply(c, &p, rc, 'c', "comments");
}

/* A ticket takes at most limits.ticket_comments comments (409 past it) of
 * limits.ticket_comments_mb in all (413): one person cannot make a ticket
 * too big to read for everyone. */
int api_comments_room(api_call_t *c, int64_t ticket_id, size_t len, desk_err_t *e) {
  int64_t n = 0, bytes = 0;
  int rc = store_comment_stats(c->db, ticket_id, &n, &bytes);
  e->field[0] = '\0';
  e->why = (util_why_t){0};
  if (rc) {
    e->code = rc;
    snprintf(e->msg, sizeof e->msg, "cannot count the ticket's comments");
    return rc;
  }
  int64_t max_n = store_setting_int(c->db, "limits.ticket_comments", 1000);
  int64_t max_mb = store_setting_int(c->db, "limits.ticket_comments_mb", 16);
  if (n >= max_n) {
    e->code = UTIL_E_CONFLICT;
    e->why = (util_why_t){.reason = UTIL_WHY_LIMIT_REACHED, .has_max = 1, .max = max_n};
    snprintf(e->msg, sizeof e->msg,
             "ticket %lld has %lld comments, the most one ticket takes: open a new ticket",
             (long long)ticket_id, (long long)n);
    return e->code;
  }
  if (bytes + (int64_t)len > max_mb * 1024 * 1024) {
    e->code = UTIL_E_TOOBIG;
    e->why = (util_why_t){.reason = UTIL_WHY_LIMIT_REACHED, .has_max = 1, .max = max_mb * 1024 * 1024};
    snprintf(e->field, sizeof e->field, "body");
    snprintf(e->msg, sizeof e->msg, "ticket %lld's comments would pass %lld MB in all: open a new ticket",
             (long long)ticket_id, (long long)max_mb);
    return e->code;
  }
  return 0;
}

/* POST /api/v1/tickets/{id}/comments/{id}/hide and /show: an agent hides
 * an abusive reply from the requester's view (or shows it again); the
 * history records who did, nothing is deleted. */
static void comments_hide(api_call_t *c, int hide) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  int changed = 0, rc = store_comment_hide(c->db, c->id[0], c->id[1], hide, &a, &changed);
  if (rc == UTIL_E_NOTFOUND) {
    api_error(c, rc, NULL, "ticket %lld has no reply %lld (internal notes are never shown)",
              (long long)c->id[0], (long long)c->id[1]);
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot %s the comment", hide ? "hide" : "show");
    return;
  }
  api_reply(c, 200, json_pack("{s:I, s:b, s:b}", "id", (json_int_t)c->id[1], "hidden", hide,
                              "changed", changed));
}

void api_comments_hide(api_call_t *c) { comments_hide(c, 1); }
void api_comments_show(api_call_t *c) { comments_hide(c, 0); }

/* ---- A reply to the children -------------------------------------------------
 * An agent's public reply on a parent ticket may go to each of its children
 * that is not closed too ("to_children": true): the same text by the same
 * agent, with the event "parent_reply" (new_value: the parent's id). */
typedef struct {
  int64_t *ids;
  size_t n, cap;
} kids_t;

static int kids_one(int64_t child, const char *status, void *arg) {
  kids_t *k = arg;
  if (status && strcmp(status, "closed") == 0) return 0;
  if (k->n == k->cap) {
    k->cap = k->cap ? k->cap * 2 : 8;
    k->ids = util_xrealloc(k->ids, k->cap * sizeof *k->ids);
  }
  k->ids[k->n++] = child;
  return 0;
}

/* Inside the reply's transaction: copies cm (on the parent) to each open
 * child; *n counts them. 0, or an error with e set when a child cannot
 * take it (the caller rolls back: all children or none). */
static int comments_to_children(api_call_t *c, const store_comment_t *cm, int64_t *n, desk_err_t *e) {
  kids_t k = {0};
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  char parent[24];
  snprintf(parent, sizeof parent, "%lld", (long long)cm->ticket_id);
  int rc = store_link_children(c->db, cm->ticket_id, kids_one, &k);
  for (size_t i = 0; !rc && i < k.n; i++) {
    store_comment_t copy = {.ticket_id = k.ids[i], .author_id = c->user.id, .body = cm->body};
    rc = api_comments_room(c, k.ids[i], strlen(cm->body), e);
    if (rc) break;
    rc = store_comment_insert(c->db, &copy, &a, NULL);
    if (!rc) rc = store_history_add(c->db, k.ids[i], copy.created_at, &a, "parent_reply", NULL, parent);
    if (!rc) rc = desk_ticket_replied(c->db, k.ids[i], copy.created_at, 1);
    if (rc) {
      e->code = rc;
      e->field[0] = '\0';
      snprintf(e->msg, sizeof e->msg, "cannot add the reply to child ticket %lld", (long long)k.ids[i]);
    }
  }
  if (rc && !e->code) {
    e->code = rc;
    snprintf(e->msg, sizeof e->msg, "cannot read the child tickets");
  }
  *n = rc ? 0 : (int64_t)k.n;
  free(k.ids);
  return rc;
}

/* to_children is an agent's, on a public reply: 0, or replies 403/400. */
static int comments_children_ok(api_call_t *c, int to_children, int internal) {
  if (!to_children) return 0;
  if (!api_role_at_least(c, STORE_ROLE_AGENT)) {
    api_refuse(c, UTIL_E_FORBIDDEN, "to_children", API_WHY(AGENTS_ONLY),
               "only agents reply to the child tickets");
    return UTIL_E_FORBIDDEN;
  }
  if (internal) {
    api_error(c, UTIL_E_INVALID, "to_children", "only a public reply goes to the child tickets");
    return UTIL_E_INVALID;
  }
  return 0;
}

void api_comments_create(api_call_t *c) {
  static const char *const allowed[] = {"body", "internal", "still_broken", "to_children", NULL};
  const char *body;
  int internal = 0, still_broken = 0, to_children = 0;
  int64_t children = 0;
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "body", 1, 65536, 0, &body, NULL) ||
      api_field_bool(c, "internal", &internal, NULL) ||
      api_field_bool(c, "still_broken", &still_broken, NULL) ||
      api_field_bool(c, "to_children", &to_children, NULL))
    goto out;
  if (!body) {
    api_refuse(c, UTIL_E_INVALID, "body", API_WHY(REQUIRED), "'body' is required");
    goto out;
  }
  if (api_ticket_visible(c, c->id[0], &t)) goto out;
  if (internal && !api_role_at_least(c, STORE_ROLE_AGENT)) {
    api_refuse(c, UTIL_E_FORBIDDEN, "internal", API_WHY(AGENTS_ONLY), "only agents write internal notes");
    goto out;
  }
  if (comments_children_ok(c, to_children, internal)) goto out;
  const char *reopen;
  desk_err_t e = {0};
  if (desk_reply_status(c->id[0], t.v[STORE_TF_STATUS].s, c->user.role, still_broken, &reopen, &e)) {
    api_desk_error(c, &e);
    goto out;
  }
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  store_comment_t cm = {.ticket_id = c->id[0], .author_id = c->user.id,
                        .body = (char *)body, .internal = internal};
  int rc = store_begin(c->db);
  if (!rc && api_comments_room(c, c->id[0], strlen(body), &e)) {
    store_rollback(c->db);
    api_desk_error(c, &e);
    goto out;
  }
  if (!rc) rc = store_comment_insert(c->db, &cm, &a, NULL);
  if (!rc && reopen) { /* desk's rule: the reply puts the ticket back in the queue */
    store_ticket_t ch;
    store_ticket_init(&ch);
    store_ticket_set_text(&ch, STORE_TF_STATUS, reopen);
    store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
    rc = desk_ticket_update(c->db, c->id[0], &ch, 1u << STORE_TF_STATUS, &sys, NULL, &e);
    store_ticket_clear(&ch);
  }
  /* the desk's first public answer stops the first-response clock; who
   * spoke last says whom the ticket waits on (after the status the reply
   * brought: a thank-you on a resolved ticket awaits nothing) */
  if (!rc && !internal)
    rc = desk_ticket_replied(c->db, c->id[0], cm.created_at, api_role_at_least(c, STORE_ROLE_AGENT));
  if (!rc && to_children && comments_to_children(c, &cm, &children, &e)) {
    store_rollback(c->db);
    api_desk_error(c, &e);
    goto out;
  }
  rc = api_txn_end(c, rc);
  if (rc) {
    api_error(c, rc, NULL, "cannot add the comment");
    goto out;
  }
  cm.author_name = c->user.name;
  page_t one = {.items = json_array(), .left = 1};
  comments_one(&cm, &one);
  json_t *j = json_incref(json_array_get(one.items, 0));
  if (to_children) json_object_set_new(j, "children", json_integer(children));
  api_reply(c, 201, j);
  json_decref(one.items);
out:
  store_ticket_clear(&t);
}

/* One event. A requester sees the change, never the model behind it: a
 * model's change reads as the system's, without its version or
 * confidence. */
static int history_one(const store_event_t *e, void *arg) {
  page_t *out = arg;
  if (page_full(out, e->id)) return 1;
  int model = e->actor_kind == STORE_ACTOR_MODEL;
  const char *kind = store_actor_kind_name(model && !out->agent ? STORE_ACTOR_SYSTEM : e->actor_kind);
  json_t *j = json_pack("{s:I, s:o, s:s, s:s, s:s?, s:s?}", "id", (json_int_t)e->id,
                        "at", api_time_json(e->at), "actor_kind", kind, "field", e->field,
                        "old_value", e->old_value, "new_value", e->new_value);
  if (!j) return 0; /* cannot happen with valid UTF-8 in the store */
  json_object_set_new(j, "actor_id", e->actor_id ? json_integer(e->actor_id) : json_null());
  json_object_set_new(j, "actor_name", e->actor_name && (out->agent || !model)
                                           ? json_string(e->actor_name) : json_null());
  if (e->old_label) json_object_set_new(j, "old_label", json_string(e->old_label));
  if (e->new_label) json_object_set_new(j, "new_label", json_string(e->new_label));
  if (model && out->agent) {
    json_object_set_new(j, "model_version", e->model_version ? json_string(e->model_version) : json_null());
    json_object_set_new(j, "confidence", json_real(e->confidence));
  }
  json_array_append_new(out->items, j);
  return 0;
}

void api_history_list(api_call_t *c) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  page_t p = {0};
  int64_t after;
  if (page_args(c, 'h', &p, &after)) return;
  int rc = store_history_each(c->db, c->id[0], p.agent, after, history_one, &p);
  page_reply(c, &p, rc, 'h', "history");
}
