/* POST /api/v1/tickets/bulk: one change (status, assignee, group,
 * priority) and/or a macro on up to BULK_MAX tickets at once, all or
 * nothing. Every ticket goes through desk_ticket_update, as a PATCH would
 * (the lifecycle, the priority and SLA rules, one history row per field
 * changed, what the change teaches triage), then through the macro as its
 * own POST …/macros/{id}/apply would (api_macro_run: its reply, its
 * changes), in one transaction: one ticket refused (no such ticket, a
 * status its lifecycle forbids, a version that is no longer its own, a
 * reply past its caps) rolls every ticket back, and the error names that
 * ticket and the field. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

#define BULK_MAX 200 /* tickets one request changes */

/* The fields a bulk change sets. */
static const char *const bulk_fields[] = {"status", "assignee_id", "group_id", "priority", NULL};

typedef struct {
  int64_t id;
  int64_t version; /* 0: any */
} bulk_item_t;

/* One item of ids: a ticket id, or {"id": n, "version": v}. 0 or -1. */
static int bulk_item(const json_t *v, bulk_item_t *out) {
  const json_t *id = json_is_object(v) ? json_object_get(v, "id") : v;
  const json_t *ver = json_is_object(v) ? json_object_get(v, "version") : NULL;
  if (json_is_object(v) && json_object_size(v) != 1u + (ver != NULL)) return -1;
  if (!json_is_integer(id) || json_integer_value(id) < 1) return -1;
  if (ver && (!json_is_integer(ver) || json_integer_value(ver) < 1)) return -1;
  out->id = json_integer_value(id);
  out->version = ver ? json_integer_value(ver) : 0;
  return 0;
}

/* ids into items (room for BULK_MAX); replies 400 naming 'ids'. */
static int bulk_ids(api_call_t *c, bulk_item_t *items, size_t *n) {
  json_t *ids = json_object_get(c->body, "ids");
  size_t i;
  json_t *v;
  *n = 0;
  if (!json_is_array(ids) || !json_array_size(ids)) {
    api_error(c, UTIL_E_INVALID, "ids", "'ids' must be a non-empty array of ticket ids"
              " (each may be {\"id\": N, \"version\": V})");
    return UTIL_E_INVALID;
  }
  if (json_array_size(ids) > BULK_MAX) {
    api_error(c, UTIL_E_INVALID, "ids", "at most %d tickets at once (%zu given)", BULK_MAX,
              json_array_size(ids));
    return UTIL_E_INVALID;
  }
  json_array_foreach(ids, i, v) {
    if (bulk_item(v, &items[i])) {
      api_error(c, UTIL_E_INVALID, "ids", "'ids' item %zu is not a ticket id (a positive integer,"
                " or {\"id\": N, \"version\": V})", i + 1);
      return UTIL_E_INVALID;
    }
    for (size_t j = 0; j < i; j++)
      if (items[j].id == items[i].id) {
        api_error(c, UTIL_E_INVALID, "ids", "ticket %lld is given twice in 'ids'",
                  (long long)items[i].id);
        return UTIL_E_INVALID;
      }
  }
  *n = json_array_size(ids);
  return 0;
}

/* set's fields into t, each by desk's rules, their bits in *mask; replies
 * 400 naming 'set.<field>'. With a macro (macro 1), set may be left out. */
static int bulk_set(api_call_t *c, store_ticket_t *t, uint32_t *mask, int macro) {
  json_t *set = json_object_get(c->body, "set"), *v;
  const char *key;
  desk_err_t e = {0};
  *mask = 0;
  if (set && !json_is_object(set)) {
    api_error(c, UTIL_E_INVALID, "set", "'set' must be an object of the fields to change");
    return UTIL_E_INVALID;
  }
  c->field_prefix = "set.";
  json_object_foreach(set, key, v) {
    int ok = 0;
    for (const char *const *f = bulk_fields; *f && !ok; f++) ok = strcmp(*f, key) == 0;
    const desk_field_t *sp = ok ? desk_field_find(key, &e) : NULL;
    desk_value_t dv = {DESK_V_OTHER, NULL, 0, 0};
    if (json_is_null(v)) dv.kind = DESK_V_NULL;
    else if (json_is_integer(v)) dv.kind = DESK_V_INT, dv.i = json_integer_value(v);
    else if (json_is_string(v))
      dv.kind = DESK_V_STRING, dv.s = json_string_value(v), dv.n = json_string_length(v);
    if (!ok) {
      api_error(c, UTIL_E_INVALID, key, "'%.64s' cannot be changed in bulk: status, assignee_id,"
                " group_id or priority", key);
    } else if (!sp || desk_field_set(c->db, sp, c->user.role, 0, &dv, t, &e)) {
      api_desk_error(c, &e);
    } else {
      *mask |= 1u << sp->f;
      continue;
    }
    c->field_prefix = NULL;
    return UTIL_E_INVALID;
  }
  c->field_prefix = NULL;
  if (!*mask && !macro) {
    api_error(c, UTIL_E_INVALID, "set", "nothing to change: 'set' one of status, assignee_id,"
              " group_id or priority, or give a macro_id");
    return UTIL_E_INVALID;
  }
  return 0;
}

/* The refusal of one ticket, after the rollback: the error names the
 * ticket (ticket_id) and the field at fault, and says nothing changed. */
static void bulk_refuse(api_call_t *c, int code, int64_t ticket, const char *field,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void bulk_refuse(api_call_t *c, int code, int64_t ticket, const char *field,
                        const char *fmt, ...) {
  char why[300], msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  snprintf(msg, sizeof msg, "ticket %lld: %s; no ticket was changed", (long long)ticket, why);
  json_t *e = json_pack("{s:s, s:s, s:I}", "code", util_err_code(code), "message", msg,
                        "ticket_id", (json_int_t)ticket);
  if (!e) e = json_pack("{s:s, s:s}", "code", util_err_code(code), "message", util_err_message(code));
  if (field) json_object_set_new(e, "field", json_string(field));
  api_reply(c, util_err_http_status(code), json_pack("{s:o}", "error", e));
}

/* One ticket's change (and macro m, or NULL) inside the transaction; on a
 * refusal replies (after rolling back) and returns the error. *changed:
 * fields changed. */
static int bulk_one(api_call_t *c, const bulk_item_t *it, const store_ticket_t *t, uint32_t mask,
                    const store_macro_t *m, int *changed) {
  store_ticket_t cur, neu;
  desk_err_t e = {0};
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  store_ticket_init(&neu);
  int rc = store_ticket_get(c->db, it->id, &cur);
  if (rc == UTIL_E_NOTFOUND) {
    store_rollback(c->db);
    bulk_refuse(c, rc, it->id, "ids", "no such ticket");
    goto out;
  }
  if (!rc && it->version && cur.v[STORE_TF_VERSION].i != it->version) {
    store_rollback(c->db);
    rc = UTIL_E_STALE;
    bulk_refuse(c, rc, it->id, "version", "changed since you read it (version %lld, yours %lld):"
                " reload, then try again", (long long)cur.v[STORE_TF_VERSION].i,
                (long long)it->version);
    goto out;
  }
  if (!rc && mask) rc = desk_ticket_update(c->db, it->id, t, mask, &a, changed, &e);
  if (rc == UTIL_E_CONFLICT || rc == UTIL_E_INVALID) {
    store_rollback(c->db);
    bulk_refuse(c, rc, it->id, e.field[0] ? e.field : NULL, "%s", e.msg);
    goto out;
  }
  if (!rc && *changed) rc = store_ticket_get(c->db, it->id, &neu);
  if (!rc && *changed) rc = triage_note_edits(c->db, it->id, &cur, &neu, mask, c->user.id);
  if (!rc && m) { /* the macro, as its own apply would: a refusal refuses every ticket */
    store_comment_t cm;
    int more = 0;
    rc = api_macro_run(c, it->id, m, NULL, &cm, &more, &e);
    free(cm.body);
    *changed += more;
    if (rc == UTIL_E_CONFLICT || rc == UTIL_E_INVALID || rc == UTIL_E_TOOBIG) {
      store_rollback(c->db);
      bulk_refuse(c, rc, it->id, e.field[0] ? e.field : "macro_id", "%s", e.msg);
      goto out;
    }
  }
  if (rc) {
    store_rollback(c->db);
    api_error(c, rc, NULL, "cannot change ticket %lld; no ticket was changed", (long long)it->id);
  }
out:
  store_ticket_clear(&cur);
  store_ticket_clear(&neu);
  return rc;
}

/* macro_id, when given, into m: a macro the caller may use; replies 400,
 * 403 or 404 otherwise. *has: whether one was given. */
static int bulk_macro(api_call_t *c, store_macro_t *m, int *has) {
  json_t *v = json_object_get(c->body, "macro_id");
  *has = v != NULL;
  if (!v) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 1) {
    api_refuse(c, UTIL_E_INVALID, "macro_id", API_WHY_TYPE("integer"), "'macro_id' must be a macro's id");
    return UTIL_E_INVALID;
  }
  if (api_macro_load(c, json_integer_value(v), m)) return UTIL_E_NOTFOUND;
  if (api_macro_usable(c, m)) return 0;
  api_error(c, UTIL_E_FORBIDDEN, "macro_id", "macro %lld is another agent's own", (long long)m->id);
  store_macro_clear(m);
  *has = 0;
  return UTIL_E_FORBIDDEN;
}

void api_tickets_bulk(api_call_t *c) {
  static const char *const allowed[] = {"ids", "set", "macro_id", NULL};
  bulk_item_t items[BULK_MAX] = {{0, 0}};
  size_t n = 0;
  uint32_t mask = 0;
  store_ticket_t t;
  store_macro_t m = {0};
  int has_macro = 0;
  store_ticket_init(&t);
  if (api_body_object(c) || api_body_only(c, allowed) || bulk_ids(c, items, &n) ||
      bulk_macro(c, &m, &has_macro) || bulk_set(c, &t, &mask, has_macro))
    goto out;
  json_t *done = json_array();
  int rc = store_begin(c->db);
  if (rc) api_error(c, rc, NULL, "cannot change the tickets");
  for (size_t i = 0; i < n && !rc; i++) {
    int changed = 0;
    rc = bulk_one(c, &items[i], &t, mask, has_macro ? &m : NULL, &changed);
    if (!rc) json_array_append_new(done, json_pack("{s:I, s:i}", "id", (json_int_t)items[i].id,
                                                   "changed", changed));
  }
  if (!rc) {
    rc = store_commit(c->db);
    if (rc) {
      store_rollback(c->db);
      api_error(c, rc, NULL, "cannot change the tickets; no ticket was changed");
    }
  }
  if (!rc) api_reply(c, 200, json_pack("{s:O, s:I}", "items", done, "count", (json_int_t)n));
  json_decref(done);
out:
  store_macro_clear(&m);
  store_ticket_clear(&t);
}
