/* The data-quality reports and the labels people confirmed (migration 19). */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int store_quality_put(store_t *s, const char *field, int64_t at, int64_t rows,
                      const char *report, int64_t *id) {
  sqlite3_stmt *st = store_stmt(s, "INSERT INTO quality_reports(field, created_at, rows, report)"
                                   " VALUES (?,?,?,?)");
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, field);
  sqlite3_bind_int64(st, 2, at);
  sqlite3_bind_int64(st, 3, rows);
  store_bind_text(st, 4, report);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (rc) return rc;
  if (id) *id = sqlite3_last_insert_rowid(s->db);
  st = store_stmt(s, "DELETE FROM quality_reports WHERE field = ?1 AND id NOT IN"
                     " (SELECT id FROM quality_reports WHERE field = ?1 ORDER BY id DESC LIMIT ?2)");
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, field);
  sqlite3_bind_int(st, 2, STORE_QUALITY_KEEP);
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int store_quality_latest(store_t *s, const char *field, char **report, int64_t *at, int64_t *id) {
  if (report) *report = NULL;
  /* without report, the text (hundreds of kilobytes) is not read */
  sqlite3_stmt *st = store_stmt(s, report ? "SELECT id, created_at, report FROM quality_reports"
                                            " WHERE field = ? ORDER BY id DESC LIMIT 1"
                                          : "SELECT id, created_at FROM quality_reports"
                                            " WHERE field = ? ORDER BY id DESC LIMIT 1");
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, field);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    if (id) *id = sqlite3_column_int64(st, 0);
    if (at) *at = sqlite3_column_int64(st, 1);
    const char *t = report ? (const char *)sqlite3_column_text(st, 2) : NULL;
    if (report) *report = util_xstrdup(t ? t : "{}");
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}

int store_label_confirm(store_t *s, int64_t id, const char *field, const char *value,
                        const store_actor_t *a, int64_t at) {
  sqlite3_stmt *st = store_stmt(s, "INSERT OR REPLACE INTO label_confirmations(ticket_id, field,"
                                   " value, user_id, at) VALUES (?,?,?,?,?)");
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  store_bind_text(st, 2, field);
  store_bind_text(st, 3, value);
  if (a->kind == STORE_ACTOR_PERSON && a->user_id) sqlite3_bind_int64(st, 4, a->user_id);
  else sqlite3_bind_null(st, 4);
  sqlite3_bind_int64(st, 5, at);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc) rc = store_history_add(s, id, at, a, "label_confirmed", field, value);
  return rc;
}

/* The label of each field as the ticket holds it now (as labels are read
 * for training, see triage.c). */
static const struct {
  const char *field, *sql;
} confirmed_sql[] = {
#define CONFIRMED_SQL(expr)                                                                  \
  "SELECT c.ticket_id FROM label_confirmations c JOIN tickets t ON t.id = c.ticket_id"       \
  " WHERE c.field = ? AND c.value = " expr " ORDER BY c.ticket_id"
    {"category", CONFIRMED_SQL("t.category")},
    {"group", CONFIRMED_SQL("(SELECT name FROM groups WHERE id = t.group_id)")},
    {"urgency", CONFIRMED_SQL("CAST(t.urgency AS TEXT)")},
    {"service", CONFIRMED_SQL("t.service")},
    {"ci", CONFIRMED_SQL("t.ci")},
#undef CONFIRMED_SQL
};

int store_label_confirmed_each(store_t *s, const char *field,
                               int (*fn)(int64_t ticket_id, void *), void *arg) {
  const char *sql = NULL;
  for (size_t i = 0; i < sizeof confirmed_sql / sizeof *confirmed_sql; i++)
    if (strcmp(confirmed_sql[i].field, field) == 0) sql = confirmed_sql[i].sql;
  if (!sql) return UTIL_E_INVALID;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, field);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    if ((rc = fn(sqlite3_column_int64(st, 0), arg))) break;
  if (!rc && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
