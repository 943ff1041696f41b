/* Assignment groups and their members. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

void store_group_clear(store_group_t *g) {
  free(g->name);
  free(g->description);
  memset(g, 0, sizeof *g);
}

int store_group_insert(store_t *s, const store_group_t *g, int64_t *id) {
  static const char sql[] = "INSERT INTO groups(name, description) VALUES (?,?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, g->name);
  store_bind_text(st, 2, g->description ? g->description : "");
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && id) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

static int group_one(store_t *s, sqlite3_stmt *st, store_group_t *out) {
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    out->id = sqlite3_column_int64(st, 0);
    out->name = store_col_dup(st, 1);
    out->description = store_col_dup(st, 2);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}

int store_group_get(store_t *s, int64_t id, store_group_t *out) {
  static const char sql[] = "SELECT id, name, description FROM groups WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  return group_one(s, st, out);
}

int store_group_by_name(store_t *s, const char *name, store_group_t *out) {
  static const char sql[] =
      "SELECT id, name, description FROM groups WHERE name = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, name);
  return group_one(s, st, out);
}

int store_group_update(store_t *s, const store_group_t *g) {
  static const char sql[] =
      "UPDATE groups SET name = ?, description = ? WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, g->name);
  store_bind_text(st, 2, g->description ? g->description : "");
  sqlite3_bind_int64(st, 3, g->id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_group_each(store_t *s, int (*fn)(const store_group_t *, void *),
                     void *arg) {
  static const char sql[] = "SELECT id, name, description FROM groups ORDER BY name";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_group_t g = {sqlite3_column_int64(st, 0), store_col_dup(st, 1),
                       store_col_dup(st, 2)};
    int stop = fn(&g, arg);
    store_group_clear(&g);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

/* Runs a membership statement taking (group_id, user_id). */
static int group_member_exec(store_t *s, const char *sql, int64_t group_id,
                             int64_t user_id) {
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, group_id);
  sqlite3_bind_int64(st, 2, user_id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int store_group_add_member(store_t *s, int64_t group_id, int64_t user_id) {
  static const char sql[] =
      "INSERT OR IGNORE INTO group_members(group_id, user_id) VALUES (?,?)";
  return group_member_exec(s, sql, group_id, user_id);
}

int store_group_remove_member(store_t *s, int64_t group_id, int64_t user_id) {
  static const char sql[] =
      "DELETE FROM group_members WHERE group_id = ? AND user_id = ?";
  return group_member_exec(s, sql, group_id, user_id);
}

int store_group_members(store_t *s, int64_t group_id,
                        int (*fn)(int64_t, void *), void *arg) {
  static const char sql[] =
      "SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, group_id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    if (fn(sqlite3_column_int64(st, 0), arg)) break;
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
