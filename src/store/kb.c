/* The knowledge base's articles, their versions, events, votes, views and
 * full-text index (kb_fts, rowid = article id, the newest title and body).
 * What an article may hold is the search module's rule (search.h). */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define KB_COLS                                                                              \
  "a.id, a.family_id, a.lang, a.state, a.public, a.title, a.body, a.category, a.service,"  \
  " a.ci, a.version, IFNULL(a.source_ticket_id, 0), a.author_id, u.name, a.created_at,"    \
  " a.updated_at, IFNULL(a.published_at, 0), a.views, a.helpful, a.unhelpful"

void store_kb_clear(store_kb_article_t *a) {
  free(a->title);
  free(a->body);
  free(a->category);
  free(a->service);
  free(a->ci);
  free(a->author_name);
  memset(a, 0, sizeof *a);
}

static void kb_text(char *dst, size_t cap, sqlite3_stmt *st, int i) {
  const char *v = (const char *)sqlite3_column_text(st, i);
  snprintf(dst, cap, "%s", v ? v : "");
}

static void kb_row(sqlite3_stmt *st, store_kb_article_t *a) {
  memset(a, 0, sizeof *a);
  a->id = sqlite3_column_int64(st, 0);
  a->family_id = sqlite3_column_int64(st, 1);
  kb_text(a->lang, sizeof a->lang, st, 2);
  kb_text(a->state, sizeof a->state, st, 3);
  a->is_public = sqlite3_column_int(st, 4);
  a->title = store_col_dup(st, 5);
  a->body = store_col_dup(st, 6);
  a->category = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : store_col_dup(st, 7);
  a->service = sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL : store_col_dup(st, 8);
  a->ci = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : store_col_dup(st, 9);
  a->version = sqlite3_column_int64(st, 10);
  a->source_ticket_id = sqlite3_column_int64(st, 11);
  a->author_id = sqlite3_column_int64(st, 12);
  a->author_name = store_col_dup(st, 13);
  a->created_at = sqlite3_column_int64(st, 14);
  a->updated_at = sqlite3_column_int64(st, 15);
  a->published_at = sqlite3_column_int64(st, 16);
  a->views = sqlite3_column_int64(st, 17);
  a->helpful = sqlite3_column_int64(st, 18);
  a->unhelpful = sqlite3_column_int64(st, 19);
}

/* Runs a statement that returns no row; UTIL_E_NOTFOUND when it changed
 * nothing and must. */
static int kb_exec(store_t *s, sqlite3_stmt *st, int must_change) {
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && must_change && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

static void kb_bind_opt(sqlite3_stmt *st, int i, const char *v) {
  if (v) store_bind_text(st, i, v);
  else sqlite3_bind_null(st, i);
}

static int kb_event(store_t *s, int64_t id, int64_t user, const char *kind, const char *from,
                    const char *to, int64_t version) {
  static const char sql[] = "INSERT INTO kb_events(article_id, at, user_id, kind, from_state,"
                            " to_state, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, util_now());
  if (user) sqlite3_bind_int64(st, 3, user);
  else sqlite3_bind_null(st, 3);
  store_bind_text(st, 4, kind);
  kb_bind_opt(st, 5, from);
  kb_bind_opt(st, 6, to);
  if (version) sqlite3_bind_int64(st, 7, version);
  else sqlite3_bind_null(st, 7);
  return kb_exec(s, st, 0);
}

/* Version a->version of a's text, and the index of its newest text. */
static int kb_version_write(store_t *s, const store_kb_article_t *a, int64_t editor) {
  static const char ver[] = "INSERT INTO kb_versions(article_id, version, title, body, editor_id, at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
  static const char del[] = "DELETE FROM kb_fts WHERE rowid = ?1";
  static const char ins[] = "INSERT INTO kb_fts(rowid, title, body) VALUES (?1, ?2, ?3)";
  sqlite3_stmt *st = store_stmt(s, ver);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, a->id);
  sqlite3_bind_int64(st, 2, a->version);
  store_bind_text(st, 3, a->title);
  store_bind_text(st, 4, a->body);
  sqlite3_bind_int64(st, 5, editor);
  sqlite3_bind_int64(st, 6, util_now());
  int rc = kb_exec(s, st, 0);
  if (!rc && !(st = store_stmt(s, del))) rc = UTIL_E_DB;
  if (!rc) {
    sqlite3_bind_int64(st, 1, a->id);
    rc = kb_exec(s, st, 0);
  }
  if (!rc && !(st = store_stmt(s, ins))) rc = UTIL_E_DB;
  if (!rc) {
    sqlite3_bind_int64(st, 1, a->id);
    store_bind_text(st, 2, a->title);
    store_bind_text(st, 3, a->body);
    rc = kb_exec(s, st, 0);
  }
  return rc;
}

int store_kb_insert(store_t *s, store_kb_article_t *a, int64_t editor) {
  static const char sql[] =
      "INSERT INTO kb_articles(family_id, lang, state, public, title, body, category, service, ci,"
      " version, source_ticket_id, author_id, created_at, updated_at)"
      " VALUES (IFNULL(?1, (SELECT IFNULL(max(id), 0) + 1 FROM kb_articles)), ?2, 'draft', ?3, ?4,"
      " ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11, ?11)";
  static const char fix[] = "UPDATE kb_articles SET family_id = id WHERE id = ?1";
  int own, rc = store_txn_enter(s, &own);
  sqlite3_stmt *st = rc ? NULL : store_stmt(s, sql);
  if (!rc && !st) rc = UTIL_E_DB;
  if (!rc) {
    if (a->family_id) sqlite3_bind_int64(st, 1, a->family_id);
    else sqlite3_bind_null(st, 1);
    store_bind_text(st, 2, a->lang);
    sqlite3_bind_int(st, 3, a->is_public ? 1 : 0);
    store_bind_text(st, 4, a->title);
    store_bind_text(st, 5, a->body);
    kb_bind_opt(st, 6, a->category);
    kb_bind_opt(st, 7, a->service);
    kb_bind_opt(st, 8, a->ci);
    if (a->source_ticket_id) sqlite3_bind_int64(st, 9, a->source_ticket_id);
    else sqlite3_bind_null(st, 9);
    sqlite3_bind_int64(st, 10, a->author_id);
    sqlite3_bind_int64(st, 11, util_now());
    rc = kb_exec(s, st, 0);
  }
  if (!rc) {
    a->id = sqlite3_last_insert_rowid(s->db);
    a->version = 1;
    snprintf(a->state, sizeof a->state, "draft");
  }
  /* a family of its own is named after the article (AUTOINCREMENT: the
   * guess above may be below it after deletions of the newest rows) */
  if (!rc && !a->family_id && (st = store_stmt(s, fix)) != NULL) {
    sqlite3_bind_int64(st, 1, a->id);
    rc = kb_exec(s, st, 0);
    a->family_id = a->id;
  }
  if (!rc) rc = kb_version_write(s, a, editor);
  if (!rc) rc = kb_event(s, a->id, editor, "created", NULL, "draft", 1);
  return store_txn_leave(s, own, rc);
}

int store_kb_update(store_t *s, store_kb_article_t *a, int new_version, int64_t editor) {
  /* only over the version the caller read: a change saved meanwhile wins */
  static const char sql[] =
      "UPDATE kb_articles SET public = ?1, title = ?2, body = ?3, category = ?4, service = ?5,"
      " ci = ?6, version = ?7, updated_at = ?8 WHERE id = ?9 AND version = ?10";
  int own, rc = store_txn_enter(s, &own);
  sqlite3_stmt *st = rc ? NULL : store_stmt(s, sql);
  if (!rc && !st) rc = UTIL_E_DB;
  int64_t v = a->version + (new_version ? 1 : 0);
  if (!rc) {
    sqlite3_bind_int(st, 1, a->is_public ? 1 : 0);
    store_bind_text(st, 2, a->title);
    store_bind_text(st, 3, a->body);
    kb_bind_opt(st, 4, a->category);
    kb_bind_opt(st, 5, a->service);
    kb_bind_opt(st, 6, a->ci);
    sqlite3_bind_int64(st, 7, v);
    sqlite3_bind_int64(st, 8, util_now());
    sqlite3_bind_int64(st, 9, a->id);
    sqlite3_bind_int64(st, 10, a->version);
    rc = kb_exec(s, st, 1);
    if (rc == UTIL_E_NOTFOUND) rc = UTIL_E_STALE;
  }
  if (!rc) a->version = v;
  if (!rc && new_version) rc = kb_version_write(s, a, editor);
  if (!rc) rc = kb_event(s, a->id, editor, "edited", NULL, NULL, new_version ? v : 0);
  return store_txn_leave(s, own, rc);
}

int store_kb_set_state(store_t *s, int64_t id, const char *from, const char *to, int64_t user) {
  static const char sql[] =
      "UPDATE kb_articles SET state = ?3, updated_at = ?4,"
      " published_at = CASE WHEN ?3 = 'published' THEN IFNULL(published_at, ?4) ELSE published_at END"
      " WHERE id = ?1 AND state = ?2";
  int own, rc = store_txn_enter(s, &own);
  sqlite3_stmt *st = rc ? NULL : store_stmt(s, sql);
  if (!rc && !st) rc = UTIL_E_DB;
  if (!rc) {
    sqlite3_bind_int64(st, 1, id);
    store_bind_text(st, 2, from);
    store_bind_text(st, 3, to);
    sqlite3_bind_int64(st, 4, util_now());
    rc = kb_exec(s, st, 1);
    if (rc == UTIL_E_NOTFOUND) rc = UTIL_E_CONFLICT;
  }
  if (!rc) rc = kb_event(s, id, user, "state", from, to, 0);
  return store_txn_leave(s, own, rc);
}

int store_kb_get(store_t *s, int64_t id, store_kb_article_t *out) {
  static const char sql[] =
      "SELECT " KB_COLS " FROM kb_articles a JOIN users u ON u.id = a.author_id WHERE a.id = ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) kb_row(st, out);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

/* Steps st, calling fn for each article; at most limit of them (0: no
 * limit), *more (optional) set when one more row follows. */
static int kb_each(store_t *s, sqlite3_stmt *st, int limit,
                   int (*fn)(const store_kb_article_t *, void *), void *arg, int *more) {
  int r, rc = 0, n = 0;
  if (more) *more = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    if (limit && n == limit) {
      if (more) *more = 1;
      break;
    }
    store_kb_article_t a;
    kb_row(st, &a);
    n++;
    int stop = fn(&a, arg);
    store_kb_clear(&a);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

#define KB_FILTERS                                                                     \
  " (?1 IS NULL OR a.state = ?1) AND (?2 IS NULL OR a.lang = ?2) AND (?3 = 0 OR a.public = 1)" \
  " AND (?4 IS NULL OR a.category = ?4 COLLATE NOCASE)"                                 \
  " AND (?5 IS NULL OR a.service = ?5 COLLATE NOCASE) AND (?6 IS NULL OR a.ci = ?6 COLLATE NOCASE)"

int store_kb_list(store_t *s, const store_kb_query_t *q,
                  int (*fn)(const store_kb_article_t *, void *), void *arg, int *more) {
  static const char plain[] = "SELECT " KB_COLS " FROM kb_articles a JOIN users u ON u.id = a.author_id"
                              " WHERE" KB_FILTERS " AND a.id < ?7 ORDER BY a.id DESC LIMIT ?8";
  /* title words weigh twice body words */
  static const char match[] =
      "SELECT " KB_COLS " FROM kb_fts f JOIN kb_articles a ON a.id = f.rowid"
      " JOIN users u ON u.id = a.author_id WHERE kb_fts MATCH ?9 AND" KB_FILTERS
      " ORDER BY bm25(kb_fts, 2.0, 1.0), a.id DESC LIMIT ?8";
  if (q->limit < 1 || q->limit > STORE_KB_PAGE_MAX) return UTIL_E_INVALID;
  sqlite3_stmt *st = store_stmt(s, q->match ? match : plain);
  if (!st) return UTIL_E_DB;
  kb_bind_opt(st, 1, q->state);
  kb_bind_opt(st, 2, q->lang);
  sqlite3_bind_int(st, 3, q->public_only ? 1 : 0);
  kb_bind_opt(st, 4, q->category);
  kb_bind_opt(st, 5, q->service);
  kb_bind_opt(st, 6, q->ci);
  if (q->match) store_bind_text(st, 9, q->match);
  else sqlite3_bind_int64(st, 7, q->before_id > 0 ? q->before_id : INT64_MAX);
  sqlite3_bind_int(st, 8, q->limit + 1);
  return kb_each(s, st, q->limit, fn, arg, more);
}

int store_kb_family_each(store_t *s, int64_t family, int (*fn)(const store_kb_article_t *, void *),
                         void *arg) {
  static const char sql[] = "SELECT " KB_COLS " FROM kb_articles a JOIN users u ON u.id = a.author_id"
                            " WHERE a.family_id = ?1 ORDER BY a.lang";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, family);
  return kb_each(s, st, 0, fn, arg, NULL);
}

void store_kb_version_clear(store_kb_version_t *v) {
  free(v->title);
  free(v->body);
  free(v->editor_name);
  memset(v, 0, sizeof *v);
}

static void kb_version_row(sqlite3_stmt *st, store_kb_version_t *v, int with_body) {
  memset(v, 0, sizeof *v);
  v->version = sqlite3_column_int64(st, 0);
  v->editor_id = sqlite3_column_int64(st, 1);
  v->at = sqlite3_column_int64(st, 2);
  v->title = store_col_dup(st, 3);
  v->editor_name = store_col_dup(st, 4);
  if (with_body) v->body = store_col_dup(st, 5);
}

int store_kb_version_get(store_t *s, int64_t id, int64_t version, store_kb_version_t *out) {
  static const char sql[] = "SELECT v.version, v.editor_id, v.at, v.title, u.name, v.body"
                            " FROM kb_versions v JOIN users u ON u.id = v.editor_id"
                            " WHERE v.article_id = ?1 AND v.version = ?2";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, version);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) kb_version_row(st, out, 1);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_kb_versions_each(store_t *s, int64_t id, int (*fn)(const store_kb_version_t *, void *),
                           void *arg) {
  static const char sql[] = "SELECT v.version, v.editor_id, v.at, v.title, u.name"
                            " FROM kb_versions v JOIN users u ON u.id = v.editor_id"
                            " WHERE v.article_id = ?1 ORDER BY v.version DESC";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_kb_version_t v;
    kb_version_row(st, &v, 0);
    int stop = fn(&v, arg);
    store_kb_version_clear(&v);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_kb_events_each(store_t *s, int64_t id, int (*fn)(const store_kb_event_t *, void *),
                         void *arg) {
  static const char sql[] = "SELECT e.id, e.at, IFNULL(e.user_id, 0), IFNULL(e.version, 0), e.kind,"
                            " e.from_state, e.to_state, u.name FROM kb_events e"
                            " LEFT JOIN users u ON u.id = e.user_id WHERE e.article_id = ?1 ORDER BY e.id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_kb_event_t e = {
        .id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
        .user_id = sqlite3_column_int64(st, 2), .version = sqlite3_column_int64(st, 3),
        .kind = (const char *)sqlite3_column_text(st, 4),
        .from_state = (const char *)sqlite3_column_text(st, 5),
        .to_state = (const char *)sqlite3_column_text(st, 6),
        .user_name = (const char *)sqlite3_column_text(st, 7)};
    if (fn(&e, arg)) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_kb_vote(store_t *s, int64_t id, int64_t user, int helpful) {
  static const char put[] = "INSERT INTO kb_votes(article_id, user_id, helpful, at) VALUES (?1, ?2, ?3, ?4)"
                            " ON CONFLICT(article_id, user_id) DO UPDATE SET helpful = ?3, at = ?4";
  static const char count[] =
      "UPDATE kb_articles SET"
      " helpful = (SELECT count(*) FROM kb_votes WHERE article_id = ?1 AND helpful = 1),"
      " unhelpful = (SELECT count(*) FROM kb_votes WHERE article_id = ?1 AND helpful = 0)"
      " WHERE id = ?1";
  int own, rc = store_txn_enter(s, &own);
  sqlite3_stmt *st = rc ? NULL : store_stmt(s, put);
  if (!rc && !st) rc = UTIL_E_DB;
  if (!rc) {
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, user);
    sqlite3_bind_int(st, 3, helpful ? 1 : 0);
    sqlite3_bind_int64(st, 4, util_now());
    rc = kb_exec(s, st, 0);
  }
  if (!rc && !(st = store_stmt(s, count))) rc = UTIL_E_DB;
  if (!rc) {
    sqlite3_bind_int64(st, 1, id);
    rc = kb_exec(s, st, 1);
  }
  return store_txn_leave(s, own, rc);
}

int store_kb_vote_of(store_t *s, int64_t id, int64_t user) {
  static const char sql[] = "SELECT helpful FROM kb_votes WHERE article_id = ?1 AND user_id = ?2";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, user);
  int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_reset(st);
  return v;
}

int store_kb_viewed(store_t *s, int64_t id) {
  static const char sql[] = "UPDATE kb_articles SET views = views + 1 WHERE id = ?1";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  return kb_exec(s, st, 1);
}

int store_kb_deflect(store_t *s, int64_t id, int64_t user, const char *text) {
  static const char sql[] = "INSERT INTO kb_deflections(article_id, user_id, at, text) VALUES (?1, ?2, ?3, ?4)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  if (user) sqlite3_bind_int64(st, 2, user);
  else sqlite3_bind_null(st, 2);
  sqlite3_bind_int64(st, 3, util_now());
  store_bind_text(st, 4, text ? text : "");
  return kb_exec(s, st, 0);
}

int64_t store_kb_deflections(store_t *s, int64_t id) {
  static const char sql[] = "SELECT count(*) FROM kb_deflections WHERE article_id = ?1";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return 0;
  sqlite3_bind_int64(st, 1, id);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return n;
}
