/* Users: requesters, agents and admins. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "store_int.h"

static const char *const role_names[] = {"", "requester", "agent", "admin"};

const char *store_role_name(store_role_t r) {
  return r >= STORE_ROLE_REQUESTER && r <= STORE_ROLE_ADMIN ? role_names[r] : "";
}

store_role_t store_role_parse(const char *s) {
  for (int r = STORE_ROLE_REQUESTER; s && r <= STORE_ROLE_ADMIN; r++)
    if (strcmp(s, role_names[r]) == 0) return (store_role_t)r;
  return STORE_ROLE_NONE;
}

void store_user_clear(store_user_t *u) {
  free(u->email);
  free(u->name);
  free(u->lang);
  memset(u, 0, sizeof *u);
}

#define USER_COLS "id, email, name, role, lang, vip, active, created_at"

static void user_row(sqlite3_stmt *st, store_user_t *u) {
  u->id = sqlite3_column_int64(st, 0);
  u->email = store_col_dup(st, 1);
  u->name = store_col_dup(st, 2);
  u->role = store_role_parse((const char *)sqlite3_column_text(st, 3));
  u->lang = store_col_dup(st, 4);
  u->vip = sqlite3_column_int(st, 5);
  u->active = sqlite3_column_int(st, 6);
  u->created_at = sqlite3_column_int64(st, 7);
}

int store_user_insert(store_t *s, const store_user_t *u, const char *pwhash,
                      int64_t *id) {
  static const char sql[] =
      "INSERT INTO users(email, name, role, password_hash, lang, vip, active,"
      " created_at) VALUES (?,?,?,?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, u->email);
  store_bind_text(st, 2, u->name);
  store_bind_text(st, 3, store_role_name(u->role));
  store_bind_text(st, 4, pwhash);
  store_bind_text(st, 5, u->lang ? u->lang : "");
  sqlite3_bind_int(st, 6, u->vip);
  sqlite3_bind_int(st, 7, u->active);
  sqlite3_bind_int64(st, 8, u->created_at ? u->created_at : util_now());
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && id) *id = sqlite3_last_insert_rowid(((struct store *)s)->db);
  return rc;
}

int store_user_get(store_t *s, int64_t id, store_user_t *out) {
  static const char sql[] = "SELECT " USER_COLS " FROM users WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) user_row(st, out);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_user_by_email(store_t *s, const char *email, store_user_t *out,
                        char **pwhash) {
  static const char sql[] =
      "SELECT " USER_COLS ", password_hash FROM users WHERE email = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, email);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    user_row(st, out);
    if (pwhash) *pwhash = store_col_dup(st, 8);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}

int store_user_update(store_t *s, const store_user_t *u, const char *pwhash) {
  static const char sql[] =
      "UPDATE users SET name = ?, role = ?, lang = ?, vip = ?, active = ?,"
      " password_hash = COALESCE(?, password_hash) WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, u->name);
  store_bind_text(st, 2, store_role_name(u->role));
  store_bind_text(st, 3, u->lang ? u->lang : "");
  sqlite3_bind_int(st, 4, u->vip);
  sqlite3_bind_int(st, 5, u->active);
  store_bind_text(st, 6, pwhash);
  sqlite3_bind_int64(st, 7, u->id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_user_each(store_t *s, int (*fn)(const store_user_t *, void *),
                    void *arg) {
  static const char sql[] = "SELECT " USER_COLS " FROM users ORDER BY id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_user_t u = {0};
    user_row(st, &u);
    int stop = fn(&u, arg);
    store_user_clear(&u);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

char *store_fold(const char *s) {
  utf8proc_uint8_t *out = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                                    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                        UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                        UTF8PROC_STRIPMARK);
  if (n < 0) return NULL;
  return (char *)out;
}

/* 1 if the folded needle occurs in the user's name or e-mail. */
static int user_matches(const store_user_t *u, const char *needle) {
  char *name = store_fold(u->name ? u->name : "");
  char *email = store_fold(u->email ? u->email : "");
  int hit = (name && strstr(name, needle)) || (email && strstr(email, needle));
  free(name);
  free(email);
  return hit;
}

/* Rows come in id order from the cursor on; the text test runs here rather
 * than in SQL because SQLite's LIKE folds ASCII only. Every row after the
 * cursor may be read for a rare needle: fine for a users table (thousands of
 * rows), and the page itself stays capped. */
int store_user_search(store_t *s, const store_user_query_t *q,
                      int (*fn)(const store_user_t *, void *), void *arg, int *more) {
  static const char sql[] =
      "SELECT " USER_COLS " FROM users WHERE id > ?1"
      " AND (?2 = 0 OR (?2 >> CASE role WHEN 'requester' THEN 1 WHEN 'agent' THEN 2"
      " WHEN 'admin' THEN 3 ELSE 0 END) & 1)"
      " AND (?3 = 0 OR active = (?3 > 0)) ORDER BY id";
  char *needle = NULL;
  sqlite3_stmt *st = NULL;
  int rc = 0, r, n = 0;
  *more = 0;
  if (q->limit < 1 || q->limit > STORE_USER_PAGE_MAX ||
      (q->q && strlen(q->q) > STORE_USER_Q_MAX)) {
    rc = UTIL_E_INVALID;
    goto out;
  }
  if (q->q && q->q[0]) {
    needle = store_fold(q->q);
    if (!needle) {
      rc = UTIL_E_BADUTF8;
      goto out;
    }
  }
  st = store_stmt(s, sql);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_bind_int64(st, 1, q->after_id);
  sqlite3_bind_int(st, 2, (int)q->roles);
  sqlite3_bind_int(st, 3, q->active);
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_user_t u = {0};
    user_row(st, &u);
    int hit = !needle || user_matches(&u, needle);
    if (hit && n == q->limit) *more = 1; /* one beyond the page: there is a next page */
    else if (hit) n++;
    int stop = hit && (*more || fn(&u, arg));
    store_user_clear(&u);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
out:
  free(needle);
  return rc;
}
