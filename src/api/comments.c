/* /api/v1/tickets/{id}/comments and /history. Requesters see public replies
 * and the history without internal notes; agents see everything. */
#include <string.h>

#include "api_int.h"

static int comments_one(const store_comment_t *cm, void *arg) {
  json_t *j = json_pack("{s:I, s:I, s:I, s:s?, s:s, s:b, s:o}", "id", (json_int_t)cm->id,
                        "ticket_id", (json_int_t)cm->ticket_id, "author_id",
                        (json_int_t)cm->author_id, "author_name", cm->author_name,
                        "body", cm->body, "internal", cm->internal, "created_at",
                        api_time_json(cm->created_at));
  json_array_append_new(arg, j);
  return 0;
}

void api_comments_list(api_call_t *c) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  json_t *items = json_array();
  int rc = store_comment_each(c->db, c->id[0], api_role_at_least(c, STORE_ROLE_AGENT),
                              comments_one, items);
  if (rc) {
    json_decref(items);
    api_error(c, rc, NULL, "cannot read the comments");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "items", items));
}

void api_comments_create(api_call_t *c) {
  static const char *const allowed[] = {"body", "internal", NULL};
  const char *body;
  int internal = 0;
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "body", 1, 65536, 0, &body, NULL) ||
      api_field_bool(c, "internal", &internal, NULL))
    goto out;
  if (!body) {
    api_error(c, UTIL_E_INVALID, "body", "'body' is required");
    goto out;
  }
  if (api_ticket_visible(c, c->id[0], &t)) goto out;
  if (internal && !api_role_at_least(c, STORE_ROLE_AGENT)) {
    api_error(c, UTIL_E_FORBIDDEN, "internal", "only agents write internal notes");
    goto out;
  }
  const char *reopen;
  desk_err_t e = {0};
  if (desk_reply_status(c->id[0], t.v[STORE_TF_STATUS].s, c->user.role, &reopen, &e)) {
    api_desk_error(c, &e);
    goto out;
  }
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  store_comment_t cm = {.ticket_id = c->id[0], .author_id = c->user.id,
                        .body = (char *)body, .internal = internal};
  int rc = store_begin(c->db);
  if (!rc) rc = store_comment_insert(c->db, &cm, &a, NULL);
  if (!rc && reopen) { /* desk's rule: the reply puts the ticket back in the queue */
    store_ticket_t ch;
    store_ticket_init(&ch);
    store_ticket_set_text(&ch, STORE_TF_STATUS, reopen);
    store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
    rc = desk_ticket_update(c->db, c->id[0], &ch, 1u << STORE_TF_STATUS, &sys, NULL, &e);
    store_ticket_clear(&ch);
  }
  if (!rc) rc = store_commit(c->db);
  if (rc) {
    store_rollback(c->db);
    api_error(c, rc, NULL, "cannot add the comment");
    goto out;
  }
  cm.author_name = c->user.name;
  json_t *one = json_array();
  comments_one(&cm, one);
  api_reply(c, 201, json_incref(json_array_get(one, 0)));
  json_decref(one);
out:
  store_ticket_clear(&t);
}

typedef struct {
  json_t *items;
  int agent; /* the caller sees who and what made each change */
} history_out_t;

/* One event. A requester sees the change, never the model behind it: a
 * model's change reads as the system's, without its version or
 * confidence. */
static int history_one(const store_event_t *e, void *arg) {
  history_out_t *out = arg;
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
  history_out_t out = {json_array(), api_role_at_least(c, STORE_ROLE_AGENT)};
  int rc = store_history_each(c->db, c->id[0], out.agent, history_one, &out);
  json_t *items = out.items;
  if (rc) {
    json_decref(items);
    api_error(c, rc, NULL, "cannot read the history");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "items", items));
}
