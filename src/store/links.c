/* Links between tickets (duplicate, parent, related) and the copy of a
 * conversation a merge makes. Which links may be made is the desk's rule
 * (desk/links.c); this file keeps them. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int store_link_kind_ok(const char *kind) {
  return kind && (strcmp(kind, "duplicate") == 0 || strcmp(kind, "parent") == 0 ||
                  strcmp(kind, "related") == 0);
}

int store_link_insert(store_t *s, int64_t from_id, int64_t to_id, const char *kind, int merged,
                      int64_t user_id, int64_t *id) {
  static const char sql[] =
      "INSERT INTO ticket_links(from_id, to_id, kind, merged, created_by, created_at)"
      " VALUES (?,?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, from_id);
  sqlite3_bind_int64(st, 2, to_id);
  store_bind_text(st, 3, kind);
  sqlite3_bind_int(st, 4, merged ? 1 : 0);
  if (user_id) sqlite3_bind_int64(st, 5, user_id);
  else sqlite3_bind_null(st, 5);
  sqlite3_bind_int64(st, 6, util_now());
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && id) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int store_link_between(store_t *s, int64_t a, int64_t b, int64_t *id, char kind[12], int64_t *from_id,
                       int *merged) {
  static const char sql[] =
      "SELECT id, kind, from_id, merged FROM ticket_links"
      " WHERE min(from_id, to_id) = min(?1, ?2) AND max(from_id, to_id) = max(?1, ?2)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, a);
  sqlite3_bind_int64(st, 2, b);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    if (id) *id = sqlite3_column_int64(st, 0);
    if (kind) {
      const char *k = (const char *)sqlite3_column_text(st, 1);
      snprintf(kind, 12, "%s", k ? k : "");
    }
    if (from_id) *from_id = sqlite3_column_int64(st, 2);
    if (merged) *merged = sqlite3_column_int(st, 3);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}

int store_link_delete(store_t *s, int64_t id) {
  static const char sql[] = "DELETE FROM ticket_links WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_link_up(store_t *s, int64_t id, const char *kind, int64_t *to, int *merged) {
  static const char sql[] = "SELECT to_id, merged FROM ticket_links WHERE from_id = ? AND kind = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  store_bind_text(st, 2, kind);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    *to = sqlite3_column_int64(st, 0);
    if (merged) *merged = sqlite3_column_int(st, 1);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}

int store_link_each(store_t *s, int64_t id, int (*fn)(const store_link_t *, void *), void *arg) {
  static const char sql[] =
      "SELECT l.id, l.from_id, l.to_id, l.kind, l.merged, IFNULL(l.created_by, 0), l.created_at,"
      " u.name, t.id, t.title, t.status FROM ticket_links l"
      " JOIN tickets t ON t.id = CASE WHEN l.from_id = ?1 THEN l.to_id ELSE l.from_id END"
      " LEFT JOIN users u ON u.id = l.created_by"
      " WHERE l.from_id = ?1 OR l.to_id = ?1 ORDER BY l.id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_link_t l = {
        .id = sqlite3_column_int64(st, 0),
        .from_id = sqlite3_column_int64(st, 1),
        .to_id = sqlite3_column_int64(st, 2),
        .kind = (const char *)sqlite3_column_text(st, 3),
        .merged = sqlite3_column_int(st, 4),
        .created_by = sqlite3_column_int64(st, 5),
        .created_at = sqlite3_column_int64(st, 6),
        .created_by_name = (const char *)sqlite3_column_text(st, 7),
        .other_id = sqlite3_column_int64(st, 8),
        .other_title = (const char *)sqlite3_column_text(st, 9),
        .other_status = (const char *)sqlite3_column_text(st, 10),
    };
    if (fn(&l, arg)) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_link_children(store_t *s, int64_t id, int (*fn)(int64_t child, const char *status, void *),
                        void *arg) {
  static const char sql[] =
      "SELECT t.id, t.status FROM ticket_links l JOIN tickets t ON t.id = l.from_id"
      " WHERE l.to_id = ? AND l.kind = 'parent' ORDER BY t.id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    if (fn(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1), arg)) break;
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

/* ---- Merge ------------------------------------------------------------------ */

/* One statement that changes rows; 0 or the store's error. */
static int links_exec(store_t *s, sqlite3_stmt *st) {
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

/* Ticket from's description (its title, a blank line, its text) as a
 * comment of into by its requester at its creation; *id gets it. */
static int merge_description(store_t *s, int64_t from, int64_t into, int public, int64_t *id) {
  static const char sql[] =
      "INSERT INTO comments(ticket_id, author_id, body, internal, created_at, merged_from)"
      " SELECT ?1, requester_id, title || CASE WHEN description = '' THEN '' ELSE"
      " char(10) || char(10) || description END, ?3, created_at, id FROM tickets WHERE id = ?2";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, into);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int(st, 3, public ? 0 : 1);
  int rc = links_exec(s, st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  if (!rc) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

/* The files of from's comment cid (0: those on the ticket itself) copied
 * onto into's comment nid, bytes and all. */
static int merge_files(store_t *s, int64_t from, int64_t cid, int64_t into, int64_t nid) {
  static const char sql[] =
      "INSERT INTO attachments(ticket_id, comment_id, name, content_type, size, sha256,"
      " uploaded_by, created_at, hidden_by, data)"
      " SELECT ?1, ?2, name, content_type, size, sha256, uploaded_by, created_at, hidden_by, data"
      " FROM attachments WHERE ticket_id = ?3 AND IFNULL(comment_id, 0) = ?4 ORDER BY id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, into);
  sqlite3_bind_int64(st, 2, nid);
  sqlite3_bind_int64(st, 3, from);
  sqlite3_bind_int64(st, 4, cid);
  return links_exec(s, st);
}

/* The ids of from's comments in date order into *ids (owned; free()). */
static int merge_ids(store_t *s, int64_t from, int64_t **ids, size_t *n) {
  static const char sql[] = "SELECT id FROM comments WHERE ticket_id = ? ORDER BY created_at, id";
  *ids = NULL;
  *n = 0;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, from);
  size_t cap = 0;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      *ids = util_xrealloc(*ids, cap * sizeof **ids);
    }
    (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
  }
  if (r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

/* Comment cid (of from) copied into into; *nid gets the copy's id. */
static int merge_comment(store_t *s, int64_t from, int64_t cid, int64_t into, int public, int64_t *nid) {
  static const char sql[] =
      "INSERT INTO comments(ticket_id, author_id, body, internal, created_at, hidden_by, merged_from)"
      " SELECT ?1, author_id, body, CASE WHEN ?4 THEN internal ELSE 1 END, created_at, hidden_by, ?3"
      " FROM comments WHERE id = ?2";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, into);
  sqlite3_bind_int64(st, 2, cid);
  sqlite3_bind_int64(st, 3, from);
  sqlite3_bind_int(st, 4, public ? 1 : 0);
  int rc = links_exec(s, st);
  if (!rc) *nid = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int store_merge_copy(store_t *s, int64_t from, int64_t into, int public, int64_t *copied) {
  static const char touch[] = "UPDATE tickets SET updated_at = ? WHERE id = ?";
  int64_t *ids = NULL, nid = 0;
  size_t n = 0;
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  rc = merge_description(s, from, into, public, &nid);
  if (!rc) rc = merge_files(s, from, 0, into, nid);
  if (!rc) rc = merge_ids(s, from, &ids, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    rc = merge_comment(s, from, ids[i], into, public, &nid);
    if (!rc) rc = merge_files(s, from, ids[i], into, nid);
  }
  sqlite3_stmt *st = rc ? NULL : store_stmt(s, touch);
  if (!rc && !st) rc = UTIL_E_DB;
  if (!rc) {
    sqlite3_bind_int64(st, 1, util_now());
    sqlite3_bind_int64(st, 2, into);
    rc = links_exec(s, st);
  }
  if (!rc && copied) *copied = (int64_t)n + 1;
  free(ids);
  return store_txn_leave(s, own, rc);
}
