/* Comments: public replies and internal notes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* The history keeps the start of a comment, cut on a UTF-8 boundary. */
#define COMMENT_EXCERPT 200

static char *comment_excerpt(const char *body) {
  size_t n = strlen(body);
  if (n <= COMMENT_EXCERPT) return util_xstrdup(body);
  n = COMMENT_EXCERPT;
  while (n > 0 && ((unsigned char)body[n] & 0xC0) == 0x80) n--;
  static const char ellipsis[] = "…"; /* U+2026: three bytes + NUL */
  char *e = util_xmalloc(n + sizeof ellipsis);
  memcpy(e, body, n);
  memcpy(e + n, ellipsis, sizeof ellipsis);
  return e;
}

int store_comment_insert(store_t *s, store_comment_t *c, const store_actor_t *a,
                         int64_t *id) {
  static const char exists[] = "UPDATE tickets SET updated_at = ? WHERE id = ?";
  static const char ins[] =
      "INSERT INTO comments(ticket_id, author_id, body, internal, created_at)"
      " VALUES (?,?,?,?,?)";
  int64_t now = c->created_at ? c->created_at : util_now();
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, exists);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, c->ticket_id);
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  if (rc) goto out;
  st = store_stmt(s, ins);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_bind_int64(st, 1, c->ticket_id);
  sqlite3_bind_int64(st, 2, c->author_id);
  store_bind_text(st, 3, c->body);
  sqlite3_bind_int(st, 4, c->internal ? 1 : 0);
  sqlite3_bind_int64(st, 5, now);
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (rc) goto out;
  c->id = sqlite3_last_insert_rowid(s->db);
  c->created_at = now;
  if (id) *id = c->id;
  char *ex = comment_excerpt(c->body);
  rc = store_history_add(s, c->ticket_id, now, a,
                         c->internal ? "internal_note" : "comment", NULL, ex);
  free(ex);
out:
  return store_txn_leave(s, own, rc);
}

int store_comment_hide(store_t *s, int64_t ticket_id, int64_t id, int hide,
                       const store_actor_t *a, int *changed) {
  static const char sql[] =
      "UPDATE comments SET hidden_by = ? WHERE id = ? AND ticket_id = ? AND internal = 0"
      " AND (hidden_by IS NULL) = ?";
  static const char exists[] = "SELECT 1 FROM comments WHERE id = ? AND ticket_id = ? AND internal = 0";
  *changed = 0;
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, exists);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, ticket_id);
  int r = sqlite3_step(st);
  rc = r == SQLITE_ROW ? 0 : r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  if (rc) goto out;
  st = store_stmt(s, sql);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  if (hide) sqlite3_bind_int64(st, 1, a->user_id);
  else sqlite3_bind_null(st, 1);
  sqlite3_bind_int64(st, 2, id);
  sqlite3_bind_int64(st, 3, ticket_id);
  sqlite3_bind_int(st, 4, hide ? 1 : 0); /* hiding a shown one, or showing a hidden one */
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (rc || !sqlite3_changes(s->db)) goto out;
  *changed = 1;
  char idtxt[24];
  snprintf(idtxt, sizeof idtxt, "%lld", (long long)id);
  rc = store_history_add(s, ticket_id, util_now(), a, hide ? "comment_hidden" : "comment_shown",
                         NULL, idtxt);
out:
  return store_txn_leave(s, own, rc);
}

int store_comment_stats(store_t *s, int64_t ticket_id, int64_t *count, int64_t *bytes) {
  static const char sql[] =
      "SELECT count(*), IFNULL(sum(length(CAST(body AS BLOB))), 0) FROM comments WHERE ticket_id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  int r = sqlite3_step(st);
  *count = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  *bytes = r == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
  sqlite3_reset(st);
  return r == SQLITE_ROW ? 0 : store_rc(s, r);
}

int store_comment_each(store_t *s, int64_t ticket_id, int with_internal, int64_t after_id,
                       int (*fn)(const store_comment_t *, void *), void *arg) {
  static const char sql[] =
      "SELECT c.id, c.ticket_id, c.author_id, u.name, c.body, c.internal,"
      " c.created_at, IFNULL(c.hidden_by, 0), h.name, IFNULL(c.merged_from, 0) FROM comments c"
      " LEFT JOIN users u ON u.id = c.author_id LEFT JOIN users h ON h.id = c.hidden_by"
      " WHERE c.ticket_id = ? AND (? OR c.internal = 0) AND c.id > ? ORDER BY c.id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_int(st, 2, with_internal ? 1 : 0);
  sqlite3_bind_int64(st, 3, after_id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_comment_t c = {
        .id = sqlite3_column_int64(st, 0),
        .ticket_id = sqlite3_column_int64(st, 1),
        .author_id = sqlite3_column_int64(st, 2),
        .author_name = store_col_dup(st, 3),
        .body = store_col_dup(st, 4),
        .internal = sqlite3_column_int(st, 5),
        .created_at = sqlite3_column_int64(st, 6),
        .hidden_by = sqlite3_column_int64(st, 7),
        .hidden_by_name = store_col_dup(st, 8),
        .merged_from = sqlite3_column_int64(st, 9),
    };
    int stop = fn(&c, arg);
    free(c.hidden_by_name);
    free(c.author_name);
    free(c.body);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

void store_comment_clear(store_comment_t *c) {
  free(c->author_name);
  free(c->body);
  free(c->hidden_by_name);
  memset(c, 0, sizeof *c);
}

int store_comment_get(store_t *s, int64_t ticket_id, int64_t id, store_comment_t *out) {
  static const char sql[] =
      "SELECT c.id, c.ticket_id, c.author_id, u.name, c.body, c.internal,"
      " c.created_at, IFNULL(c.hidden_by, 0), h.name, IFNULL(c.merged_from, 0) FROM comments c"
      " LEFT JOIN users u ON u.id = c.author_id LEFT JOIN users h ON h.id = c.hidden_by"
      " WHERE c.ticket_id = ? AND c.id = ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_int64(st, 2, id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    out->id = sqlite3_column_int64(st, 0);
    out->ticket_id = sqlite3_column_int64(st, 1);
    out->author_id = sqlite3_column_int64(st, 2);
    out->author_name = store_col_dup(st, 3);
    out->body = store_col_dup(st, 4);
    out->internal = sqlite3_column_int(st, 5);
    out->created_at = sqlite3_column_int64(st, 6);
    out->hidden_by = sqlite3_column_int64(st, 7);
    out->hidden_by_name = store_col_dup(st, 8);
    out->merged_from = sqlite3_column_int64(st, 9);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}
