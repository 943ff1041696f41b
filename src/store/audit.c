/* The audit log: administrative actions, appended in the transaction of
 * the action, listed newest first with filters (see store.h). */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

void store_audit_clear(store_audit_t *a) {
  free(a->actor);
  free(a->client);
  free(a->action);
  free(a->target_type);
  free(a->target);
  free(a->detail);
  memset(a, 0, sizeof *a);
}

int store_audit_add(store_t *s, const store_auditor_t *who, const char *action,
                    const char *target_type, int64_t target_id, const char *target,
                    const char *detail) {
  static const char sql[] =
      "INSERT INTO audit_log(at, actor_id, actor, client, action, target_type, target_id,"
      " target, detail) VALUES (?,?,?,?,?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, util_now());
  sqlite3_bind_int64(st, 2, who ? who->user_id : 0);
  store_bind_text(st, 3, who && who->name ? who->name : "system");
  store_bind_text(st, 4, who && who->client ? who->client : "");
  store_bind_text(st, 5, action);
  store_bind_text(st, 6, target_type ? target_type : "");
  sqlite3_bind_int64(st, 7, target_id);
  store_bind_text(st, 8, target ? target : "");
  store_bind_text(st, 9, detail ? detail : "{}");
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

/* One statement for every filter: each is off when its parameter is NULL
 * (or 0). A family ("user.") matches by range, so that the action index
 * serves it. */
static const char audit_sql[] =
    "SELECT id, at, actor_id, actor, client, action, target_type, target_id, target, detail"
    " FROM audit_log WHERE (?1 < 0 OR actor_id = ?1)"
    " AND (?2 IS NULL OR action = ?2 OR (substr(?2, -1) = '.' AND action >= ?2"
    "      AND action < substr(?2, 1, length(?2) - 1) || '/'))"
    " AND (?3 IS NULL OR target_type = ?3) AND (?4 = 0 OR target_id = ?4)"
    " AND (?5 = 0 OR at >= ?5) AND (?6 = 0 OR at < ?6) AND (?7 = 0 OR id < ?7)"
    " ORDER BY id DESC LIMIT ?8";

static void audit_row(sqlite3_stmt *st, store_audit_t *a) {
  a->id = sqlite3_column_int64(st, 0);
  a->at = sqlite3_column_int64(st, 1);
  a->actor_id = sqlite3_column_int64(st, 2);
  a->actor = store_col_dup(st, 3);
  a->client = store_col_dup(st, 4);
  a->action = store_col_dup(st, 5);
  a->target_type = store_col_dup(st, 6);
  a->target_id = sqlite3_column_int64(st, 7);
  a->target = store_col_dup(st, 8);
  a->detail = store_col_dup(st, 9);
}

int store_audit_list(store_t *s, const store_audit_query_t *q,
                     int (*fn)(const store_audit_t *, void *), void *arg, int *more) {
  if (more) *more = 0;
  if (q->limit < 1 || q->limit > 500) return UTIL_E_INVALID;
  sqlite3_stmt *st = store_stmt(s, audit_sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, q->actor_id);
  store_bind_text(st, 2, q->action);
  store_bind_text(st, 3, q->target_type);
  sqlite3_bind_int64(st, 4, q->target_id);
  sqlite3_bind_int64(st, 5, q->from);
  sqlite3_bind_int64(st, 6, q->to);
  sqlite3_bind_int64(st, 7, q->before_id);
  sqlite3_bind_int(st, 8, q->limit + 1); /* one more says whether a page follows */
  int r, rc = 0, n = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    if (++n > q->limit) {
      if (more) *more = 1;
      break;
    }
    store_audit_t a = {0};
    audit_row(st, &a);
    int stop = fn(&a, arg);
    store_audit_clear(&a);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
