/* The append-only change history of tickets (the schema forbids UPDATE and
 * DELETE on it). */
#include "store_int.h"

int store_history_add(store_t *s, int64_t ticket_id, int64_t at,
                      const store_actor_t *a, const char *field,
                      const char *old_value, const char *new_value) {
  static const char sql[] =
      "INSERT INTO history(ticket_id, at, actor_kind, actor_id, field,"
      " old_value, new_value, model_version, confidence)"
      " VALUES (?,?,?,?,?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_int64(st, 2, at);
  store_bind_text(st, 3, store_actor_kind_name(a->kind));
  if (a->kind == STORE_ACTOR_PERSON && a->user_id) sqlite3_bind_int64(st, 4, a->user_id);
  else sqlite3_bind_null(st, 4);
  store_bind_text(st, 5, field);
  store_bind_text(st, 6, old_value);
  store_bind_text(st, 7, new_value);
  if (a->kind == STORE_ACTOR_MODEL) {
    store_bind_text(st, 8, a->model_version);
    sqlite3_bind_double(st, 9, a->confidence);
  }
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

static store_actor_kind_t history_kind(const char *s) {
  if (s && s[0] == 'm') return STORE_ACTOR_MODEL;
  if (s && s[0] == 's') return STORE_ACTOR_SYSTEM;
  return STORE_ACTOR_PERSON;
}

int store_history_each(store_t *s, int64_t ticket_id, int with_internal, int64_t after_id,
                       int (*fn)(const store_event_t *, void *), void *arg) {
#define HISTORY_LABEL(col)                                                              \
  " CASE h.field WHEN 'group_id' THEN (SELECT name FROM groups WHERE id = CAST(" col      \
  " AS INTEGER)) WHEN 'assignee_id' THEN (SELECT name FROM users WHERE id = CAST(" col   \
  " AS INTEGER)) WHEN 'requester_id' THEN (SELECT name FROM users WHERE id = CAST(" col  \
  " AS INTEGER)) END"
  static const char sql[] =
      "SELECT h.id, h.ticket_id, h.at, h.actor_kind, h.actor_id, u.name,"
      " h.field, h.old_value, h.new_value, h.model_version, h.confidence,"
      HISTORY_LABEL("h.old_value") "," HISTORY_LABEL("h.new_value")
      " FROM history h LEFT JOIN users u ON u.id = h.actor_id"
      " WHERE h.ticket_id = ? AND (? OR h.field NOT IN ('internal_note', 'suggestion_accepted', 'label_confirmed', 'attachment_internal', 'macro',"
      " 'link_added', 'link_removed', 'merged_from', 'parent_reply'))"
      " AND h.id > ?"
      " ORDER BY h.id";
#undef HISTORY_LABEL
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_int(st, 2, with_internal ? 1 : 0);
  sqlite3_bind_int64(st, 3, after_id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_event_t e = {
        .id = sqlite3_column_int64(st, 0),
        .ticket_id = sqlite3_column_int64(st, 1),
        .at = sqlite3_column_int64(st, 2),
        .actor_kind = history_kind((const char *)sqlite3_column_text(st, 3)),
        .actor_id = sqlite3_column_int64(st, 4),
        .actor_name = (const char *)sqlite3_column_text(st, 5),
        .field = (const char *)sqlite3_column_text(st, 6),
        .old_value = (const char *)sqlite3_column_text(st, 7),
        .new_value = (const char *)sqlite3_column_text(st, 8),
        .model_version = (const char *)sqlite3_column_text(st, 9),
        .confidence = sqlite3_column_type(st, 10) == SQLITE_NULL
                          ? -1.0
                          : sqlite3_column_double(st, 10),
        .old_label = (const char *)sqlite3_column_text(st, 11),
        .new_label = (const char *)sqlite3_column_text(st, 12),
    };
    if (fn(&e, arg)) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
