/* /api/v1/macros: canned responses. An agent lists the macros they may
 * use (their own and the shared ones), makes their own, and changes or
 * deletes them; admins also make, change and delete the shared ones
 * (audited as macro.create, macro.update, macro.delete, as is an admin's
 * change of another agent's macro). Applying one to a ticket is
 * macro_apply.c. */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

#define MACRO_AUDIT_TEXT 200 /* bytes of a text the audit row keeps */

json_t *api_macro_json(const api_call_t *c, const store_macro_t *m) {
  json_error_t je;
  json_t *actions = json_loads(m->actions ? m->actions : "{}", 0, &je);
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:o}", "id", (json_int_t)m->id,
                        "name_fr", m->name_fr ? m->name_fr : "", "name_en", m->name_en ? m->name_en : "",
                        "body_fr", m->body_fr ? m->body_fr : "", "body_en", m->body_en ? m->body_en : "",
                        "internal", m->internal, "shared", m->owner_id == 0, "actions",
                        actions ? actions : json_object(), "created_at", api_time_json(m->created_at),
                        "updated_at", api_time_json(m->updated_at));
  json_object_set_new(j, "owner_id", m->owner_id ? json_integer(m->owner_id) : json_null());
  json_object_set_new(j, "owner_name", m->owner_name ? json_string(m->owner_name) : json_null());
  json_object_set_new(j, "editable", json_boolean(api_macro_editable(c, m)));
  return j;
}

int api_macro_usable(const api_call_t *c, const store_macro_t *m) {
  return m->owner_id == 0 || m->owner_id == c->user.id;
}

int api_macro_editable(const api_call_t *c, const store_macro_t *m) {
  return c->user.role == STORE_ROLE_ADMIN || (m->owner_id && m->owner_id == c->user.id);
}

int api_macro_load(api_call_t *c, int64_t id, store_macro_t *m) {
  int rc = store_macro_get(c->db, id, m);
  /* another agent's own macro does not exist for the others */
  if (!rc && !api_macro_usable(c, m) && c->user.role != STORE_ROLE_ADMIN) rc = UTIL_E_NOTFOUND;
  if (rc == UTIL_E_NOTFOUND) api_error(c, rc, NULL, "no macro %lld", (long long)id);
  else if (rc) api_error(c, rc, NULL, "cannot read macro %lld", (long long)id);
  if (rc) store_macro_clear(m);
  return rc;
}

static int macros_one(const store_macro_t *m, void *arg) {
  void **a = arg;
  json_array_append_new(a[1], api_macro_json(a[0], m));
  return 0;
}

/* GET: the shared macros, then the caller's own. */
void api_macros_list(api_call_t *c) {
  json_t *items = json_array();
  void *a[2] = {c, items};
  int rc = store_macro_each(c->db, c->user.id, macros_one, a);
  if (rc) {
    json_decref(items);
    api_error(c, rc, NULL, "cannot list the macros");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "items", items));
}

void api_macros_get(api_call_t *c) {
  store_macro_t m;
  if (api_macro_load(c, c->id[0], &m)) return;
  api_reply(c, 200, api_macro_json(c, &m));
  store_macro_clear(&m);
}

/* The first max bytes of s, cut on a character boundary, as JSON. */
static json_t *macros_cut(const char *s, size_t max) { return json_stringn(s, util_utf8_prefix(s, max)); }

/* A text of the body (present ones only) into *slot, noted in ch (cut for
 * the audit). */
static int macros_text(api_call_t *c, const char *key, size_t max, char **slot, json_t *ch) {
  const char *s = NULL;
  desk_err_t e = {0};
  if (api_field_string(c, key, 0, max, 0, &s, NULL)) return UTIL_E_INVALID;
  if (!s) return 0;
  if (strncmp(key, "body", 4) == 0 && desk_macro_text_check(key, s, &e)) {
    api_desk_error(c, &e);
    return e.code;
  }
  api_audit_change(ch, key, macros_cut(*slot ? *slot : "", MACRO_AUDIT_TEXT),
                   macros_cut(s, MACRO_AUDIT_TEXT));
  free(*slot);
  *slot = util_xstrdup(s);
  return 0;
}

/* The actions of the body, checked by the desk's field rules, into m. */
static int macros_actions(api_call_t *c, store_macro_t *m, json_t *ch) {
  json_t *a = json_object_get(c->body, "actions");
  if (!a) return 0;
  store_ticket_t t;
  uint32_t mask = 0;
  desk_err_t e = {0};
  store_ticket_init(&t);
  int rc = json_is_null(a) ? 0 : desk_macro_changes(c->db, a, "actions.", 0, &t, &mask, &e);
  store_ticket_clear(&t);
  if (rc) {
    api_desk_error(c, &e);
    return rc;
  }
  char *text = json_is_null(a) ? util_xstrdup("{}") : json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
  json_error_t je;
  api_audit_change(ch, "actions", json_loads(m->actions ? m->actions : "{}", 0, &je),
                   json_loads(text, 0, &je));
  free(m->actions);
  m->actions = text;
  return 0;
}

/* The body's fields into m (the present ones), noting changes in ch. */
static int macros_from_body(api_call_t *c, store_macro_t *m, json_t *ch) {
  static const char *const allowed[] = {"name_fr", "name_en", "body_fr", "body_en", "internal",
                                        "shared", "actions", NULL};
  int internal = m->internal, shared = m->owner_id == 0, has_shared = 0;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      macros_text(c, "name_fr", DESK_MACRO_NAME_MAX, &m->name_fr, ch) ||
      macros_text(c, "name_en", DESK_MACRO_NAME_MAX, &m->name_en, ch) ||
      macros_text(c, "body_fr", DESK_MACRO_BODY_MAX, &m->body_fr, ch) ||
      macros_text(c, "body_en", DESK_MACRO_BODY_MAX, &m->body_en, ch) ||
      api_field_bool(c, "internal", &internal, NULL) ||
      api_field_bool(c, "shared", &shared, &has_shared) || macros_actions(c, m, ch))
    return UTIL_E_INVALID;
  api_audit_change(ch, "internal", json_boolean(m->internal), json_boolean(internal));
  m->internal = internal;
  if (has_shared && shared != (m->owner_id == 0)) {
    if (shared && c->user.role != STORE_ROLE_ADMIN) {
      api_error(c, UTIL_E_FORBIDDEN, "shared", "only admins share macros with every agent");
      return UTIL_E_FORBIDDEN;
    }
    api_audit_change(ch, "shared", json_boolean(m->owner_id == 0), json_boolean(shared));
    m->owner_id = shared ? 0 : c->user.id; /* made personal: the admin's own */
  }
  return 0;
}

/* What every macro needs: a name, and a reply or a field change. */
static int macros_complete(api_call_t *c, const store_macro_t *m) {
  if (strspn(m->name_fr, " \t") == strlen(m->name_fr) && strspn(m->name_en, " \t") == strlen(m->name_en)) {
    api_refuse(c, UTIL_E_INVALID, "name_fr", API_WHY(REQUIRED), "a macro needs a name in French or in English");
    return UTIL_E_INVALID;
  }
  if (!*m->body_fr && !*m->body_en && strcmp(m->actions, "{}") == 0) {
    api_refuse(c, UTIL_E_INVALID, "body_fr", API_WHY(REQUIRED),
               "a macro needs a reply (in French or in English) or a field change");
    return UTIL_E_INVALID;
  }
  return 0;
}

/* Audited: a shared macro (before or after: owner 0), or another agent's. */
static int macros_audited(const api_call_t *c, int64_t owner_before, int64_t owner_after) {
  return owner_before == 0 || owner_after == 0 || owner_before != c->user.id;
}

static const char *macros_name(const store_macro_t *m) { return *m->name_en ? m->name_en : m->name_fr; }

/* After the transaction of a save (rc its outcome): the macro as stored,
 * read back, with status; or the error. */
static void macros_reply_saved(api_call_t *c, int rc, int64_t id, int status) {
  store_macro_t back;
  if (rc) api_error(c, rc, NULL, "cannot save the macro");
  else if (store_macro_get(c->db, id, &back)) api_error(c, UTIL_E_DB, NULL, "cannot read the macro back");
  else {
    api_reply(c, status, api_macro_json(c, &back));
    store_macro_clear(&back);
  }
}

void api_macros_create(api_call_t *c) {
  store_macro_t m = {.owner_id = c->user.id, .name_fr = util_xstrdup(""), .name_en = util_xstrdup(""),
                     .body_fr = util_xstrdup(""), .body_en = util_xstrdup(""),
                     .actions = util_xstrdup("{}"), .created_by = c->user.id};
  json_t *ch = json_object();
  if (macros_from_body(c, &m, ch) || macros_complete(c, &m)) goto out;
  int rc = store_begin(c->db);
  if (!rc && store_macro_count(c->db, m.owner_id) >= STORE_MACROS_MAX) {
    store_rollback(c->db);
    api_refuse(c, UTIL_E_CONFLICT, NULL, API_WHY_MAX(LIMIT_REACHED, STORE_MACROS_MAX),
               "there are %d %s macros already, the most kept: delete one first", STORE_MACROS_MAX,
               m.owner_id ? "of your own" : "shared");
    goto out;
  }
  if (!rc) rc = store_macro_insert(c->db, &m, &m.id);
  if (!rc && m.owner_id == 0) {
    rc = api_audit(c, "macro.create", "macro", m.id, macros_name(&m), ch);
    ch = NULL;
  }
  macros_reply_saved(c, api_txn_end(c, rc), m.id, 201);
out:
  json_decref(ch);
  store_macro_clear(&m);
}

/* Loads macro {id} for a change by the caller: replies 404 when they may
 * not see it, 403 when they may not change it. */
static int macros_for_change(api_call_t *c, store_macro_t *m) {
  if (api_macro_load(c, c->id[0], m)) return UTIL_E_NOTFOUND;
  if (api_macro_editable(c, m)) return 0;
  api_error(c, UTIL_E_FORBIDDEN, NULL, "only admins change or delete shared macros");
  store_macro_clear(m);
  return UTIL_E_FORBIDDEN;
}

void api_macros_patch(api_call_t *c) {
  store_macro_t m;
  json_t *ch = json_object();
  if (macros_for_change(c, &m)) goto done;
  int64_t owner_before = m.owner_id;
  if (macros_from_body(c, &m, ch) || macros_complete(c, &m)) goto out;
  int rc = store_begin(c->db);
  if (!rc) rc = store_macro_update(c->db, &m);
  if (!rc && macros_audited(c, owner_before, m.owner_id)) {
    rc = api_audit(c, "macro.update", "macro", m.id, macros_name(&m), ch);
    ch = NULL;
  }
  macros_reply_saved(c, api_txn_end(c, rc), m.id, 200);
out:
  store_macro_clear(&m);
done:
  json_decref(ch);
}

void api_macros_delete(api_call_t *c) {
  store_macro_t m;
  if (macros_for_change(c, &m)) return;
  int rc = store_begin(c->db);
  if (!rc) rc = store_macro_delete(c->db, m.id);
  if (!rc && macros_audited(c, m.owner_id, m.owner_id))
    rc = api_audit(c, "macro.delete", "macro", m.id, macros_name(&m),
                   json_pack("{s:b}", "shared", m.owner_id == 0));
  rc = api_txn_end(c, rc);
  if (rc) api_error(c, rc, NULL, "cannot delete the macro");
  else api_reply(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)m.id, "deleted", 1));
  store_macro_clear(&m);
}
