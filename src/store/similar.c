/* Candidates for "similar tickets": the full-text index's best matches of
 * the words of a text, in the title and description (not the resolution:
 * what was done says little of what was asked), with what ranking them
 * needs; what people took from them (signals); and the duplicate check's
 * candidates and flags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "store_int.h"

static const char *col_text(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* The index's best limit × SIMILAR_RANKED matches are read, then filtered by status. */
#define SIMILAR_RANKED 4

int store_similar_candidates(store_t *s, const char *match, int64_t exclude, int64_t from_id, int resolved_only,
                             int limit, int (*fn)(const store_similar_row_t *row, void *), void *arg) {
  /* the column filter limits every phrase of the expression to the two;
   * the index alone ranks its matches (the tickets' rows are read for the
   * best few only: reading one per match is what costs at scale), then
   * the status is filtered among those */
  static const char sql[] =
      "SELECT t.id, f.bt, f.bb,"
      " t.title, t.description, t.status, t.category, t.service, t.ci, t.resolution,"
      " t.requester_id, t.created_at, t.resolved_at"
      " FROM (SELECT rowid AS id, -bm25(tickets_fts, 1.0, 0.0, 0.0) AS bt, -bm25(tickets_fts, 0.0, 1.0, 0.0) AS bb,"
      "  bm25(tickets_fts, 2.0, 1.0, 0.0) AS r FROM tickets_fts"
      "  WHERE tickets_fts MATCH '{title description} : (' || ?1 || ')' AND rowid != ?2 AND rowid >= ?6"
      "  ORDER BY r LIMIT ?5) f"
      " JOIN tickets t ON t.id = f.id"
      " WHERE ?3 = 0 OR t.status IN ('resolved', 'closed')"
      " ORDER BY f.r LIMIT ?4";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, match);
  sqlite3_bind_int64(st, 2, exclude);
  sqlite3_bind_int(st, 3, resolved_only ? 1 : 0);
  sqlite3_bind_int(st, 4, limit);
  sqlite3_bind_int(st, 5, limit * SIMILAR_RANKED);
  sqlite3_bind_int64(st, 6, from_id);
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

int store_similar_signals_each(store_t *s, const char *kind, int limit,
                               int (*fn)(int64_t ticket, int64_t taken, void *), void *arg) {
  static const char sql[] =
      "SELECT ticket_id, taken_id FROM similar_signals WHERE ?2 IS NULL OR kind = ?2"
      " GROUP BY ticket_id, taken_id ORDER BY max(at) DESC LIMIT ?1";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int(st, 1, limit);
  store_bind_text(st, 2, kind);
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

/* ---- duplicate candidates ------------------------------------------------------------ */
/* open at time at: not yet resolved then (a ticket closed without a
 * resolution time counts as done) */
#define OPEN_AT(at) "((t.resolved_at IS NULL AND t.status NOT IN ('resolved', 'closed')) OR t.resolved_at > " at ")"

static int dup_rows(sqlite3_stmt *st, store_t *s, int (*fn)(const store_similar_row_t *row, void *), void *arg) {
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_similar_row_t row = {
        .id = sqlite3_column_int64(st, 0), .title = col_text(st, 1), .description = col_text(st, 2),
        .status = col_text(st, 3), .category = col_text(st, 4), .service = col_text(st, 5), .ci = col_text(st, 6),
        .requester_id = sqlite3_column_int64(st, 7), .created_at = sqlite3_column_int64(st, 8)};
    if (fn(&row, arg)) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

#define DUP_COLS "t.id, t.title, t.description, t.status, t.category, t.service, t.ci, t.requester_id, t.created_at"

int store_dup_candidates(store_t *s, const store_dup_query_t *q, int (*fn)(const store_similar_row_t *row, void *),
                         void *arg) {
  /* the requester's own tickets open at q->at, newest first */
  static const char mine[] =
      "SELECT " DUP_COLS " FROM tickets t WHERE t.requester_id = ?1 AND t.created_at BETWEEN ?2 AND ?3"
      " AND t.id != ?4 AND " OPEN_AT("?3") " ORDER BY t.created_at DESC LIMIT ?5";
  /* anyone's, from the last hours, newest first, by the creation time's
   * index: the few rows read are the newest of the file (in any cache),
   * and no full-text list is read (a commit by another connection makes
   * a reader read its pages again: a word's list each creation in a flood) */
  static const char burst[] =
      "SELECT " DUP_COLS " FROM tickets t WHERE t.created_at BETWEEN ?1 AND ?2 AND t.id != ?3"
      " AND " OPEN_AT("?2") " ORDER BY t.created_at DESC LIMIT ?4";
  sqlite3_stmt *st = q->requester_id ? store_stmt(s, mine) : NULL;
  int rc = 0;
  if (q->requester_id) {
    if (!st) return UTIL_E_DB;
    sqlite3_bind_int64(st, 1, q->requester_id);
    sqlite3_bind_int64(st, 2, q->at - q->mine_window);
    sqlite3_bind_int64(st, 3, q->at);
    sqlite3_bind_int64(st, 4, q->exclude);
    sqlite3_bind_int(st, 5, q->limit);
    rc = dup_rows(st, s, fn, arg);
  }
  if (rc || !q->burst_limit) return rc;
  if (!(st = store_stmt(s, burst))) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, q->at - q->burst_window);
  sqlite3_bind_int64(st, 2, q->at);
  sqlite3_bind_int64(st, 3, q->exclude);
  sqlite3_bind_int(st, 4, q->burst_limit);
  return dup_rows(st, s, fn, arg);
}

/* ---- duplicate flags ------------------------------------------------------------------- */
int store_dup_flag_insert(store_t *s, int64_t ticket, int64_t candidate, double p, const char *features) {
  static const char sql[] =
      "INSERT INTO duplicate_flags(ticket_id, candidate_id, probability, features, at) VALUES (?1, ?2, ?3, ?4, ?5)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket);
  sqlite3_bind_int64(st, 2, candidate);
  sqlite3_bind_double(st, 3, p);
  store_bind_text(st, 4, features ? features : "{}");
  sqlite3_bind_int64(st, 5, util_now());
  int r = sqlite3_step(st);
  sqlite3_reset(st);
  return r == SQLITE_DONE ? 0 : store_rc(s, r);
}

int store_dup_flag_get(store_t *s, int64_t ticket, store_dup_flag_t *f) {
  static const char sql[] = "SELECT candidate_id, probability, features, at, ifnull(dismissed_by, 0),"
                            " ifnull(dismissed_at, 0) FROM duplicate_flags WHERE ticket_id = ?1";
  memset(f, 0, sizeof *f);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    *f = (store_dup_flag_t){.ticket_id = ticket, .candidate_id = sqlite3_column_int64(st, 0),
                            .probability = sqlite3_column_double(st, 1),
                            .features = util_xstrdup(col_text(st, 2) ? col_text(st, 2) : "{}"),
                            .at = sqlite3_column_int64(st, 3), .dismissed_by = sqlite3_column_int64(st, 4),
                            .dismissed_at = sqlite3_column_int64(st, 5)};
  } else
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

void store_dup_flag_clear(store_dup_flag_t *f) {
  free(f->features);
  memset(f, 0, sizeof *f);
}

int store_dup_flag_dismiss(store_t *s, int64_t ticket, int64_t user) {
  static const char sql[] = "UPDATE duplicate_flags SET dismissed_by = ?2, dismissed_at = ?3"
                            " WHERE ticket_id = ?1 AND dismissed_at IS NULL";
  store_dup_flag_t f;
  int rc = store_dup_flag_get(s, ticket, &f);
  if (rc) return rc;
  int was = f.dismissed_at != 0;
  store_dup_flag_clear(&f);
  if (was) return UTIL_E_CONFLICT;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket);
  sqlite3_bind_int64(st, 2, user);
  sqlite3_bind_int64(st, 3, util_now());
  int r = sqlite3_step(st);
  sqlite3_reset(st);
  return r == SQLITE_DONE ? 0 : store_rc(s, r);
}

/* ---- how common a word is --------------------------------------------------------------- */
/* The index's terms for a folded word: its French and English stems (what
 * the tokenizer asks for at query time). */
static int df_terms(store_t *s, const char *word, char terms[2][TEXT_MAX_TOKEN + 1]) {
  if (!s->text && !(s->text = text_ctx_new())) return 0;
  text_doc_t d;
  text_doc_init(&d);
  int n = 0;
  for (int lang = 0; lang < TEXT_LANG_COUNT; lang++) {
    text_analyse_opt(s->text, word, strlen(word), lang, 1, &d);
    if (!d.n) continue;
    snprintf(terms[n], sizeof terms[n], "%s", d.arena + d.tok[0].stem);
    if (!n || strcmp(terms[0], terms[n]) != 0) n++;
  }
  text_doc_clear(&d);
  return n;
}

int64_t store_ticket_last_id(store_t *s) {
  sqlite3_stmt *st = store_stmt(s, "SELECT ifnull(max(id), 0) FROM tickets");
  if (!st) return UTIL_E_DB;
  int r = sqlite3_step(st);
  int64_t id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : store_rc(s, r);
  sqlite3_reset(st);
  return id;
}

/* Counting a term's documents reads its whole list (a few milliseconds for
 * a term of a hundred thousand tickets): a common term's count is kept
 * for DF_KEEP seconds, in a slot of its hash (a collision evicts). A count
 * that drifts by minutes of new tickets only moves which words a query
 * reads first. */
#define DF_KEEP 3600
#define DF_CACHED 1000 /* terms this common or more are kept */

static int64_t term_df(store_t *s, sqlite3_stmt *st, const char *term) {
  uint64_t h = text_hash(0x9e3779b97f4a7c15ull, term, strlen(term));
  struct store_df_slot *slot = s->df_cache ? &s->df_cache[h % STORE_DF_SLOTS] : NULL;
  int64_t now = util_now();
  if (slot && slot->hash == h && now - slot->at < DF_KEEP) return slot->df;
  store_bind_text(st, 1, term);
  int64_t df = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  if (df >= DF_CACHED) {
    if (!s->df_cache) s->df_cache = util_xcalloc(STORE_DF_SLOTS, sizeof *s->df_cache);
    s->df_cache[h % STORE_DF_SLOTS] = (struct store_df_slot){h, df, now};
  }
  return df;
}

int store_similar_df(store_t *s, const char *word, int64_t *df) {
  static const char vocab[] =
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.tickets_fts_terms USING fts5vocab(main, tickets_fts, row)";
  static const char sql[] = "SELECT doc FROM temp.tickets_fts_terms WHERE term = ?1";
  *df = 0;
  if (!s->has_terms) {
    int r = sqlite3_exec(s->db, vocab, NULL, NULL, NULL);
    if (r != SQLITE_OK) return store_rc(s, r);
    s->has_terms = 1;
  }
  char terms[2][TEXT_MAX_TOKEN + 1];
  int n = df_terms(s, word, terms);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  for (int i = 0; i < n; i++) { /* the commoner of the two: what the query will read */
    int64_t d = term_df(s, st, terms[i]);
    if (d > *df) *df = d;
  }
  return 0;
}
