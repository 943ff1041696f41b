/* Settings: the key -> text table an admin edits at run time, and the SLA
 * hours read from it. */
#include <stdlib.h>

#include "store_int.h"

int store_setting_get(store_t *s, const char *key, char **out) {
  static const char sql[] = "SELECT value FROM settings WHERE key = ?";
  *out = NULL;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) *out = store_col_dup(st, 0);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_setting_set(store_t *s, const char *key, const char *value) {
  static const char sql[] =
      "INSERT INTO settings(key, value) VALUES (?, ?)"
      " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int64_t store_setting_int(store_t *s, const char *key, int64_t dflt) {
  char *v = NULL, *end;
  if (store_setting_get(s, key, &v) || !v) return dflt;
  long long x = strtoll(v, &end, 10);
  int ok = *v && !*end;
  free(v);
  return ok ? (int64_t)x : dflt;
}

int64_t store_sla_hours(store_t *s, int priority) {
  static const char *const keys[4] = {"sla.p1_hours", "sla.p2_hours", "sla.p3_hours",
                                      "sla.p4_hours"};
  static const int64_t dflt[4] = {4, 8, 24, 72};
  if (priority < 1 || priority > 4) return 0;
  int64_t h = store_setting_int(s, keys[priority - 1], dflt[priority - 1]);
  return h > 0 ? h : dflt[priority - 1];
}
