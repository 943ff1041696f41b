/* Attachments: files on a ticket or on one of its comments, bytes and all
 * (a backup stays one file). The bytes are the table's last column and
 * read only by store_attachment_get, with SQLite's incremental blob I/O
 * straight into the caller's buffer. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

void store_attachment_clear(store_attachment_t *a) {
  free(a->name);
  free(a->content_type);
  free(a->sha256);
  free(a->uploader_name);
  free(a->hidden_by_name);
  memset(a, 0, sizeof *a);
}

/* Marks the ticket as changed now; UTIL_E_NOTFOUND when it does not exist. */
static int attach_touch(store_t *s, int64_t ticket_id, int64_t now) {
  static const char sql[] = "UPDATE tickets SET updated_at = ? WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, ticket_id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

/* Whether comment id of the ticket is an internal note, into *internal;
 * UTIL_E_NOTFOUND when the ticket has no such comment. */
static int attach_comment_kind(store_t *s, int64_t ticket_id, int64_t id, int *internal) {
  static const char sql[] = "SELECT internal FROM comments WHERE id = ? AND ticket_id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, ticket_id);
  int r = sqlite3_step(st);
  *internal = r == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
  int rc = r == SQLITE_ROW ? 0 : r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_attachment_insert(store_t *s, store_attachment_t *a, const void *data,
                            const store_actor_t *who) {
  static const char ins[] =
      "INSERT INTO attachments(ticket_id, comment_id, name, content_type, size, sha256,"
      " uploaded_by, created_at, data) VALUES (?,?,?,?,?,?,?,?,?)";
  int64_t now = util_now();
  int internal = 0, own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  rc = attach_touch(s, a->ticket_id, now);
  if (!rc && a->comment_id) rc = attach_comment_kind(s, a->ticket_id, a->comment_id, &internal);
  sqlite3_stmt *st = rc ? NULL : store_stmt(s, ins);
  if (!rc && !st) rc = UTIL_E_DB;
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, a->ticket_id);
  if (a->comment_id) sqlite3_bind_int64(st, 2, a->comment_id);
  else sqlite3_bind_null(st, 2);
  store_bind_text(st, 3, a->name);
  store_bind_text(st, 4, a->content_type);
  sqlite3_bind_int64(st, 5, a->size);
  store_bind_text(st, 6, a->sha256);
  sqlite3_bind_int64(st, 7, a->uploaded_by);
  sqlite3_bind_int64(st, 8, now);
  sqlite3_bind_blob64(st, 9, data, (sqlite3_uint64)a->size, SQLITE_STATIC);
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_clear_bindings(st); /* the statement is cached: never keep the caller's bytes */
  sqlite3_reset(st);
  if (rc) goto out;
  a->id = sqlite3_last_insert_rowid(s->db);
  a->created_at = now;
  a->internal = internal;
  rc = store_history_add(s, a->ticket_id, now, who,
                         internal ? "attachment_internal" : "attachment", NULL, a->name);
out:
  return store_txn_leave(s, own, rc);
}

/* Every column but the bytes; ?1 the ticket, ?2 public only, ?3 one id or 0. */
static const char attach_sql[] =
    "SELECT a.id, a.ticket_id, IFNULL(a.comment_id, 0), a.name, a.content_type, a.size,"
    " a.sha256, a.uploaded_by, u.name, a.created_at, IFNULL(a.hidden_by, 0), h.name,"
    " IFNULL(c.internal, 0), c.hidden_by IS NOT NULL FROM attachments a"
    " LEFT JOIN comments c ON c.id = a.comment_id"
    " LEFT JOIN users u ON u.id = a.uploaded_by LEFT JOIN users h ON h.id = a.hidden_by"
    " WHERE a.ticket_id = ?1 AND (?3 = 0 OR a.id = ?3) AND (?2 = 0 OR (a.hidden_by IS NULL"
    " AND (a.comment_id IS NULL OR (c.internal = 0 AND c.hidden_by IS NULL)))) ORDER BY a.id";

/* The row at st as a borrowed view: strings point into the statement. */
static void attach_row(sqlite3_stmt *st, store_attachment_t *a) {
  a->id = sqlite3_column_int64(st, 0);
  a->ticket_id = sqlite3_column_int64(st, 1);
  a->comment_id = sqlite3_column_int64(st, 2);
  a->name = (char *)sqlite3_column_text(st, 3);
  a->content_type = (char *)sqlite3_column_text(st, 4);
  a->size = sqlite3_column_int64(st, 5);
  a->sha256 = (char *)sqlite3_column_text(st, 6);
  a->uploaded_by = sqlite3_column_int64(st, 7);
  a->uploader_name = (char *)sqlite3_column_text(st, 8);
  a->created_at = sqlite3_column_int64(st, 9);
  a->hidden_by = sqlite3_column_int64(st, 10);
  a->hidden_by_name = (char *)sqlite3_column_text(st, 11);
  a->internal = sqlite3_column_int(st, 12);
  a->comment_hidden = sqlite3_column_int(st, 13);
}

static int attach_query(store_t *s, int64_t ticket_id, int public_only, int64_t id,
                        int (*fn)(const store_attachment_t *, void *), void *arg) {
  sqlite3_stmt *st = store_stmt(s, attach_sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_int(st, 2, public_only ? 1 : 0);
  sqlite3_bind_int64(st, 3, id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_attachment_t a;
    attach_row(st, &a);
    if (fn(&a, arg)) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_attachment_each(store_t *s, int64_t ticket_id, int public_only,
                          int (*fn)(const store_attachment_t *, void *), void *arg) {
  return attach_query(s, ticket_id, public_only, 0, fn, arg);
}

static char *attach_dup(const char *s) { return s ? util_xstrdup(s) : NULL; }

static int attach_copy(const store_attachment_t *a, void *arg) {
  store_attachment_t *out = arg;
  *out = *a;
  out->name = attach_dup(a->name);
  out->content_type = attach_dup(a->content_type);
  out->sha256 = attach_dup(a->sha256);
  out->uploader_name = attach_dup(a->uploader_name);
  out->hidden_by_name = attach_dup(a->hidden_by_name);
  return 1;
}

/* The bytes of row id into an owned buffer of len bytes (the row's size). */
static int attach_bytes(store_t *s, int64_t id, int64_t len, void **data) {
  sqlite3_blob *b = NULL;
  *data = NULL;
  int r = sqlite3_blob_open(s->db, "main", "attachments", "data", id, 0, &b);
  if (r != SQLITE_OK) {
    sqlite3_blob_close(b);
    return store_rc(s, r);
  }
  int rc = 0;
  void *p = sqlite3_blob_bytes(b) == len && len > 0 ? malloc((size_t)len) : NULL;
  if (!p) rc = sqlite3_blob_bytes(b) == len ? UTIL_E_NOMEM : UTIL_E_DB;
  if (!rc) rc = store_rc(s, sqlite3_blob_read(b, p, (int)len, 0));
  sqlite3_blob_close(b);
  if (rc) free(p);
  else *data = p;
  return rc;
}

int store_attachment_get(store_t *s, int64_t ticket_id, int64_t id, int public_only,
                         store_attachment_t *out, void **data) {
  memset(out, 0, sizeof *out);
  if (data) *data = NULL;
  int rc = attach_query(s, ticket_id, public_only, id, attach_copy, out);
  if (!rc && !out->id) rc = UTIL_E_NOTFOUND;
  if (!rc && data) rc = attach_bytes(s, id, out->size, data);
  if (rc) store_attachment_clear(out);
  return rc;
}

int store_attachment_stats(store_t *s, int64_t ticket_id, int64_t *count, int64_t *bytes) {
  static const char sql[] =
      "SELECT count(*), IFNULL(sum(size), 0) FROM attachments WHERE ticket_id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  int r = sqlite3_step(st);
  *count = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  *bytes = r == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
  sqlite3_reset(st);
  return r == SQLITE_ROW ? 0 : store_rc(s, r);
}

int store_attachment_hide(store_t *s, int64_t ticket_id, int64_t id, int hide,
                          const store_actor_t *a, int *changed) {
  static const char sql[] =
      "UPDATE attachments SET hidden_by = ? WHERE id = ? AND ticket_id = ?"
      " AND (hidden_by IS NULL) = ?";
  store_attachment_t cur;
  *changed = 0;
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  rc = store_attachment_get(s, ticket_id, id, 0, &cur, NULL);
  /* an internal note's files are never shown to the requester anyway */
  if (!rc && cur.internal) rc = UTIL_E_NOTFOUND;
  sqlite3_stmt *st = rc ? NULL : store_stmt(s, sql);
  if (!rc && !st) rc = UTIL_E_DB;
  if (rc) goto out;
  if (hide) sqlite3_bind_int64(st, 1, a->user_id);
  else sqlite3_bind_null(st, 1);
  sqlite3_bind_int64(st, 2, id);
  sqlite3_bind_int64(st, 3, ticket_id);
  sqlite3_bind_int(st, 4, hide ? 1 : 0); /* hiding a shown one, or showing a hidden one */
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (rc || !sqlite3_changes(s->db)) goto out;
  *changed = 1;
  rc = store_history_add(s, ticket_id, util_now(), a, hide ? "attachment_hidden" : "attachment_shown",
                         NULL, cur.name);
out:
  store_attachment_clear(&cur);
  return store_txn_leave(s, own, rc);
}
