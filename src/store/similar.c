/* Candidates for "similar tickets": the full-text index's best matches of
 * the words of a text, in the title and description (not the resolution:
 * what was done says little of what was asked). */
#include "store_int.h"

int store_similar_candidates(store_t *s, const char *match, int64_t exclude, int resolved_only, int limit,
                             int (*fn)(int64_t id, void *), void *arg) {
  /* the column filter limits every phrase of the expression to the two */
  static const char sql[] =
      "SELECT f.rowid FROM tickets_fts f JOIN tickets t ON t.id = f.rowid"
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
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    if (fn(sqlite3_column_int64(st, 0), arg)) break;
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
