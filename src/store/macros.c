/* Canned responses: agents' own macros and the shared ones. The desk's
 * rules (desk.h) decide what a macro may hold; this file keeps it. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define MACRO_COLS                                                                         \
  "m.id, IFNULL(m.owner_id, 0), m.name_fr, m.name_en, m.body_fr, m.body_en, m.internal," \
  " m.actions, m.created_by, m.created_at, m.updated_at, u.name"

void store_macro_clear(store_macro_t *m) {
  free(m->name_fr);
  free(m->name_en);
  free(m->body_fr);
  free(m->body_en);
  free(m->actions);
  free(m->owner_name);
  memset(m, 0, sizeof *m);
}

static void macro_row(sqlite3_stmt *st, store_macro_t *m) {
  memset(m, 0, sizeof *m);
  m->id = sqlite3_column_int64(st, 0);
  m->owner_id = sqlite3_column_int64(st, 1);
  m->name_fr = store_col_dup(st, 2);
  m->name_en = store_col_dup(st, 3);
  m->body_fr = store_col_dup(st, 4);
  m->body_en = store_col_dup(st, 5);
  m->internal = sqlite3_column_int(st, 6);
  m->actions = store_col_dup(st, 7);
  m->created_by = sqlite3_column_int64(st, 8);
  m->created_at = sqlite3_column_int64(st, 9);
  m->updated_at = sqlite3_column_int64(st, 10);
  m->owner_name = store_col_dup(st, 11);
}

/* Binds the columns insert and update share, from ?1: owner, names,
 * bodies, internal, actions, now. */
static void macro_bind(sqlite3_stmt *st, const store_macro_t *m) {
  if (m->owner_id) sqlite3_bind_int64(st, 1, m->owner_id);
  else sqlite3_bind_null(st, 1);
  store_bind_text(st, 2, m->name_fr ? m->name_fr : "");
  store_bind_text(st, 3, m->name_en ? m->name_en : "");
  store_bind_text(st, 4, m->body_fr ? m->body_fr : "");
  store_bind_text(st, 5, m->body_en ? m->body_en : "");
  sqlite3_bind_int(st, 6, m->internal ? 1 : 0);
  store_bind_text(st, 7, m->actions ? m->actions : "{}");
  sqlite3_bind_int64(st, 8, util_now());
}

int store_macro_insert(store_t *s, const store_macro_t *m, int64_t *id) {
  static const char sql[] =
      "INSERT INTO macros(owner_id, name_fr, name_en, body_fr, body_en, internal, actions,"
      " created_at, updated_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  macro_bind(st, m);
  sqlite3_bind_int64(st, 9, m->created_by);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && id) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int store_macro_update(store_t *s, const store_macro_t *m) {
  static const char sql[] =
      "UPDATE macros SET owner_id = ?1, name_fr = ?2, name_en = ?3, body_fr = ?4, body_en = ?5,"
      " internal = ?6, actions = ?7, updated_at = ?8 WHERE id = ?9";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  macro_bind(st, m);
  sqlite3_bind_int64(st, 9, m->id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_macro_delete(store_t *s, int64_t id) {
  static const char sql[] = "DELETE FROM macros WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_macro_get(store_t *s, int64_t id, store_macro_t *out) {
  static const char sql[] =
      "SELECT " MACRO_COLS " FROM macros m LEFT JOIN users u ON u.id = m.owner_id WHERE m.id = ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) macro_row(st, out);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_macro_each(store_t *s, int64_t user_id, int (*fn)(const store_macro_t *, void *),
                     void *arg) {
  static const char sql[] =
      "SELECT " MACRO_COLS " FROM macros m LEFT JOIN users u ON u.id = m.owner_id"
      " WHERE m.owner_id IS NULL OR m.owner_id = ?1 ORDER BY m.owner_id IS NOT NULL, m.id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, user_id ? user_id : -1);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_macro_t m;
    macro_row(st, &m);
    int stop = fn(&m, arg);
    store_macro_clear(&m);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int64_t store_macro_count(store_t *s, int64_t owner_id) {
  static const char sql[] = "SELECT count(*) FROM macros WHERE owner_id IS ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return 0;
  if (owner_id) sqlite3_bind_int64(st, 1, owner_id);
  else sqlite3_bind_null(st, 1);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return n;
}
