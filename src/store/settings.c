/* Settings: the key -> text table an admin edits at run time. */
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

int store_settings_each(store_t *s, int (*fn)(const char *key, const char *value, void *arg),
                        void *arg) {
  static const char sql[] = "SELECT key, value FROM settings ORDER BY key";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    if (fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), arg))
      break;
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
