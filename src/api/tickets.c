/* /api/v1/tickets: create, read, update (with status lifecycle and history)
 * and the filtered, sorted, paginated, full-text list. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../desk/desk.h"
#include "../triage/triage.h"
#include "api_int.h"

/* ---- What a client may send ------------------------------------------------- */
void api_desk_error(api_call_t *c, const desk_err_t *e) {
  api_refuse(c, e->code ? e->code : UTIL_E_INTERNAL, e->field[0] ? e->field : NULL, &e->why, "%s",
             e->msg[0] ? e->msg : "the ticket could not be written");
}

/* A JSON value as desk reads it; s is borrowed from v. */
static desk_value_t tickets_value(const json_t *v) {
  desk_value_t dv = {DESK_V_OTHER, NULL, 0, 0};
  if (json_is_null(v)) dv.kind = DESK_V_NULL;
  else if (json_is_integer(v)) {
    dv.kind = DESK_V_INT;
    dv.i = json_integer_value(v);
  } else if (json_is_string(v)) {
    dv.kind = DESK_V_STRING;
    dv.s = json_string_value(v);
    dv.n = json_string_length(v);
  }
  return dv;
}

/* Reads c->body into t with desk's field rules, setting a bit in *mask per
 * field present. creating applies the rule on who may set a field; the
 * first refusal is the reply. */
static int tickets_from_body(api_call_t *c, store_ticket_t *t, uint32_t *mask,
                             int creating) {
  const char *key;
  json_t *v;
  desk_err_t e = {0};
  *mask = 0;
  json_object_foreach(c->body, key, v) {
    const desk_field_t *sp = desk_field_find(key, &e);
    desk_value_t dv = tickets_value(v);
    if (!sp || desk_field_set(c->db, sp, c->user.role, creating, &dv, t, &e)) {
      api_desk_error(c, &e);
      return e.code;
    }
    *mask |= 1u << sp->f;
  }
  return 0;
}

/* ---- Representation ------------------------------------------------------------- */
static json_t *tickets_user_name(api_call_t *c, const store_val_t *v) {
  if (v->is_null) return json_null();
  store_user_t u = {0};
  json_t *j = store_user_get(c->db, v->i, &u) ? json_null() : json_string(u.name);
  store_user_clear(&u);
  return j;
}

/* Where the ticket stands against its targets, at this moment:
 * sla_state ("none", "ok", "at_risk", "breached", "paused", "met",
 * "missed"), sla_target (which target is next: "response" or
 * "resolution"; null when none runs) and sla_left (working seconds left
 * before it, negative past it; null when none runs). */
static void tickets_sla_json(json_t *j, const desk_sla_t *sla, const store_ticket_t *t) {
  desk_sla_view_t v;
  desk_sla_view(sla, t, util_now(), &v);
  int running = v.state == DESK_SLA_OK || v.state == DESK_SLA_AT_RISK || v.state == DESK_SLA_BREACHED;
  json_object_set_new(j, "sla_state", json_string(desk_sla_state_name(v.state)));
  json_object_set_new(j, "sla_target", running ? json_string(v.response ? "response" : "resolution")
                                               : json_null());
  json_object_set_new(j, "sla_left", running ? json_integer(v.left) : json_null());
}

/* The ticket as the API shows it; sla: the desk's service levels (NULL:
 * read them now). */
static json_t *tickets_json(api_call_t *c, const store_ticket_t *t, const desk_sla_t *sla) {
  json_t *j = json_object();
  for (int f = 0; f < STORE_TF_COUNT; f++) {
    const store_val_t *v = &t->v[f];
    json_t *x;
    if (v->is_null) x = json_null();
    else if (store_tf_type(f) == STORE_TYPE_TEXT) x = json_string(v->s);
    else if (store_tf_type(f) == STORE_TYPE_TIME) x = api_time_json(v->i);
    else x = json_integer(v->i);
    json_object_set_new(j, store_tf_name(f), x ? x : json_null());
  }
  json_object_set_new(j, "requester_name", tickets_user_name(c, &t->v[STORE_TF_REQUESTER_ID]));
  json_object_set_new(j, "assignee_name", tickets_user_name(c, &t->v[STORE_TF_ASSIGNEE_ID]));
  json_t *gname = json_null();
  if (!t->v[STORE_TF_GROUP_ID].is_null) {
    store_group_t g = {0};
    if (!store_group_get(c->db, t->v[STORE_TF_GROUP_ID].i, &g)) gname = json_string(g.name);
    store_group_clear(&g);
  }
  json_object_set_new(j, "group_name", gname);
  desk_sla_t own;
  if (!sla) desk_sla_load(c->db, &own); /* a failed read leaves the defaults */
  tickets_sla_json(j, sla ? sla : &own, t);
  return j;
}

json_t *api_ticket_json(api_call_t *c, const store_ticket_t *t, const desk_sla_t *sla) {
  return tickets_json(c, t, sla);
}

static store_actor_t tickets_actor(const api_call_t *c) {
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  return a;
}

/* ---- Handlers --------------------------------------------------------------------- */
/* Takes member key out of the body: returns it (a new reference) or NULL. */
static json_t *tickets_take(api_call_t *c, const char *key) {
  json_t *v = json_object_get(c->body, key);
  if (!v) return NULL;
  json_incref(v);
  json_object_del(c->body, key);
  return v;
}

/* POST: a ticket's fields, and for one filed through a request template
 * template_id, fields ({key: value}) and form_lang (see templates.c). */
void api_tickets_create(api_call_t *c) {
  desk_intake_t in;
  desk_err_t e = {0};
  store_form_t form = {0};
  json_t *tpl = NULL, *values = NULL, *form_lang = NULL;
  uint32_t mask;
  int64_t id;
  desk_intake_init(&in);
  if (api_body_object(c)) goto out;
  tpl = tickets_take(c, "template_id");
  values = tickets_take(c, "fields");
  form_lang = tickets_take(c, "form_lang");
  if (tickets_from_body(c, &in.t, &mask, 1)) goto out;
  if ((tpl || values || form_lang) &&
      api_template_intake(c, tpl, values, form_lang, &in, mask, &form))
    goto out;
  in.given = mask; /* a field set to null is a person's choice too */
  /* the server's current models, held for this request only */
  triage_set_t *set = triage_holder_get(c->ctx->triage);
  desk_prep_t o = {c->user.id, c->via_cookie ? "web" : "api", 1, set,
                   store_setting_int(c->db, "duplicates.check", 1) != 0};
  store_actor_t a = tickets_actor(c);
  int rc = desk_create(c->db, &o, &in, &a, &id, &e);
  triage_set_unref(&set);
  if (rc) {
    api_desk_error(c, &e);
    goto out;
  }
  store_ticket_t t;
  rc = store_ticket_get(c->db, id, &t);
  if (rc) {
    api_error(c, rc, NULL, "cannot read the new ticket");
    goto out;
  }
  json_t *j = tickets_json(c, &t, NULL);
  store_ticket_clear(&t);
  json_object_set_new(j, "form", api_form_json(c->db, id));
  if (api_role_at_least(c, STORE_ROLE_AGENT)) {
    json_object_set_new(j, "suggestions", api_triage_result_json(&in.tr));
    json_object_set_new(j, "duplicate", api_dup_json(c, id));
  }
  api_reply(c, 201, j);
out:
  json_decref(tpl);
  json_decref(values);
  json_decref(form_lang);
  store_form_clear(&form);
  desk_intake_clear(&in);
}

void api_ticket_etag(api_call_t *c, const store_ticket_t *t) {
  snprintf(c->resp->etag, sizeof c->resp->etag, "\"%lld\"", (long long)t->v[STORE_TF_VERSION].i);
}

void api_tickets_get(api_call_t *c) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  api_ticket_etag(c, &t);
  json_t *j = tickets_json(c, &t, NULL);
  json_object_set_new(j, "rating", api_rating_json(c->db, c->id[0]));
  json_object_set_new(j, "form", api_form_json(c->db, c->id[0]));
  api_reply(c, 200, j);
  store_ticket_clear(&t);
}

/* ---- Conditional changes -----------------------------------------------------
 * A PATCH may say which version of the ticket it was made from: the header
 * If-Match: "N" (the ETag of a GET; W/"N" and * are taken too) or a body
 * field "version": N. A ticket changed since is not overwritten: 412, with
 * who changed it last and its version now, so that the client reloads. */

int api_ticket_expected(api_call_t *c, int64_t *v) {
  *v = 0;
  json_t *jv = json_object_get(c->body, "version");
  if (jv) {
    if (!json_is_integer(jv) || json_integer_value(jv) < 1) {
      api_error(c, UTIL_E_INVALID, "version", "'version' must be a positive integer (the ticket's version)");
      return UTIL_E_INVALID;
    }
    *v = json_integer_value(jv);
    json_object_del(c->body, "version");
  }
  const char *m = c->req->if_match;
  if (!m || !*m || strcmp(m, "*") == 0) return 0;
  const char *p = strncmp(m, "W/", 2) == 0 ? m + 2 : m;
  char *end = NULL;
  errno = 0;
  long long n = *p == '"' ? strtoll(p + 1, &end, 10) : 0;
  if (n < 1 || errno == ERANGE || *end != '"' || end[1] || (*v && *v != n)) {
    api_error(c, UTIL_E_INVALID, NULL,
              "If-Match must be one ticket ETag such as \"3\" (and agree with 'version')");
    return UTIL_E_INVALID;
  }
  *v = n;
  return 0;
}

typedef struct {
  char *name;
  int64_t at;
} tickets_last_t;

static int tickets_last_one(const store_event_t *e, void *arg) {
  tickets_last_t *l = arg;
  free(l->name);
  l->name = e->actor_name ? util_xstrdup(e->actor_name) : NULL;
  l->at = e->at;
  return 0;
}

void api_ticket_stale(api_call_t *c, const store_ticket_t *now, int64_t yours) {
  tickets_last_t l = {NULL, 0};
  store_history_each(c->db, c->id[0], api_role_at_least(c, STORE_ROLE_AGENT), 0, tickets_last_one,
                     &l);
  int64_t v = now->v[STORE_TF_VERSION].i;
  char msg[400];
  snprintf(msg, sizeof msg, "ticket %lld changed since you read it (version %lld, yours %lld)%s%s:"
           " reload it, then make your change again", (long long)c->id[0], (long long)v,
           (long long)yours, l.name ? ", last by " : "", l.name ? l.name : "");
  json_t *e = json_pack("{s:s, s:s, s:I}", "code", util_err_code(UTIL_E_STALE), "message", msg,
                        "version", (json_int_t)v);
  if (!e) e = json_pack("{s:s, s:s}", "code", util_err_code(UTIL_E_STALE), "message", "changed since read");
  json_object_set_new(e, "reason", json_string(util_why_name(UTIL_WHY_CHANGED_MEANWHILE)));
  json_object_set_new(e, "changed_by", l.name ? json_string(l.name) : json_null());
  json_object_set_new(e, "changed_at", l.at ? api_time_json(l.at) : json_null());
  api_ticket_etag(c, now);
  api_reply(c, util_err_http_status(UTIL_E_STALE), json_pack("{s:o}", "error", e));
  free(l.name);
}

void api_tickets_patch(api_call_t *c) {
  store_ticket_t t, cur;
  uint32_t mask;
  int changed = 0;
  desk_err_t e = {0};
  store_ticket_init(&t);
  store_ticket_init(&cur);
  int64_t expect = 0;
  if (api_body_object(c) || api_ticket_expected(c, &expect) || tickets_from_body(c, &t, &mask, 0))
    goto out;
  if (api_ticket_visible(c, c->id[0], &cur)) goto out;
  store_actor_t a = tickets_actor(c);
  /* the change (with desk's lifecycle and priority rules) and what it
   * teaches triage, in one transaction */
  store_ticket_t neu;
  store_ticket_init(&neu);
  int rc = store_begin(c->db);
  if (!rc && expect) { /* checked in the write transaction: no change can slip in between */
    store_ticket_clear(&cur);
    rc = store_ticket_get(c->db, c->id[0], &cur);
    if (!rc && cur.v[STORE_TF_VERSION].i != expect) {
      store_rollback(c->db);
      api_ticket_stale(c, &cur, expect);
      goto out;
    }
  }
  if (!rc) rc = desk_ticket_update(c->db, c->id[0], &t, mask, &a, &changed, &e);
  if (!rc && changed) rc = store_ticket_get(c->db, c->id[0], &neu);
  if (!rc && changed) rc = triage_note_edits(c->db, c->id[0], &cur, &neu, mask, c->user.id);
  rc = api_txn_end(c, rc);
  store_ticket_clear(&neu);
  if (rc == UTIL_E_CONFLICT) {
    api_desk_error(c, &e);
    goto out;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot update ticket %lld", (long long)c->id[0]);
    goto out;
  }
  store_ticket_clear(&cur);
  rc = store_ticket_get(c->db, c->id[0], &cur);
  if (rc) {
    api_error(c, rc, NULL, "cannot read the ticket back");
  } else {
    api_ticket_etag(c, &cur);
    api_reply(c, 200, tickets_json(c, &cur, NULL));
  }
out:
  store_ticket_clear(&t);
  store_ticket_clear(&cur);
}

/* A text query parameter: valid UTF-8, at most max bytes. */
static int tickets_arg_text(api_call_t *c, const char *key, size_t max,
                            const char **out) {
  const char *s = api_arg(c, key);
  *out = NULL;
  if (!s) return 0;
  size_t n = strlen(s);
  if (!util_utf8_valid(s, n, NULL)) {
    api_error(c, UTIL_E_BADUTF8, key, "query parameter '%s' is not valid UTF-8", key);
    return UTIL_E_BADUTF8;
  }
  if (n > max) {
    api_error(c, UTIL_E_INVALID, key, "query parameter '%s' is longer than %zu bytes", key, max);
    return UTIL_E_INVALID;
  }
  *out = n ? s : NULL;
  return 0;
}

typedef struct {
  api_call_t *c;
  const store_ticket_t *t;
  json_t *marks;
} model_set_ctx_t;

/* A field is marked while the model's value stands and nobody confirmed it. */
static int tickets_model_set(const store_pred_t *p, void *arg) {
  model_set_ctx_t *m = arg;
  char cur[TRIAGE_MAX_VALUE];
  int fi = triage_field_index(p->field);
  if (p->state == STORE_PRED_APPLIED && fi >= 0 &&
      !triage_label_of(m->c->db, fi, m->t, cur, sizeof cur) && strcmp(cur, p->value) == 0)
    json_object_set_new(m->marks, p->field, json_real(p->confidence));
  return 0;
}

/* The statuses of a comma list into q (at most 5, each a status name),
 * borrowing from buf; replies 400 naming 'status'. */
static int tickets_statuses(api_call_t *c, const char *list, char *buf, size_t len,
                            store_query_t *q) {
  snprintf(buf, len, "%s", list);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (!store_status_valid(tok)) {
      api_error(c, UTIL_E_INVALID, "status", "unknown status '%s'", tok);
      return UTIL_E_INVALID;
    }
    if (q->nstatus == 5) {
      api_error(c, UTIL_E_INVALID, "status", "'status' takes at most 5 statuses");
      return UTIL_E_INVALID;
    }
    q->status[q->nstatus++] = tok;
  }
  return 0;
}

/* sort=[-]key into q; q's default when absent: relevance with a search,
 * else the newest first. Replies 400 naming 'sort'. */
static int tickets_sort(api_call_t *c, const char *sort, store_query_t *q) {
  static const struct { const char *name; store_sort_t s; } sorts[] = {
      {"created_at", STORE_SORT_CREATED}, {"updated_at", STORE_SORT_UPDATED},
      {"priority", STORE_SORT_PRIORITY}, {"id", STORE_SORT_ID}, {"rank", STORE_SORT_RANK},
      {"sla_due_at", STORE_SORT_DUE}};
  q->sort = q->q ? STORE_SORT_RANK : STORE_SORT_CREATED;
  q->desc = !q->q;
  if (!sort) return 0;
  const char *name = sort[0] == '-' ? sort + 1 : sort;
  size_t i;
  for (i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
    if (strcmp(sorts[i].name, name) == 0) break;
  if (i == sizeof sorts / sizeof sorts[0] || (sorts[i].s == STORE_SORT_RANK && !q->q)) {
    api_error(c, UTIL_E_INVALID, "sort", "sort must be one of created_at, updated_at,"
              " priority, sla_due_at, id (prefix '-' for descending), or rank with q");
    return UTIL_E_INVALID;
  }
  q->sort = sorts[i].s;
  q->desc = sort[0] == '-';
  return 0;
}

/* The filters that name people and groups, and the views' own: group_id
 * (an id or "mine": the caller's groups), assignee_id (an id, "me" or
 * "none"), sla ("breached"), awaiting ("true"). */
static int tickets_who(api_call_t *c, store_query_t *q) {
  const char *group, *assignee, *sla, *awaiting;
  if (tickets_arg_text(c, "group_id", 20, &group) ||
      tickets_arg_text(c, "assignee_id", 20, &assignee) || tickets_arg_text(c, "sla", 20, &sla) ||
      tickets_arg_text(c, "awaiting", 10, &awaiting))
    return UTIL_E_INVALID;
  if (group && strcmp(group, "mine") == 0) q->groups_of = c->user.id;
  else if (group && api_arg_int(c, "group_id", 1, INT64_MAX, &q->group_id, NULL))
    return UTIL_E_INVALID;
  if (assignee) {
    if (strcmp(assignee, "none") == 0) q->assignee_id = -1;
    else if (strcmp(assignee, "me") == 0) q->assignee_id = c->user.id;
    else if (api_arg_int(c, "assignee_id", 1, INT64_MAX, &q->assignee_id, NULL)) return UTIL_E_INVALID;
  }
  if (sla && strcmp(sla, "breached") != 0) {
    api_error(c, UTIL_E_INVALID, "sla", "'sla' must be 'breached' (a running target past due);"
              " tickets at risk are counted on the dashboard");
    return UTIL_E_INVALID;
  }
  q->sla = sla ? STORE_SLA_BREACHED : STORE_SLA_ANY;
  if (awaiting && strcmp(awaiting, "true") != 0) {
    api_error(c, UTIL_E_INVALID, "awaiting", "'awaiting' must be 'true' (the requester waits on"
              " the desk) or absent");
    return UTIL_E_INVALID;
  }
  q->awaiting = awaiting != NULL;
  return 0;
}

int api_tickets_query(api_call_t *c, store_query_t *q, char *statuses, size_t len) {
  const char *status, *sort;
  int64_t v;
  int present;
  memset(q, 0, sizeof *q);
  if (tickets_arg_text(c, "q", 500, &q->q) ||
      tickets_arg_text(c, "category", 100, &q->category) ||
      tickets_arg_text(c, "status", 60, &status) || tickets_arg_text(c, "sort", 20, &sort) ||
      api_arg_int(c, "requester_id", 1, INT64_MAX, &q->requester_id, NULL) ||
      api_arg_time(c, "created_from", &q->created_from) ||
      api_arg_time(c, "created_to", &q->created_to) || tickets_who(c, q) ||
      api_arg_int(c, "priority", 1, 4, &v, &present))
    return UTIL_E_INVALID;
  if (present) q->priority = (int)v;
  if (status && tickets_statuses(c, status, statuses, len, q)) return UTIL_E_INVALID;
  return tickets_sort(c, sort, q);
}

void api_tickets_list(api_call_t *c) {
  store_query_t q;
  store_page_t page = {0};
  const char *cursor;
  char statuses[64];
  int64_t limit = 50;
  if (api_tickets_query(c, &q, statuses, sizeof statuses) ||
      tickets_arg_text(c, "cursor", 60, &cursor) || api_arg_int(c, "limit", 1, 200, &limit, NULL))
    return;
  q.limit = (int)limit;
  q.cursor = cursor;
  /* A requester lists only their own tickets, whatever the filters say. */
  if (c->user.role == STORE_ROLE_REQUESTER) q.requester_id = c->user.id;
  /* the page, its names and marks in one snapshot: one file lock instead
   * of one per lookup (five a row) */
  int own, rc = store_read_begin(c->db, &own);
  if (rc) {
    api_error(c, rc, NULL, "cannot list tickets");
    return;
  }
  rc = store_ticket_list(c->db, &q, &page);
  if (rc) store_read_end(c->db, own);
  if (rc == UTIL_E_BADQUERY) {
    const char *why = store_list_error(c->db);
    api_error(c, rc, strstr(why, "cursor") ? "cursor" : "q", "%s", why);
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot list tickets");
    return;
  }
  json_t *items = json_array();
  int agent = api_role_at_least(c, STORE_ROLE_AGENT);
  desk_sla_t sla;
  desk_sla_load(c->db, &sla); /* once for the page; a failed read leaves the defaults */
  for (size_t i = 0; i < page.n; i++) {
    json_t *tj = tickets_json(c, &page.items[i], &sla);
    /* a requester's list marks the tickets with replies they have not read */
    if (!agent) {
      int unread = store_ticket_unread(c->db, c->user.id, page.items[i].v[STORE_TF_ID].i);
      json_object_set_new(tj, "unread", json_boolean(unread > 0));
    }
    /* the queue marks the fields the model set and nobody confirmed yet */
    if (agent) {
      model_set_ctx_t ms = {c, &page.items[i], json_object()};
      store_pred_each(c->db, page.items[i].v[STORE_TF_ID].i, tickets_model_set, &ms);
      json_object_set_new(tj, "model_set", ms.marks);
    }
    json_array_append_new(items, tj);
  }
  store_read_end(c->db, own);
  json_t *j = json_pack("{s:o}", "items", items);
  json_object_set_new(j, "next_cursor",
                      page.next_cursor[0] ? json_string(page.next_cursor) : json_null());
  store_page_clear(&page);
  api_reply(c, 200, j);
}
