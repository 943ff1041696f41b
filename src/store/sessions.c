/* Sign-in sessions and API tokens. Only hashes of the secrets are stored, so
 * a stolen database file does not hand out live credentials. */
#include <stdlib.h>

#include "store_int.h"

int store_session_insert(store_t *s, const char *token_hash, int64_t user_id,
                         const char *csrf, int64_t expires_at) {
  static const char sql[] =
      "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at)"
      " VALUES (?,?,?,?,?)";
  static const char purge[] = "DELETE FROM sessions WHERE expires_at <= ?";
  sqlite3_stmt *st = store_stmt(s, purge);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, util_now());
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (rc) return rc;
  st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, token_hash);
  sqlite3_bind_int64(st, 2, user_id);
  store_bind_text(st, 3, csrf);
  sqlite3_bind_int64(st, 4, util_now());
  sqlite3_bind_int64(st, 5, expires_at);
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int store_session_find(store_t *s, const char *token_hash, int64_t now,
                       int64_t *user_id, char **csrf) {
  static const char sql[] =
      "SELECT user_id, csrf FROM sessions WHERE token_hash = ? AND expires_at > ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, token_hash);
  sqlite3_bind_int64(st, 2, now);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    *user_id = sqlite3_column_int64(st, 0);
    if (csrf) *csrf = store_col_dup(st, 1);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}

int store_session_delete(store_t *s, const char *token_hash) {
  static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, token_hash);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int store_sessions_end(store_t *s, int64_t user_id, const char *keep_hash) {
  static const char sql[] = "DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, user_id);
  store_bind_text(st, 2, keep_hash);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int store_token_insert(store_t *s, const char *token_hash, int64_t user_id,
                       const char *name) {
  static const char sql[] =
      "INSERT INTO api_tokens(token_hash, user_id, name, created_at)"
      " VALUES (?,?,?,?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, token_hash);
  sqlite3_bind_int64(st, 2, user_id);
  store_bind_text(st, 3, name ? name : "");
  sqlite3_bind_int64(st, 4, util_now());
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int store_token_find(store_t *s, const char *token_hash, int64_t *user_id) {
  static const char sql[] = "SELECT user_id FROM api_tokens WHERE token_hash = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, token_hash);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) *user_id = sqlite3_column_int64(st, 0);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
