/* A macro applied to a ticket: GET …/macros/{id}/preview says what it
 * would do (the reply with its placeholders filled, the field changes)
 * without writing; POST …/apply does it in one transaction: the reply or
 * note is posted, the changes go through desk_ticket_update (lifecycle,
 * SLA clocks, history) with the version check of a PATCH, and the history
 * notes the macro. A refusal of any part writes nothing. */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

/* What applying a macro to a ticket comes to. */
typedef struct {
  store_ticket_t ch; /* the field changes */
  uint32_t mask;     /* their bits */
  char *body;        /* owned: the reply, "" for none */
  int internal;      /* the reply is an internal note */
  int fr;            /* the ticket's language is French */
  const char *name;  /* the macro's name in that language; borrowed from the macro */
} macro_plan_t;

static void plan_clear(macro_plan_t *p) {
  store_ticket_clear(&p->ch);
  free(p->body);
  p->body = NULL;
}

/* A text of the macro in the ticket's language, the other one's when empty. */
static const char *plan_pick(const char *fr, const char *en, int want_fr) {
  const char *mine = want_fr ? fr : en, *other = want_fr ? en : fr;
  return mine && *mine ? mine : other ? other : "";
}

/* The name of group id (owned), "" for none. */
static char *plan_group_name(store_t *db, const store_val_t *g) {
  store_group_t gr = {0};
  char *name = util_xstrdup(!g->is_null && !store_group_get(db, g->i, &gr) ? gr.name : "");
  store_group_clear(&gr);
  return name;
}

/* The placeholders filled into the reply and the resolution. */
static void plan_fill(api_call_t *c, const store_ticket_t *tk, macro_plan_t *p, const char *text,
                      int fill_resolution) {
  store_user_t rq = {0};
  store_user_get(c->db, tk->v[STORE_TF_REQUESTER_ID].i, &rq); /* gone: an empty name */
  const store_val_t *g = p->mask & (1u << STORE_TF_GROUP_ID) ? &p->ch.v[STORE_TF_GROUP_ID]
                                                             : &tk->v[STORE_TF_GROUP_ID];
  char *group = plan_group_name(c->db, g);
  desk_macro_vars_t v = {tk->v[STORE_TF_ID].i, tk->v[STORE_TF_TITLE].s, rq.name, c->user.name, group};
  if (text) {
    free(p->body);
    p->body = desk_macro_fill(text, &v);
  }
  if (fill_resolution && (p->mask & (1u << STORE_TF_RESOLUTION)) && !p->ch.v[STORE_TF_RESOLUTION].is_null) {
    char *r = desk_macro_fill(p->ch.v[STORE_TF_RESOLUTION].s, &v);
    store_ticket_set_text(&p->ch, STORE_TF_RESOLUTION, r);
    free(r);
  }
  free(group);
  store_user_clear(&rq);
}

/* The agent's own version of the reply and changes, when given: body (as
 * edited, sent as it is), internal, changes (their values replace the
 * macro's). NULL o: the macro as it is. */
static int plan_overrides(api_call_t *c, const json_t *o, macro_plan_t *p, const char **body,
                          int *own_resolution, desk_err_t *e) {
  const json_t *b = o ? json_object_get(o, "body") : NULL, *ch = o ? json_object_get(o, "changes") : NULL;
  const json_t *in = o ? json_object_get(o, "internal") : NULL;
  *body = NULL;
  if (b) {
    if (!json_is_string(b)) {
      *e = (desk_err_t){.code = UTIL_E_INVALID, .field = "body", .msg = "'body' must be a string",
                        .why = {.reason = UTIL_WHY_WRONG_TYPE, .expected = "string"}};
      return UTIL_E_INVALID;
    }
    int rc = desk_text_check("body", json_string_value(b), json_string_length(b), 0, DESK_MACRO_BODY_MAX, 1, e);
    if (rc) return rc;
    *body = json_string_value(b);
  }
  if (in) p->internal = json_is_true(in);
  *own_resolution = ch && json_object_get(ch, "resolution");
  return ch ? desk_macro_changes(c->db, ch, "changes.", c->user.id, &p->ch, &p->mask, e) : 0;
}

/* Works out what macro m does to ticket tk (nothing written). */
static int plan_make(api_call_t *c, const store_ticket_t *tk, const store_macro_t *m, const json_t *o,
                     macro_plan_t *p, desk_err_t *e) {
  json_error_t je;
  json_t *actions = json_loads(m->actions ? m->actions : "{}", 0, &je);
  const char *body = NULL;
  int own_resolution = 0;
  store_ticket_init(&p->ch);
  p->mask = 0;
  p->body = util_xstrdup("");
  p->internal = m->internal;
  p->fr = !tk->v[STORE_TF_LANGUAGE].is_null && strcmp(tk->v[STORE_TF_LANGUAGE].s, "fr") == 0;
  p->name = plan_pick(m->name_fr, m->name_en, p->fr);
  int rc = desk_macro_changes(c->db, actions ? actions : json_object(), "actions.", c->user.id, &p->ch,
                              &p->mask, e);
  json_decref(actions);
  if (!rc) rc = plan_overrides(c, o, p, &body, &own_resolution, e);
  if (rc) return rc;
  plan_fill(c, tk, p, body ? NULL : plan_pick(m->body_fr, m->body_en, p->fr), !own_resolution);
  if (body) {
    free(p->body);
    p->body = util_xstrdup(body);
  }
  /* the placeholders may have made it longer than a reply may be */
  return desk_text_check("body", p->body, strlen(p->body), 0, DESK_MACRO_BODY_MAX, 1, e);
}

/* The changes as {field: value}, and the names of the group and assignee
 * they set. */
static json_t *plan_changes_json(api_call_t *c, const macro_plan_t *p, json_t **labels) {
  json_t *j = json_object();
  *labels = json_object();
  for (int f = 0; f < STORE_TF_COUNT; f++) {
    if (!(p->mask & (1u << f))) continue;
    const store_val_t *v = &p->ch.v[f];
    json_object_set_new(j, store_tf_name(f), v->is_null ? json_null()
                        : store_tf_type(f) == STORE_TYPE_TEXT ? json_string(v->s) : json_integer(v->i));
    if (v->is_null) continue;
    if (f == STORE_TF_GROUP_ID) json_object_set_new(*labels, "group_id", json_string(plan_group_name(c->db, v)));
    if (f == STORE_TF_ASSIGNEE_ID) {
      store_user_t u = {0};
      if (!store_user_get(c->db, v->i, &u)) json_object_set_new(*labels, "assignee_id", json_string(u.name));
      store_user_clear(&u);
    }
  }
  return j;
}

/* Ticket {id} and macro {id} as the caller may use them. */
static int apply_load(api_call_t *c, store_ticket_t *tk, store_macro_t *m) {
  store_ticket_init(tk);
  memset(m, 0, sizeof *m);
  if (api_ticket_visible(c, c->id[0], tk)) return UTIL_E_NOTFOUND;
  int rc = api_macro_load(c, c->id[1], m);
  if (!rc && !api_macro_usable(c, m)) {
    rc = UTIL_E_FORBIDDEN;
    api_error(c, rc, NULL, "macro %lld is another agent's own", (long long)c->id[1]);
  }
  if (rc) store_ticket_clear(tk);
  return rc;
}

void api_macro_preview(api_call_t *c) {
  store_ticket_t tk;
  store_macro_t m;
  macro_plan_t p = {0};
  desk_err_t e = {0};
  if (apply_load(c, &tk, &m)) return;
  if (plan_make(c, &tk, &m, NULL, &p, &e)) api_desk_error(c, &e);
  else {
    json_t *labels, *changes = plan_changes_json(c, &p, &labels);
    api_reply(c, 200, json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:o, s:o}", "ticket_id",
                                (json_int_t)tk.v[STORE_TF_ID].i, "macro_id", (json_int_t)m.id,
                                "name", p.name, "language", p.fr ? "fr" : "en", "body", p.body,
                                "internal", p.internal, "changes", changes, "labels", labels));
  }
  plan_clear(&p);
  store_ticket_clear(&tk);
  store_macro_clear(&m);
}

/* Writes plan p on ticket id (cur as read in this transaction): the reply
 * (within the ticket's caps), the history's note of the macro, the changes
 * with the desk's rules and what they teach triage, then what a public
 * reply of the desk means (the first response, nobody awaited: after the
 * status the changes brought). In the caller's transaction; *cm receives
 * the reply (id 0: none), *changed the fields changed. */
static int apply_write(api_call_t *c, int64_t id, const store_ticket_t *cur, macro_plan_t *p,
                       store_comment_t *cm, int *changed, desk_err_t *e) {
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  int rc = 0;
  *changed = 0;
  if (*p->body) {
    *cm = (store_comment_t){.ticket_id = id, .author_id = c->user.id, .body = p->body,
                            .internal = p->internal};
    rc = api_comments_room(c, id, strlen(p->body), e);
    if (!rc) rc = store_comment_insert(c->db, cm, &a, NULL);
  }
  if (!rc) rc = store_history_add(c->db, id, util_now(), &a, "macro", NULL, p->name);
  if (!rc && p->mask) rc = desk_ticket_update(c->db, id, &p->ch, p->mask, &a, changed, e);
  store_ticket_t neu;
  store_ticket_init(&neu);
  if (!rc && *changed) rc = store_ticket_get(c->db, id, &neu);
  if (!rc && *changed) rc = triage_note_edits(c->db, id, cur, &neu, p->mask, c->user.id);
  store_ticket_clear(&neu);
  if (!rc && *p->body && !p->internal) rc = desk_ticket_replied(c->db, id, cm->created_at, 1);
  if (rc && !e->msg[0]) {
    e->code = rc;
    snprintf(e->msg, sizeof e->msg, "cannot apply the macro to ticket %lld", (long long)id);
  }
  return rc;
}

int api_macro_run(api_call_t *c, int64_t id, const store_macro_t *m, const json_t *o,
                  store_comment_t *cm, int *changed, desk_err_t *e) {
  store_ticket_t cur;
  macro_plan_t p = {0};
  *cm = (store_comment_t){0};
  int rc = store_ticket_get(c->db, id, &cur);
  if (rc) {
    *e = (desk_err_t){.code = rc};
    snprintf(e->msg, sizeof e->msg, rc == UTIL_E_NOTFOUND ? "no such ticket" : "cannot read the ticket");
    return rc;
  }
  rc = plan_make(c, &cur, m, o, &p, e);
  if (!rc) rc = apply_write(c, id, &cur, &p, cm, changed, e);
  if (!rc && cm->id) cm->body = util_xstrdup(cm->body); /* the plan's goes */
  else cm->body = NULL;
  plan_clear(&p);
  store_ticket_clear(&cur);
  return rc;
}

/* The reply: the ticket as it is now, and the reply posted (or null). */
static void apply_reply(api_call_t *c, const store_macro_t *m, const store_comment_t *cm) {
  store_ticket_t t;
  if (store_ticket_get(c->db, c->id[0], &t)) {
    api_error(c, UTIL_E_DB, NULL, "cannot read the ticket back");
    return;
  }
  api_ticket_etag(c, &t);
  json_t *comment = json_null();
  if (cm->id)
    comment = json_pack("{s:I, s:I, s:I, s:s, s:s, s:b, s:o, s:b}", "id", (json_int_t)cm->id,
                        "ticket_id", (json_int_t)cm->ticket_id, "author_id", (json_int_t)cm->author_id,
                        "author_name", c->user.name ? c->user.name : "", "body", cm->body,
                        "internal", cm->internal, "created_at", api_time_json(cm->created_at),
                        "hidden", 0);
  api_reply(c, 200, json_pack("{s:o, s:o, s:I}", "ticket", api_ticket_json(c, &t, NULL), "comment",
                              comment, "macro_id", (json_int_t)m->id));
  store_ticket_clear(&t);
}

/* POST …/apply {version, body, internal, changes}: everything optional;
 * body, internal and changes are the agent's edits of what the preview
 * gave (the reply sent as it is, the changes' values replacing the
 * macro's). */
void api_macro_apply(api_call_t *c) {
  static const char *const allowed[] = {"body", "internal", "changes", NULL};
  store_ticket_t tk, cur;
  store_macro_t m;
  desk_err_t e = {0};
  store_comment_t cm = {0};
  int64_t expect = 0;
  store_ticket_init(&cur);
  int has_body = c->req->body_len > 0;
  if ((has_body && (api_body_object(c) || api_ticket_expected(c, &expect) || api_body_only(c, allowed))) ||
      (!has_body && api_ticket_expected(c, &expect)))
    return;
  const json_t *in = c->body ? json_object_get(c->body, "internal") : NULL;
  if (in && !json_is_boolean(in)) {
    api_error(c, UTIL_E_INVALID, "internal", "'internal' must be true or false");
    return;
  }
  if (apply_load(c, &tk, &m)) return;
  int rc = store_begin(c->db);
  if (!rc) rc = store_ticket_get(c->db, c->id[0], &cur); /* the ticket this transaction changes */
  if (!rc && expect && cur.v[STORE_TF_VERSION].i != expect) {
    store_rollback(c->db);
    api_ticket_stale(c, &cur, expect);
    goto out;
  }
  int changed = 0;
  if (!rc) rc = api_macro_run(c, c->id[0], &m, c->body, &cm, &changed, &e);
  rc = api_txn_end(c, rc);
  if (rc && e.msg[0]) api_desk_error(c, &e);
  else if (rc) api_error(c, rc, NULL, "cannot apply the macro to ticket %lld", (long long)c->id[0]);
  else apply_reply(c, &m, &cm);
out:
  free(cm.body);
  store_ticket_clear(&tk);
  store_ticket_clear(&cur);
  store_macro_clear(&m);
}
