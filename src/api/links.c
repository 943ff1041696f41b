/* /api/v1/tickets/{id}/links and /merge: links between tickets (duplicate,
 * parent and child, related) and the merge of a duplicate into its
 * master, for agents and admins (the route table keeps requesters out:
 * they see only the reply a merge posts on their ticket and its
 * "merged_into" event). The rules are the desk's (desk/links.c). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api_int.h"

typedef struct {
  json_t *items; /* the reply's list */
  int64_t id;    /* the ticket asked about */
} links_list_t;

static int links_one(const store_link_t *l, void *arg) {
  links_list_t *out = arg;
  json_t *j = json_pack("{s:I, s:s, s:b, s:{s:I, s:s?, s:s?}, s:o, s:o, s:o}", "id", (json_int_t)l->id,
                        "kind", desk_link_view(l, out->id), "merged", l->merged, "ticket", "id",
                        (json_int_t)l->other_id, "title", l->other_title, "status", l->other_status,
                        "created_by", l->created_by ? json_integer(l->created_by) : json_null(),
                        "created_by_name", l->created_by_name ? json_string(l->created_by_name) : json_null(),
                        "created_at", api_time_json(l->created_at));
  if (j) json_array_append_new(out->items, j);
  return 0;
}

void api_links_list(api_call_t *c) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  links_list_t out = {json_array(), c->id[0]};
  int rc = store_link_each(c->db, c->id[0], links_one, &out);
  if (rc) {
    json_decref(out.items);
    api_error(c, rc, NULL, "cannot read the links");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "items", out.items));
}

/* The ticket a body names in field key (a positive integer, required),
 * which must exist: replies 400 or 404 naming key otherwise. */
static int links_other(api_call_t *c, const char *key, int64_t *other) {
  int present = 0, is_null = 0;
  store_ticket_t t;
  if (api_field_int(c, key, 1, INT64_MAX, 0, other, &present, &is_null)) return UTIL_E_INVALID;
  if (!present) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY(REQUIRED), "'%s' is required: the other ticket's number", key);
    return UTIL_E_INVALID;
  }
  int rc = store_ticket_get(c->db, *other, &t);
  if (rc == UTIL_E_NOTFOUND) api_error(c, rc, key, "no ticket %lld", (long long)*other);
  else if (rc) api_error(c, rc, NULL, "cannot read ticket %lld", (long long)*other);
  else store_ticket_clear(&t);
  return rc;
}

/* Ends the write transaction of rc (the desk's refusal in e when rc came
 * from it) and replies: status with the ticket's links, or the error. */
static void links_done(api_call_t *c, int rc, desk_err_t *e, int status) {
  int committed = api_txn_end(c, rc);
  if (committed && !rc) { /* the commit failed */
    e->code = committed;
    e->field[0] = '\0';
    e->why = (util_why_t){0};
    snprintf(e->msg, sizeof e->msg, "cannot save the change");
  }
  if (committed) {
    api_desk_error(c, e);
    return;
  }
  api_links_list(c);
  c->resp->status = status;
}

/* Opens the write transaction; replies and returns an error when it cannot. */
static int links_begin(api_call_t *c) {
  int rc = store_begin(c->db);
  if (rc) api_error(c, rc, NULL, "cannot start the change");
  return rc;
}

void api_links_create(api_call_t *c) {
  static const char *const allowed[] = {"kind", "ticket", NULL};
  const char *kind = NULL;
  int64_t other = 0;
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "kind", 1, 32, 0, &kind, NULL))
    return;
  if (!kind) {
    api_refuse(c, UTIL_E_INVALID, "kind", API_WHY(REQUIRED),
               "'kind' is required: duplicate_of, parent, child or related");
    return;
  }
  if (api_ticket_visible(c, c->id[0], &t) || links_other(c, "ticket", &other)) return;
  store_ticket_clear(&t);
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  desk_err_t e = {0};
  if (links_begin(c)) return;
  links_done(c, desk_link_add(c->db, c->id[0], kind, other, &a, &e), &e, 201);
}

void api_links_delete(api_call_t *c) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  desk_err_t e = {0};
  if (links_begin(c)) return;
  links_done(c, desk_link_remove(c->db, c->id[0], c->id[1], &a, &e), &e, 200);
}

/* A merge copies at most limits.ticket_comments comments into the master
 * in all, as replies do one by one (409 past it). */
static int links_room(api_call_t *c, int64_t id, int64_t into, desk_err_t *e) {
  int64_t n_dup = 0, n_into = 0, bytes = 0;
  int rc = store_comment_stats(c->db, id, &n_dup, &bytes);
  if (!rc) rc = store_comment_stats(c->db, into, &n_into, &bytes);
  if (rc) {
    e->code = rc;
    snprintf(e->msg, sizeof e->msg, "cannot count the comments");
    return rc;
  }
  int64_t max_n = store_setting_int(c->db, "limits.ticket_comments", 1000);
  if (n_into + n_dup + 2 <= max_n) return 0; /* + the description; the reply is on the duplicate */
  e->code = UTIL_E_CONFLICT;
  snprintf(e->field, sizeof e->field, "into");
  e->why = (util_why_t){.reason = UTIL_WHY_LIMIT_REACHED, .has_max = 1, .max = max_n};
  snprintf(e->msg, sizeof e->msg, "ticket %lld would pass %lld comments, the most one ticket takes",
           (long long)into, (long long)max_n);
  return e->code;
}

void api_links_merge(api_call_t *c) {
  static const char *const allowed[] = {"into", NULL};
  int64_t into = 0, copied = 0;
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_body_object(c) || api_body_only(c, allowed) || api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  if (links_other(c, "into", &into)) return;
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  desk_err_t e = {0};
  if (links_begin(c)) return;
  int rc = links_room(c, c->id[0], into, &e);
  if (!rc) rc = desk_merge(c->db, c->id[0], into, &a, &copied, &e);
  int committed = api_txn_end(c, rc);
  if (committed) {
    if (!rc) { /* the commit failed */
      e = (desk_err_t){.code = committed};
      snprintf(e.msg, sizeof e.msg, "cannot save the merge");
    }
    api_desk_error(c, &e);
    return;
  }
  api_reply(c, 200, json_pack("{s:I, s:I, s:I}", "id", (json_int_t)c->id[0], "merged_into",
                              (json_int_t)into, "copied", (json_int_t)copied));
}
