/* Saved views of the queue: a name, the queue's filters and sort (a JSON
 * object of its query parameters, checked by the API), personal or shared
 * with every agent. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

void store_view_clear(store_view_t *v) {
  free(v->name);
  free(v->filters);
  free(v->owner_name);
  memset(v, 0, sizeof *v);
}

#define VIEW_COLS                                                                        \
  "v.id, v.owner_id, u.name, v.name, v.filters, v.shared, v.created_at, v.updated_at"   \
  " FROM views v JOIN users u ON u.id = v.owner_id"

static void view_row(sqlite3_stmt *st, store_view_t *v) {
  memset(v, 0, sizeof *v);
  v->id = sqlite3_column_int64(st, 0);
  v->owner_id = sqlite3_column_int64(st, 1);
  v->owner_name = store_col_dup(st, 2);
  v->name = store_col_dup(st, 3);
  v->filters = store_col_dup(st, 4);
  v->shared = sqlite3_column_int(st, 5);
  v->created_at = sqlite3_column_int64(st, 6);
  v->updated_at = sqlite3_column_int64(st, 7);
}

int store_view_insert(store_t *s, store_view_t *v) {
  static const char sql[] = "INSERT INTO views(owner_id, name, filters, shared, created_at,"
                            " updated_at) VALUES (?,?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  v->created_at = v->updated_at = util_now();
  sqlite3_bind_int64(st, 1, v->owner_id);
  store_bind_text(st, 2, v->name);
  store_bind_text(st, 3, v->filters ? v->filters : "{}");
  sqlite3_bind_int(st, 4, v->shared ? 1 : 0);
  sqlite3_bind_int64(st, 5, v->created_at);
  sqlite3_bind_int64(st, 6, v->updated_at);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc) v->id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int store_view_get(store_t *s, int64_t id, store_view_t *out) {
  static const char sql[] = "SELECT " VIEW_COLS " WHERE v.id = ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) view_row(st, out);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_view_update(store_t *s, const store_view_t *v) {
  static const char sql[] =
      "UPDATE views SET name = ?, filters = ?, shared = ?, updated_at = ? WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, v->name);
  store_bind_text(st, 2, v->filters ? v->filters : "{}");
  sqlite3_bind_int(st, 3, v->shared ? 1 : 0);
  sqlite3_bind_int64(st, 4, util_now());
  sqlite3_bind_int64(st, 5, v->id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && !sqlite3_changes(s->db)) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_view_delete(store_t *s, int64_t id) {
  static const char sql[] = "DELETE FROM views WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && !sqlite3_changes(s->db)) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_view_each(store_t *s, int64_t user_id, int (*fn)(const store_view_t *, void *),
                    void *arg) {
  /* the user's own views first, then the others' shared ones; by name */
  static const char sql[] = "SELECT " VIEW_COLS " WHERE v.owner_id = ?1 OR v.shared = 1"
                            " ORDER BY v.owner_id <> ?1, v.name, v.id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, user_id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_view_t v;
    view_row(st, &v);
    int stop = fn(&v, arg);
    store_view_clear(&v);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_view_count(store_t *s, int64_t owner_id, int shared, int64_t *n) {
  static const char sql[] = "SELECT count(*) FROM views WHERE owner_id = ? AND shared = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, owner_id);
  sqlite3_bind_int(st, 2, shared ? 1 : 0);
  int r = sqlite3_step(st);
  *n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return r == SQLITE_ROW ? 0 : store_rc(s, r);
}
