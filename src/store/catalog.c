/* Managed lists: the categories, services and configuration items a
 * ticket may hold, with their labels in French and English, retired or
 * merged entries, and the merge that moves tickets from one to another. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define ENTRY_COLS "id, kind, name, label_fr, label_en, active, IFNULL(merged_into, 0), created_at"

void store_entry_clear(store_entry_t *e) {
  free(e->name);
  free(e->label_fr);
  free(e->label_en);
  memset(e, 0, sizeof *e);
}

int store_entry_kind_ok(const char *kind) {
  return kind && (strcmp(kind, "category") == 0 || strcmp(kind, "service") == 0 ||
                  strcmp(kind, "ci") == 0);
}

static void entry_row(sqlite3_stmt *st, store_entry_t *e) {
  memset(e, 0, sizeof *e);
  e->id = sqlite3_column_int64(st, 0);
  const unsigned char *k = sqlite3_column_text(st, 1);
  snprintf(e->kind, sizeof e->kind, "%s", k ? (const char *)k : "");
  e->name = store_col_dup(st, 2);
  e->label_fr = store_col_dup(st, 3);
  e->label_en = store_col_dup(st, 4);
  e->active = sqlite3_column_int(st, 5);
  e->merged_into = sqlite3_column_int64(st, 6);
  e->created_at = sqlite3_column_int64(st, 7);
}

static int entry_one(store_t *s, sqlite3_stmt *st, store_entry_t *out) {
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) entry_row(st, out);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_entry_find(store_t *s, const char *kind, const char *name, store_entry_t *out) {
  static const char sql[] =
      "SELECT " ENTRY_COLS " FROM catalog WHERE kind = ? AND name = ? COLLATE NOCASE";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, kind);
  store_bind_text(st, 2, name);
  return entry_one(s, st, out);
}

int store_entry_get(store_t *s, int64_t id, store_entry_t *out) {
  static const char sql[] = "SELECT " ENTRY_COLS " FROM catalog WHERE id = ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  return entry_one(s, st, out);
}

int store_entry_insert(store_t *s, const store_entry_t *e, int64_t *id) {
  static const char sql[] =
      "INSERT INTO catalog(kind, name, label_fr, label_en, created_at) VALUES (?, ?, ?, ?, ?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, e->kind);
  store_bind_text(st, 2, e->name);
  store_bind_text(st, 3, e->label_fr ? e->label_fr : "");
  store_bind_text(st, 4, e->label_en ? e->label_en : "");
  sqlite3_bind_int64(st, 5, util_now());
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && id) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int store_entry_ensure(store_t *s, const char *kind, const char *name, int *made) {
  static const char sql[] =
      "INSERT OR IGNORE INTO catalog(kind, name, created_at) VALUES (?, ?, ?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, kind);
  store_bind_text(st, 2, name);
  sqlite3_bind_int64(st, 3, util_now());
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (made) *made = !rc && sqlite3_changes(s->db) > 0;
  return rc;
}

int store_entry_update(store_t *s, const store_entry_t *e) {
  static const char sql[] =
      "UPDATE catalog SET label_fr = ?, label_en = ?, active = ?, merged_into = NULLIF(?, 0)"
      " WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, e->label_fr ? e->label_fr : "");
  store_bind_text(st, 2, e->label_en ? e->label_en : "");
  sqlite3_bind_int(st, 3, e->active ? 1 : 0);
  sqlite3_bind_int64(st, 4, e->merged_into);
  sqlite3_bind_int64(st, 5, e->id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

/* 1 if the folded needle occurs in the entry's name or one of its labels. */
static int entry_matches(const store_entry_t *e, const char *needle) {
  const char *texts[3] = {e->name, e->label_fr, e->label_en};
  int hit = 0;
  for (int i = 0; i < 3 && !hit; i++) {
    char *f = store_fold(texts[i] ? texts[i] : "");
    hit = f && strstr(f, needle);
    free(f);
  }
  return hit;
}

/* The text test runs here, not in SQL (LIKE folds ASCII only): a rare
 * needle reads every entry of the kind after the cursor, a few
 * milliseconds for the hundred thousand configuration items of a large
 * desk; the page stays capped. */
int store_entry_search(store_t *s, const store_entry_query_t *q,
                       int (*fn)(const store_entry_t *, void *), void *arg, int *more) {
  static const char sql[] =
      "SELECT " ENTRY_COLS " FROM catalog WHERE kind = ?1 AND id > ?2 AND (?3 < 0 OR active = ?3)"
      " ORDER BY id";
  char *needle = NULL;
  int rc = 0, r, n = 0;
  *more = 0;
  if (!store_entry_kind_ok(q->kind) || q->limit < 1 || q->limit > STORE_ENTRY_PAGE_MAX)
    return UTIL_E_INVALID;
  if (q->q && q->q[0] && !(needle = store_fold(q->q))) return UTIL_E_BADUTF8;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) {
    free(needle);
    return UTIL_E_DB;
  }
  store_bind_text(st, 1, q->kind);
  sqlite3_bind_int64(st, 2, q->after_id);
  sqlite3_bind_int(st, 3, q->active);
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_entry_t e;
    entry_row(st, &e);
    int hit = !needle || entry_matches(&e, needle);
    if (hit && n == q->limit) *more = 1; /* one beyond the page: there is a next page */
    else if (hit) n++;
    int stop = hit && (*more || fn(&e, arg));
    store_entry_clear(&e);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  free(needle);
  return rc;
}

char *store_entry_names(store_t *s, const char *kind, int max) {
  static const char sql[] =
      "SELECT name, count(*) OVER () FROM catalog WHERE kind = ? AND active = 1"
      " ORDER BY name COLLATE NOCASE";
  util_buf_t b;
  util_buf_init(&b, 4096);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return util_buf_steal(&b);
  store_bind_text(st, 1, kind);
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (n == max) {
      util_buf_printf(&b, " … (%lld more)", (long long)sqlite3_column_int64(st, 1) - max);
      break;
    }
    util_buf_printf(&b, "%s%s", n++ ? ", " : "", (const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_reset(st);
  return util_buf_steal(&b);
}

/* The ticket field of a kind. */
static store_tf_t entry_field(const char *kind) {
  if (strcmp(kind, "service") == 0) return STORE_TF_SERVICE;
  if (strcmp(kind, "ci") == 0) return STORE_TF_CI;
  return STORE_TF_CATEGORY;
}

/* The ids of the tickets holding value in field f, into *ids (owned). */
static int entry_tickets(store_t *s, store_tf_t f, const char *value, int64_t **ids, size_t *n) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT id FROM tickets WHERE %s = ? ORDER BY id", store_tf_name(f));
  sqlite3_stmt *st = store_stmt(s, sql);
  size_t cap = 0;
  *ids = NULL;
  *n = 0;
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, value);
  int r;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) *ids = util_xrealloc(*ids, (cap = cap ? cap * 2 : 64) * sizeof **ids);
    (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
  }
  int rc = r == SQLITE_DONE ? 0 : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_entry_merge(store_t *s, const store_entry_t *from, const store_entry_t *into,
                      const store_actor_t *a, int64_t *moved) {
  store_tf_t f = entry_field(from->kind);
  int64_t *ids = NULL;
  size_t n = 0;
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  rc = entry_tickets(s, f, from->name, &ids, &n);
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, f, into->name);
  for (size_t i = 0; i < n && !rc; i++) rc = store_ticket_update(s, ids[i], &ch, 1u << f, a, NULL);
  store_ticket_clear(&ch);
  if (!rc) {
    store_entry_t gone = *from;
    gone.active = 0;
    gone.merged_into = into->id;
    rc = store_entry_update(s, &gone);
  }
  free(ids);
  if (!rc && moved) *moved = (int64_t)n;
  return store_txn_leave(s, own, rc);
}
