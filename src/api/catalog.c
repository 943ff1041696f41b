/* /api/v1/catalog/{kind}: the managed lists of categories, services and
 * configuration items. Everyone signed in reads them (the portal names a
 * ticket's category in the reader's language); admins add entries, change
 * their labels, retire them and merge one into another, each audited. */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

static json_t *catalog_json(const store_entry_t *e) {
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)e->id, "kind",
                        e->kind, "name", e->name ? e->name : "", "label_fr",
                        e->label_fr ? e->label_fr : "", "label_en", e->label_en ? e->label_en : "",
                        "active", e->active, "created_at", api_time_json(e->created_at));
  json_object_set_new(j, "merged_into", e->merged_into ? json_integer(e->merged_into) : json_null());
  return j;
}

/* The {kind} of the path; replies 404 for another word. */
static int catalog_kind(api_call_t *c) {
  if (store_entry_kind_ok(c->name)) return 0;
  api_error(c, UTIL_E_NOTFOUND, NULL, "no list '%s' (category, service, ci)", c->name);
  return UTIL_E_NOTFOUND;
}

/* Entry {id} of the path's kind into e; replies 404 otherwise. */
static int catalog_entry(api_call_t *c, int64_t id, store_entry_t *e) {
  int rc = store_entry_get(c->db, id, e);
  if (!rc && strcmp(e->kind, c->name) != 0) rc = UTIL_E_NOTFOUND;
  if (rc) api_error(c, rc, NULL, "no %s with id %lld", c->name, (long long)id);
  return rc;
}

static int catalog_one(const store_entry_t *e, void *arg) {
  json_array_append_new(arg, catalog_json(e));
  return 0;
}

/* GET: q (a substring of the name or a label), active (true: only the
 * entries offered, false: only the retired ones), limit (1..500, default
 * 100), cursor; id order. */
void api_catalog_list(api_call_t *c) {
  store_entry_query_t q = {.kind = c->name};
  int64_t limit = 100;
  int more = 0;
  const char *active = api_arg(c, "active");
  q.q = api_arg(c, "q");
  if (catalog_kind(c) || api_arg_cursor(c, 'e', &q.after_id) ||
      api_arg_int(c, "limit", 1, STORE_ENTRY_PAGE_MAX, &limit, NULL))
    return;
  if (q.q && strlen(q.q) > STORE_ENTRY_LABEL_MAX) {
    api_error(c, UTIL_E_INVALID, "q", "'q' is at most %d bytes", STORE_ENTRY_LABEL_MAX);
    return;
  }
  if (active && strcmp(active, "true") != 0 && strcmp(active, "false") != 0) {
    api_error(c, UTIL_E_INVALID, "active", "'active' must be true or false");
    return;
  }
  q.active = !active ? -1 : strcmp(active, "true") == 0;
  q.limit = (int)limit;
  json_t *items = json_array();
  int rc = store_entry_search(c->db, &q, catalog_one, items, &more);
  if (rc) {
    json_decref(items);
    if (rc == UTIL_E_BADUTF8) api_error(c, rc, "q", "'q' is not valid UTF-8");
    else api_error(c, rc, NULL, "cannot list the %s entries", c->name);
    return;
  }
  api_reply(c, 200, api_page_json(items, more, 'e'));
}

/* The labels of the body into e (present ones only), noting changes. */
static int catalog_labels(api_call_t *c, store_entry_t *e, json_t *ch) {
  const char *fr = NULL, *en = NULL;
  if (api_field_string(c, "label_fr", 0, STORE_ENTRY_LABEL_MAX, 0, &fr, NULL) ||
      api_field_string(c, "label_en", 0, STORE_ENTRY_LABEL_MAX, 0, &en, NULL))
    return UTIL_E_INVALID;
  if (fr) {
    api_audit_change(ch, "label_fr", json_string(e->label_fr ? e->label_fr : ""), json_string(fr));
    free(e->label_fr);
    e->label_fr = util_xstrdup(fr);
  }
  if (en) {
    api_audit_change(ch, "label_en", json_string(e->label_en ? e->label_en : ""), json_string(en));
    free(e->label_en);
    e->label_en = util_xstrdup(en);
  }
  return 0;
}

/* POST {name, label_fr, label_en}: a new entry, offered at once. The name
 * follows the ticket field's text rule. */
void api_catalog_create(api_call_t *c) {
  static const char *const allowed[] = {"name", "label_fr", "label_en", NULL};
  const char *name = NULL;
  store_entry_t e = {0};
  json_t *ch = json_object();
  if (catalog_kind(c) || api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "name", 1, STORE_ENTRY_NAME_MAX, 0, &name, NULL) ||
      catalog_labels(c, &e, ch))
    goto out;
  if (!name || strspn(name, " \t") == strlen(name)) {
    api_error(c, UTIL_E_INVALID, "name", "'name' is required");
    goto out;
  }
  snprintf(e.kind, sizeof e.kind, "%.11s", c->name); /* a kind_ok name */
  e.name = util_xstrdup(name);
  e.active = 1;
  int rc = store_begin(c->db);
  if (!rc) rc = store_entry_insert(c->db, &e, &e.id);
  if (!rc) {
    rc = api_audit(c, "catalog.create", c->name, e.id, e.name, ch);
    ch = NULL;
  }
  rc = api_txn_end(c, rc);
  if (rc == UTIL_E_CONFLICT)
    api_error(c, rc, "name", "the %s list has '%s' already (ASCII case aside)", c->name, name);
  else if (rc) api_error(c, rc, NULL, "cannot add the entry");
  else {
    store_entry_t back;
    if (!store_entry_get(c->db, e.id, &back)) api_reply(c, 201, catalog_json(&back));
    else api_error(c, UTIL_E_DB, NULL, "cannot read the new entry");
    store_entry_clear(&back);
  }
out:
  json_decref(ch);
  store_entry_clear(&e);
}

/* PATCH {label_fr, label_en, active}: new labels (a renaming: tickets keep
 * the name, people read the labels), retire or offer again. A merged entry
 * stays retired. */
void api_catalog_patch(api_call_t *c) {
  static const char *const allowed[] = {"label_fr", "label_en", "active", NULL};
  store_entry_t e = {0};
  json_t *ch = json_object();
  int active = 0, has_active = 0;
  if (catalog_kind(c) || api_body_object(c) || api_body_only(c, allowed) ||
      api_field_bool(c, "active", &active, &has_active) || catalog_entry(c, c->id[0], &e) ||
      catalog_labels(c, &e, ch))
    goto out;
  if (has_active && active && e.merged_into) {
    api_error(c, UTIL_E_CONFLICT, "active", "'%s' was merged into another entry: it stays retired", e.name);
    goto out;
  }
  if (has_active) {
    api_audit_change(ch, "active", json_boolean(e.active), json_boolean(active));
    e.active = active;
  }
  int rc = store_begin(c->db);
  if (!rc) rc = store_entry_update(c->db, &e);
  if (!rc) {
    rc = api_audit(c, "catalog.update", c->name, e.id, e.name, ch);
    ch = NULL;
  }
  rc = api_txn_end(c, rc);
  if (rc) api_error(c, rc, NULL, "cannot save the entry");
  else api_reply(c, 200, catalog_json(&e));
out:
  json_decref(ch);
  store_entry_clear(&e);
}

/* POST …/{id}/merge {into}: every ticket holding this entry's name gets
 * the other's (one history event each, by the admin), and this entry is
 * retired, merged into it. For a typo ("Netwrok") or two words for one
 * thing. */
void api_catalog_merge(api_call_t *c) {
  static const char *const allowed[] = {"into", NULL};
  store_entry_t from = {0}, into = {0};
  int64_t into_id = 0, moved = 0;
  int present = 0;
  if (catalog_kind(c) || api_body_object(c) || api_body_only(c, allowed) ||
      api_field_int(c, "into", 1, INT64_MAX, 0, &into_id, &present, NULL) ||
      catalog_entry(c, c->id[0], &from))
    goto out;
  if (!present) {
    api_error(c, UTIL_E_INVALID, "into", "'into' (the id of the entry to keep) is required");
    goto out;
  }
  if (into_id == from.id) {
    api_error(c, UTIL_E_INVALID, "into", "an entry cannot be merged into itself");
    goto out;
  }
  if (store_entry_get(c->db, into_id, &into) || strcmp(into.kind, from.kind) != 0 || !into.active) {
    api_error(c, UTIL_E_INVALID, "into", "no active %s with id %lld", c->name, (long long)into_id);
    goto out;
  }
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  int rc = store_begin(c->db);
  if (!rc) rc = store_entry_merge(c->db, &from, &into, &a, &moved);
  if (!rc)
    rc = api_audit(c, "catalog.merge", c->name, from.id, from.name,
                   json_pack("{s:I, s:s, s:I}", "into_id", (json_int_t)into.id, "into", into.name,
                             "tickets", (json_int_t)moved));
  rc = api_txn_end(c, rc);
  if (rc) {
    api_error(c, rc, NULL, "cannot merge the entry");
    goto out;
  }
  store_entry_clear(&from);
  store_entry_get(c->db, c->id[0], &from);
  json_t *j = catalog_json(&from);
  json_object_set_new(j, "tickets_moved", json_integer(moved));
  api_reply(c, 200, j);
out:
  store_entry_clear(&from);
  store_entry_clear(&into);
}
