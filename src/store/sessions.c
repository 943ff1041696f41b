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

/* The audit row of a token's making or revoking: its owner, name and end. */
static int token_audit(store_t *s, const store_auditor_t *who, const char *action, int64_t id) {
  static const char sql[] =
      "SELECT u.email, json_object('user_id', t.user_id, 'name', t.name,"
      " 'expires_at', t.expires_at) FROM api_tokens t JOIN users u ON u.id = t.user_id"
      " WHERE t.id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW)
    rc = store_audit_add(s, who, action, "token", id, (const char *)sqlite3_column_text(st, 0),
                         (const char *)sqlite3_column_text(st, 1));
  else
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

static int token_insert(store_t *s, const char *token_hash, int64_t user_id, const char *name,
                        int64_t expires_at, int64_t *id) {
  static const char sql[] =
      "INSERT INTO api_tokens(token_hash, user_id, name, created_at, expires_at)"
      " VALUES (?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, token_hash);
  sqlite3_bind_int64(st, 2, user_id);
  store_bind_text(st, 3, name ? name : "");
  sqlite3_bind_int64(st, 4, util_now());
  if (expires_at) sqlite3_bind_int64(st, 5, expires_at);
  else sqlite3_bind_null(st, 5);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && id) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int store_token_insert(store_t *s, const char *token_hash, int64_t user_id, const char *name,
                       int64_t expires_at, const store_auditor_t *who, int64_t *id) {
  int64_t tid = 0;
  int own, rc = store_txn_enter(s, &own);
  if (!rc) rc = token_insert(s, token_hash, user_id, name, expires_at, &tid);
  if (!rc) rc = token_audit(s, who, "token.create", tid);
  rc = store_txn_leave(s, own, rc);
  if (!rc && id) *id = tid;
  return rc;
}

/* A token's last use, written at most once a minute: a token used on
 * every request must not make every request a write. */
static void token_note_use(store_t *s, int64_t id, int64_t now) {
  static const char sql[] =
      "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND IFNULL(last_used_at, 0) < ?";
  if (store_begin(s)) return; /* the note is best effort: the request goes on */
  sqlite3_stmt *st = store_stmt(s, sql);
  int rc = st ? 0 : UTIL_E_DB;
  if (st) {
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, now - 60);
    rc = store_rc(s, sqlite3_step(st));
    sqlite3_reset(st);
  }
  if (rc || store_commit(s)) store_rollback(s);
}

int store_token_find(store_t *s, const char *token_hash, int64_t now, int64_t *user_id) {
  static const char sql[] =
      "SELECT id, user_id, IFNULL(last_used_at, 0) FROM api_tokens WHERE token_hash = ?"
      " AND (expires_at IS NULL OR expires_at > ?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, token_hash);
  sqlite3_bind_int64(st, 2, now);
  int r = sqlite3_step(st), rc = 0;
  int64_t id = 0, used = 0;
  if (r == SQLITE_ROW) {
    id = sqlite3_column_int64(st, 0);
    *user_id = sqlite3_column_int64(st, 1);
    used = sqlite3_column_int64(st, 2);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  if (!rc && used < now - 60) token_note_use(s, id, now);
  return rc;
}

int store_token_each(store_t *s, int64_t user_id, int (*fn)(const store_token_t *, void *),
                     void *arg) {
  static const char sql[] =
      "SELECT t.id, t.user_id, t.name, u.email, t.created_at, IFNULL(t.expires_at, 0),"
      " IFNULL(t.last_used_at, 0) FROM api_tokens t JOIN users u ON u.id = t.user_id"
      " WHERE ? = 0 OR t.user_id = ? ORDER BY t.id DESC";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, user_id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_token_t t = {.id = sqlite3_column_int64(st, 0), .user_id = sqlite3_column_int64(st, 1),
                       .name = (const char *)sqlite3_column_text(st, 2),
                       .user_email = (const char *)sqlite3_column_text(st, 3),
                       .created_at = sqlite3_column_int64(st, 4),
                       .expires_at = sqlite3_column_int64(st, 5),
                       .last_used_at = sqlite3_column_int64(st, 6)};
    if (fn(&t, arg)) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_token_delete(store_t *s, int64_t id, int64_t user_id, const store_auditor_t *who) {
  static const char sql[] = "DELETE FROM api_tokens WHERE id = ? AND (? = 0 OR user_id = ?)";
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  /* the row says what was revoked: written first, while the token exists */
  rc = token_audit(s, who, "token.revoke", id);
  sqlite3_stmt *st = rc ? NULL : store_stmt(s, sql);
  if (!rc && !st) rc = UTIL_E_DB;
  if (st) {
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, user_id);
    rc = store_rc(s, sqlite3_step(st));
    sqlite3_reset(st);
    if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  }
  return store_txn_leave(s, own, rc);
}
