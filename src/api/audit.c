/* The audit log: what administrative handlers record (api_audit), and the
 * admins' view of it (GET /api/v1/audit). */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

store_auditor_t api_auditor(const api_call_t *c) {
  store_auditor_t who = {c->user.id, c->user.email, c->req->client};
  return who;
}

int api_audit(api_call_t *c, const char *action, const char *target_type, int64_t target_id,
              const char *target, json_t *detail) {
  char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(detail);
  store_auditor_t who = api_auditor(c);
  int rc = store_audit_add(c->db, &who, action, target_type, target_id, target, text);
  free(text);
  return rc;
}

void api_audit_change(json_t *changes, const char *key, json_t *before, json_t *after) {
  if (json_equal(before, after)) {
    json_decref(before);
    json_decref(after);
    return;
  }
  json_object_set_new(changes, key, json_pack("[o, o]", before, after));
}

typedef struct {
  json_t *items;
  int64_t last_id;
} audit_page_t;

static int audit_one(const store_audit_t *a, void *arg) {
  audit_page_t *p = arg;
  json_error_t je;
  json_t *detail = json_loads(a->detail ? a->detail : "{}", 0, &je);
  json_t *o = json_pack("{s:I, s:o, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:o}", "id",
                        (json_int_t)a->id, "at", api_time_json(a->at), "actor_id",
                        (json_int_t)a->actor_id, "actor", a->actor ? a->actor : "", "client",
                        a->client ? a->client : "", "action", a->action ? a->action : "",
                        "target_type", a->target_type ? a->target_type : "", "target_id",
                        (json_int_t)a->target_id, "target", a->target ? a->target : "",
                        "detail", detail ? detail : json_object());
  if (o) json_array_append_new(p->items, o);
  p->last_id = a->id;
  return 0;
}

/* action: a word of [a-z_.] ending in '.' for a family ("user."). */
static int audit_arg_action(api_call_t *c, const char **out) {
  const char *s = api_arg(c, "action");
  *out = s && *s ? s : NULL;
  if (!*out) return 0;
  size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_.");
  if (n != strlen(s) || n > 40) {
    api_error(c, UTIL_E_INVALID, "action", "query parameter 'action' must be an action such as"
              " user.update, or a family such as user.");
    return UTIL_E_INVALID;
  }
  return 0;
}

void api_audit_list(api_call_t *c) {
  store_audit_query_t q = {.actor_id = -1, .limit = 50};
  int64_t limit = 50;
  int present;
  const char *type = api_arg(c, "target_type");
  if (api_arg_int(c, "limit", 1, 500, &limit, &present) ||
      api_arg_int(c, "actor_id", 0, INT64_MAX, &q.actor_id, &present) ||
      api_arg_int(c, "target_id", 1, INT64_MAX, &q.target_id, &present) ||
      audit_arg_action(c, &q.action) || api_arg_time(c, "from", &q.from) ||
      api_arg_time(c, "to", &q.to) || api_arg_cursor(c, 'a', &q.before_id))
    return;
  if (type && *type && strspn(type, "abcdefghijklmnopqrstuvwxyz") != strlen(type)) {
    api_error(c, UTIL_E_INVALID, "target_type", "query parameter 'target_type' must be one of"
              " user, group, settings, model, token, job");
    return;
  }
  q.target_type = type && *type ? type : NULL;
  q.limit = (int)limit;
  audit_page_t p = {json_array(), 0};
  int more = 0;
  int rc = store_audit_list(c->db, &q, audit_one, &p, &more);
  if (rc) {
    json_decref(p.items);
    api_error(c, rc, NULL, "cannot read the audit log");
    return;
  }
  json_t *o = json_pack("{s:o}", "items", p.items);
  char cur[32];
  snprintf(cur, sizeof cur, "a%lld", (long long)p.last_id);
  json_object_set_new(o, "next_cursor", more ? json_string(cur) : json_null());
  api_reply(c, 200, o);
}
