/* /api/v1/views: the queue's saved views with their live counters. The
 * built-in ones (my open tickets, unassigned in my groups, overdue,
 * waiting on the requester, waiting on me) come first, then the caller's
 * own views and those an admin shared. A view's filters are the queue's
 * query parameters, read by the list's own reader (api_tickets_query), so
 * that a view counts exactly what the queue lists. */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

#define VIEWS_MAX 50          /* views one person keeps */
#define VIEWS_NAME_MAX 80     /* bytes */

/* The built-in views, by key, with their names and the queue's filters. */
static const struct {
  const char *key, *en, *fr;
  const char *filters; /* JSON */
} views_builtin[] = {
    {"my_open", "My open tickets", "Mes tickets ouverts",
     "{\"status\":\"new,open,pending\",\"assignee_id\":\"me\",\"sort\":\"sla_due_at\"}"},
    {"unassigned_mine", "Unassigned in my groups", "Non assignés dans mes groupes",
     "{\"status\":\"new,open,pending\",\"group_id\":\"mine\",\"assignee_id\":\"none\","
     "\"sort\":\"sla_due_at\"}"},
    {"overdue", "Overdue", "En retard", "{\"sla\":\"breached\",\"sort\":\"sla_due_at\"}"},
    {"waiting_requester", "Waiting on requester", "En attente du demandeur",
     "{\"status\":\"pending\",\"assignee_id\":\"me\",\"sort\":\"-updated_at\"}"},
    {"awaiting_me", "Waiting on my reply", "En attente de ma réponse",
     "{\"status\":\"new,open\",\"assignee_id\":\"me\",\"awaiting\":\"true\",\"sort\":\"sla_due_at\"}"},
};
#define VIEWS_NBUILTIN (sizeof views_builtin / sizeof views_builtin[0])

/* The filters a view may hold: the list's, without its paging. */
static const char *const views_keys[] = {"q", "status", "category", "group_id", "assignee_id",
                                         "requester_id", "priority", "created_from",
                                         "created_to", "sla", "awaiting", "sort", NULL};

static const char *views_arg(void *ctx, const char *key) {
  json_t *v = json_object_get(ctx, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* filters read by the list's own reader: the request's query parameters
 * are filters' strings while it runs. */
int api_views_query(api_call_t *c, json_t *filters, store_query_t *q, char *statuses,
                    size_t len) {
  api_request_t req = *c->req;
  const api_request_t *saved = c->req;
  req.query = views_arg;
  req.query_ctx = filters;
  c->req = &req;
  c->field_prefix = "filters.";
  int rc = api_tickets_query(c, q, statuses, len);
  c->req = saved;
  c->field_prefix = NULL;
  return rc;
}

void api_views_count(api_call_t *c, json_t *j, json_t *filters) {
  store_query_t q;
  char statuses[64];
  int64_t n = 0;
  int rc = api_views_query(c, filters, &q, statuses, sizeof statuses);
  if (!rc) rc = store_ticket_count(c->db, &q, API_COUNT_CAP, &n);
  json_object_set_new(j, "count", rc ? json_null() : json_integer(n > API_COUNT_CAP ? API_COUNT_CAP : n));
  json_object_set_new(j, "more", rc ? json_null() : json_boolean(n > API_COUNT_CAP));
}



static json_t *views_builtin_json(api_call_t *c, size_t i) {
  json_t *filters = json_loads(views_builtin[i].filters, 0, NULL);
  int fr = c->user.lang && strcmp(c->user.lang, "fr") == 0;
  json_t *j = json_pack("{s:n, s:s, s:s, s:b, s:b, s:n, s:n, s:b}", "id", "key", views_builtin[i].key,
                        "name", fr ? views_builtin[i].fr : views_builtin[i].en, "builtin", 1,
                        "shared", 1, "owner_id", "owner_name", "editable", 0);
  api_views_count(c, j, filters);
  json_object_set_new(j, "filters", filters);
  return j;
}

/* A saved view as the API shows it; count: with its counter. */
static json_t *views_json(api_call_t *c, const store_view_t *v, int count) {
  json_t *filters = json_loads(v->filters ? v->filters : "{}", 0, NULL);
  if (!json_is_object(filters)) {
    json_decref(filters);
    filters = json_object();
  }
  json_t *j = json_pack("{s:I, s:n, s:s, s:b, s:b, s:I, s:s?, s:b, s:o, s:o}", "id",
                        (json_int_t)v->id, "key", "name", v->name, "builtin", 0, "shared",
                        v->shared, "owner_id", (json_int_t)v->owner_id, "owner_name",
                        v->owner_name, "editable", v->owner_id == c->user.id, "created_at",
                        api_time_json(v->created_at), "updated_at", api_time_json(v->updated_at));
  if (count) api_views_count(c, j, filters);
  json_object_set_new(j, "filters", filters);
  return j;
}

typedef struct {
  api_call_t *c;
  json_t *items;
} views_page_t;

static int views_one(const store_view_t *v, void *arg) {
  views_page_t *p = arg;
  json_array_append_new(p->items, views_json(p->c, v, 1));
  return 0;
}

void api_views_list(api_call_t *c) {
  /* the counters see one state of the desk */
  int own, rc = store_read_begin(c->db, &own);
  if (rc) {
    api_error(c, rc, NULL, "cannot read the views");
    return;
  }
  views_page_t p = {c, json_array()};
  for (size_t i = 0; i < VIEWS_NBUILTIN; i++) json_array_append_new(p.items, views_builtin_json(c, i));
  rc = store_view_each(c->db, c->user.id, views_one, &p);
  store_read_end(c->db, own);
  if (rc) {
    json_decref(p.items);
    api_error(c, rc, NULL, "cannot read the views");
    return;
  }
  api_reply(c, 200, json_pack("{s:o, s:i}", "items", p.items, "count_cap", API_COUNT_CAP));
}

/* ---- Writes ----------------------------------------------------------------- */

/* The body's filters: an object of the queue's query parameters, each a
 * non-empty string, that the list reads as it would its own. Replies 400
 * naming "filters" or "filters.<parameter>". */
static int views_filters_ok(api_call_t *c, json_t *filters) {
  const char *key;
  json_t *v;
  if (!json_is_object(filters)) {
    api_error(c, UTIL_E_INVALID, "filters", "'filters' must be an object of the queue's query"
              " parameters, such as {\"status\": \"open\", \"sort\": \"sla_due_at\"}");
    return UTIL_E_INVALID;
  }
  json_object_foreach(filters, key, v) {
    int known = 0;
    for (const char *const *k = views_keys; *k && !known; k++) known = strcmp(*k, key) == 0;
    c->field_prefix = "filters.";
    if (!known) api_error(c, UTIL_E_INVALID, key, "unknown filter '%.64s'", key);
    else if (!json_is_string(v) || !json_string_length(v))
      api_error(c, UTIL_E_INVALID, key, "filter '%s' must be a non-empty string", key);
    c->field_prefix = NULL;
    if (!known || !json_is_string(v) || !json_string_length(v)) return UTIL_E_INVALID;
  }
  store_query_t q;
  char statuses[64];
  int64_t n;
  if (api_views_query(c, filters, &q, statuses, sizeof statuses)) return UTIL_E_INVALID;
  /* a search the full-text index cannot run is refused now, not at each count */
  int rc = store_ticket_count(c->db, &q, 0, &n);
  if (rc == UTIL_E_BADQUERY) api_error(c, rc, "filters.q", "%s", store_list_error(c->db));
  else if (rc) api_error(c, rc, NULL, "cannot check the view's filters");
  return rc;
}

/* Loads view id for a change by the caller: 404 unless it is theirs or
 * shared, 403 when it is another's shared view. */
static int views_owned(api_call_t *c, store_view_t *v) {
  int rc = store_view_get(c->db, c->id[0], v);
  if (rc == UTIL_E_NOTFOUND || (!rc && v->owner_id != c->user.id && !v->shared)) {
    api_error(c, UTIL_E_NOTFOUND, NULL, "no view %lld of yours or shared", (long long)c->id[0]);
    return UTIL_E_NOTFOUND;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot read view %lld", (long long)c->id[0]);
    return rc;
  }
  if (v->owner_id != c->user.id) {
    api_error(c, UTIL_E_FORBIDDEN, NULL, "view %lld is %s's: only its owner changes it",
              (long long)v->id, v->owner_name ? v->owner_name : "another person");
    return UTIL_E_FORBIDDEN;
  }
  return 0;
}

/* name, filters and shared from the body over v (on creation, name is
 * required and filters default to none). Replies 400/403. */
static int views_from_body(api_call_t *c, store_view_t *v, int creating) {
  static const char *const allowed[] = {"name", "filters", "shared", NULL};
  const char *name;
  int present, shared = v->shared;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "name", 1, VIEWS_NAME_MAX, 0, &name, &present) ||
      api_field_bool(c, "shared", &shared, NULL))
    return UTIL_E_INVALID;
  if (creating && !name) {
    api_error(c, UTIL_E_INVALID, "name", "'name' is required");
    return UTIL_E_INVALID;
  }
  json_t *filters = json_object_get(c->body, "filters");
  if (filters && views_filters_ok(c, filters)) return UTIL_E_INVALID;
  if (shared && !v->shared && c->user.role != STORE_ROLE_ADMIN) {
    api_error(c, UTIL_E_FORBIDDEN, "shared", "only admins share views with every agent");
    return UTIL_E_FORBIDDEN;
  }
  if (name) {
    free(v->name);
    v->name = util_xstrdup(name);
  }
  if (filters || creating) {
    char *text = json_dumps(filters ? filters : json_object(), JSON_COMPACT | JSON_SORT_KEYS);
    free(v->filters);
    v->filters = text ? text : util_xstrdup("{}");
  }
  v->shared = shared;
  return 0;
}

/* What the audit keeps of a view. */
static json_t *views_audit_json(const store_view_t *v) {
  json_t *f = json_loads(v->filters ? v->filters : "{}", 0, NULL);
  return json_pack("{s:s, s:o, s:b}", "name", v->name ? v->name : "", "filters",
                   f ? f : json_object(), "shared", v->shared);
}

/* The write and, when the view is or was shared (an admin's action on
 * what every agent sees), its audit row, in one transaction. */
static int views_store(api_call_t *c, store_view_t *v, const store_view_t *before) {
  int rc = store_begin(c->db);
  if (!rc) rc = before ? store_view_update(c->db, v) : store_view_insert(c->db, v);
  if (!rc && (v->shared || (before && before->shared))) {
    json_t *detail;
    if (before) {
      json_t *a = views_audit_json(before), *b = views_audit_json(v);
      detail = json_object();
      const char *key;
      json_t *x;
      json_object_foreach(b, key, x) api_audit_change(detail, key, json_incref(json_object_get(a, key)), json_incref(x));
      json_decref(a);
      json_decref(b);
    } else {
      detail = views_audit_json(v);
    }
    rc = api_audit(c, before ? "view.update" : "view.create", "view", v->id, v->name, detail);
  }
  return api_txn_end(c, rc);
}

static void views_stored_reply(api_call_t *c, store_view_t *v, int rc, int status) {
  if (rc == UTIL_E_CONFLICT) {
    api_error(c, rc, "name", "you already have a view named '%s'", v->name);
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot save the view");
    return;
  }
  store_view_t back;
  rc = store_view_get(c->db, v->id, &back);
  if (rc) api_error(c, rc, NULL, "cannot read the view back");
  else api_reply(c, status, views_json(c, &back, 1));
  store_view_clear(&back);
}

void api_views_create(api_call_t *c) {
  store_view_t v = {.owner_id = c->user.id};
  int64_t mine = 0, shared = 0;
  if (views_from_body(c, &v, 1)) goto out;
  int rc = store_view_count(c->db, c->user.id, 0, &mine);
  if (!rc) rc = store_view_count(c->db, c->user.id, 1, &shared);
  if (!rc && mine + shared >= VIEWS_MAX) {
    long long all = mine + shared;
    api_error(c, UTIL_E_CONFLICT, NULL, "you keep %lld views, the most one person keeps:"
              " delete one first", all);
    goto out;
  }
  if (!rc) rc = views_store(c, &v, NULL);
  views_stored_reply(c, &v, rc, 201);
out:
  store_view_clear(&v);
}

void api_views_patch(api_call_t *c) {
  store_view_t v = {0}, before = {0};
  if (views_owned(c, &v)) goto out;
  before = (store_view_t){.id = v.id, .name = util_xstrdup(v.name), .filters = util_xstrdup(v.filters),
                          .shared = v.shared};
  if (views_from_body(c, &v, 0)) goto out;
  views_stored_reply(c, &v, views_store(c, &v, &before), 200);
out:
  store_view_clear(&v);
  store_view_clear(&before);
}

void api_views_delete(api_call_t *c) {
  store_view_t v = {0};
  if (views_owned(c, &v)) goto out;
  int rc = store_begin(c->db);
  if (!rc) rc = store_view_delete(c->db, v.id);
  if (!rc && v.shared) rc = api_audit(c, "view.delete", "view", v.id, v.name, views_audit_json(&v));
  rc = api_txn_end(c, rc);
  if (rc) api_error(c, rc, NULL, "cannot delete view %lld", (long long)v.id);
  else api_reply(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)v.id, "deleted", 1));
out:
  store_view_clear(&v);
}
