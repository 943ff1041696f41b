/* Candidates for "similar tickets": the full-text index's best matches of
 * the words of a text, in the title and description (not the resolution:
 * what was done says little of what was asked), with what ranking them
 * needs. */
#include "store_int.h"

static const char *col_text(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

int store_similar_candidates(store_t *s, const char *match, int64_t exclude, int resolved_only, int limit,
                             int (*fn)(const store_similar_row_t *row, void *), void *arg) {
  /* the column filter limits every phrase of the expression to the two */
  static const char sql[] =
      "SELECT t.id, -bm25(tickets_fts, 1.0, 0.0, 0.0), -bm25(tickets_fts, 0.0, 1.0, 0.0),"
      " t.title, t.description, t.status, t.category, t.service, t.ci, t.resolution,"
      " t.requester_id, t.created_at, t.resolved_at"
      " FROM tickets_fts f JOIN tickets t ON t.id = f.rowid"
      " WHERE tickets_fts MATCH '{title description} : (' || ?1 || ')' AND f.rowid != ?2"
      " AND (?3 = 0 OR t.status IN ('resolved', 'closed'))"
      " ORDER BY bm25(tickets_fts, 2.0, 1.0, 0.0) LIMIT ?4";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, match);
  sqlite3_bind_int64(st, 2, exclude);
  sqlite3_bind_int(st, 3, resolved_only ? 1 : 0);
  sqlite3_bind_int(st, 4, limit);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_similar_row_t row = {
        .id = sqlite3_column_int64(st, 0), .bm25_title = sqlite3_column_double(st, 1),
        .bm25_body = sqlite3_column_double(st, 2), .title = col_text(st, 3), .description = col_text(st, 4),
        .status = col_text(st, 5), .category = col_text(st, 6), .service = col_text(st, 7), .ci = col_text(st, 8),
        .resolution = col_text(st, 9), .requester_id = sqlite3_column_int64(st, 10),
        .created_at = sqlite3_column_int64(st, 11), .resolved_at = sqlite3_column_int64(st, 12)};
    if (fn(&row, arg)) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_similar_signal(store_t *s, int64_t ticket, int64_t taken, const char *kind, int64_t user) {
  static const char sql[] =
      "INSERT INTO similar_signals(ticket_id, taken_id, kind, user_id, at) VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT(ticket_id, taken_id, kind) DO UPDATE SET user_id = excluded.user_id, at = excluded.at";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket);
  sqlite3_bind_int64(st, 2, taken);
  store_bind_text(st, 3, kind);
  if (user) sqlite3_bind_int64(st, 4, user);
  else sqlite3_bind_null(st, 4);
  sqlite3_bind_int64(st, 5, util_now());
  int r = sqlite3_step(st);
  sqlite3_reset(st);
  return r == SQLITE_DONE ? 0 : store_rc(s, r);
}

int store_similar_signals_each(store_t *s, int limit, int (*fn)(int64_t ticket, int64_t taken, void *), void *arg) {
  static const char sql[] =
      "SELECT ticket_id, taken_id FROM similar_signals GROUP BY ticket_id, taken_id ORDER BY max(at) DESC LIMIT ?1";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int(st, 1, limit);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    if (fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), arg)) break;
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int64_t store_similar_signal_count(store_t *s) {
  sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM similar_signals");
  if (!st) return UTIL_E_DB;
  int r = sqlite3_step(st);
  int64_t n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : store_rc(s, r);
  sqlite3_reset(st);
  return n;
}
