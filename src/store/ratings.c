/* What a requester says of a ticket: a satisfaction rating, and the last
 * time each person read it (for the unread marker of "My tickets"). */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

void store_rating_clear(store_rating_t *r) {
  free(r->comment);
  memset(r, 0, sizeof *r);
}

int store_rating_get(store_t *s, int64_t ticket_id, store_rating_t *out) {
  static const char sql[] =
      "SELECT ticket_id, user_id, rating, comment, created_at, updated_at FROM ratings"
      " WHERE ticket_id = ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    out->ticket_id = sqlite3_column_int64(st, 0);
    out->user_id = sqlite3_column_int64(st, 1);
    out->rating = sqlite3_column_int(st, 2);
    out->comment = store_col_dup(st, 3);
    out->created_at = sqlite3_column_int64(st, 4);
    out->updated_at = sqlite3_column_int64(st, 5);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}

int store_rating_put(store_t *s, const store_rating_t *r, int64_t now, int *replaced) {
  static const char sql[] =
      "INSERT INTO ratings(ticket_id, user_id, rating, comment, created_at, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(ticket_id) DO UPDATE SET"
      " user_id = excluded.user_id, rating = excluded.rating, comment = excluded.comment,"
      " updated_at = excluded.updated_at";
  store_rating_t old;
  int had = store_rating_get(s, r->ticket_id, &old) == 0;
  store_rating_clear(&old);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, r->ticket_id);
  sqlite3_bind_int64(st, 2, r->user_id);
  sqlite3_bind_int(st, 3, r->rating);
  store_bind_text(st, 4, r->comment ? r->comment : "");
  sqlite3_bind_int64(st, 5, now);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && replaced) *replaced = had;
  return rc;
}

int store_ticket_read(store_t *s, int64_t user_id, int64_t ticket_id, int64_t at) {
  static const char sql[] =
      "INSERT INTO ticket_reads(user_id, ticket_id, read_at) VALUES (?, ?, ?)"
      " ON CONFLICT(user_id, ticket_id) DO UPDATE SET read_at = max(read_at, excluded.read_at)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, ticket_id);
  sqlite3_bind_int64(st, 3, at);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

/* The newest message is read from the ticket's comments index, backwards:
 * a handful of rows for each ticket of a page. */
int store_ticket_unread(store_t *s, int64_t user_id, int64_t ticket_id) {
  static const char sql[] =
      "SELECT EXISTS (SELECT 1 FROM comments c WHERE c.ticket_id = ?2 AND c.internal = 0"
      " AND c.hidden_by IS NULL AND c.author_id <> ?1 AND c.created_at >"
      " IFNULL((SELECT read_at FROM ticket_reads WHERE user_id = ?1 AND ticket_id = ?2), 0))";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, ticket_id);
  int r = sqlite3_step(st);
  int rc = r == SQLITE_ROW ? sqlite3_column_int(st, 0) : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
