/* Connection, pragmas, forward migrations (the steps are in schema.c),
 * transactions, statement cache. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <pthread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "store_int.h"

/* Page cache per connection, in KiB (negative: SQLite's unit). The server
 * holds one connection per worker thread, and each cache fills up to its
 * cap with copies of the same pages; the OS already caches the file once
 * for all of them, so a small cache costs a read() per miss, not a disk
 * access. 8 MiB keeps the hot index pages of a million tickets. */
#define DB_CACHE_KB "-8192"
#define DB_BULK_CACHE_KB "-65536" /* during store_bulk_begin … end */

const char *store_errmsg(store_t *s) {
  return s && s->db ? sqlite3_errmsg(s->db) : "no database";
}

/* The last failure that says the file cannot take writes, for the whole
 * process (store_write_health): any connection sets it, a commit clears
 * it. Atomics: read by /healthz without a lock. */
static _Atomic int db_trouble;
static _Atomic long long db_trouble_at;

static int db_trouble_set(int code) {
  atomic_store(&db_trouble, code);
  atomic_store(&db_trouble_at, (long long)util_now());
  return code;
}

int store_write_health(char *why, size_t len) {
  int code = atomic_load(&db_trouble);
  if (!code) return 0;
  char iso[UTIL_ISO_LEN];
  util_time_iso((int64_t)atomic_load(&db_trouble_at), iso);
  snprintf(why, len, "%s (since %s)",
           code == UTIL_E_FULL       ? "the database is full: its disk, or its size cap"
           : code == UTIL_E_READONLY ? "the database file cannot be written"
           : code == UTIL_E_IO       ? "the database's disk fails to read or write"
                                     : "the database file is damaged",
           iso);
  return code;
}

int store_rc(store_t *s, int rc) {
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_ROW:
  case SQLITE_DONE:
    return 0;
  case SQLITE_CONSTRAINT:
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
      return UTIL_E_CONFLICT;
    return UTIL_E_INVALID;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return UTIL_E_BUSY;
  case SQLITE_NOMEM:
    return UTIL_E_NOMEM;
  case SQLITE_FULL:
    util_log(UTIL_LOG_ERROR, "database full: %s", store_errmsg(s));
    return db_trouble_set(UTIL_E_FULL);
  case SQLITE_READONLY:
    util_log(UTIL_LOG_ERROR, "database read-only: %s", store_errmsg(s));
    return db_trouble_set(UTIL_E_READONLY);
  case SQLITE_IOERR:
    util_log(UTIL_LOG_ERROR, "database i/o: %s", store_errmsg(s));
    return db_trouble_set(UTIL_E_IO);
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
    util_log(UTIL_LOG_ERROR, "database damaged: %s", store_errmsg(s));
    return db_trouble_set(UTIL_E_DB);
  default:
    util_log(UTIL_LOG_ERROR, "database: %s (%d)", store_errmsg(s), rc);
    return UTIL_E_DB;
  }
}

sqlite3_stmt *store_stmt(store_t *s, const char *sql) {
  for (int i = 0; i < s->ncache; i++) {
    if (s->cache[i].sql == sql) {
      sqlite3_reset(s->cache[i].stmt);
      sqlite3_clear_bindings(s->cache[i].stmt);
      return s->cache[i].stmt;
    }
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)) {
    util_log(UTIL_LOG_ERROR, "prepare: %s", sqlite3_errmsg(s->db));
    return NULL;
  }
  if (s->ncache < STORE_STMT_CACHE) {
    s->cache[s->ncache].sql = sql;
    s->cache[s->ncache].stmt = st;
    s->ncache++;
  } else {
    /* The cache is sized for every static statement in the module; running
     * out is a programming error worth a loud log, not a failure. */
    util_log(UTIL_LOG_WARN, "statement cache full");
    sqlite3_finalize(s->cache[0].stmt);
    s->cache[0].sql = sql;
    s->cache[0].stmt = st;
  }
  return st;
}

int store_bind_text(sqlite3_stmt *st, int i, const char *s) {
  return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT)
           : sqlite3_bind_null(st, i);
}

char *store_col_dup(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? util_xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i))
           : NULL;
}

static int db_exec(store_t *s, const char *sql) {
  int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  return rc ? store_rc(s, rc) : 0;
}

/* Write transactions of this process queue on one mutex before asking SQLite
 * for its write lock. Without it, threads that find the database locked
 * sleep in SQLite's busy handler (1 ms, 2 ms, … up to 100 ms) even when the
 * writer ahead of them finishes in microseconds, which ruins tail latency.
 * Other processes (the CLI) still meet the busy timeout as usual. */
static pthread_mutex_t db_write_mu = PTHREAD_MUTEX_INITIALIZER;

static void db_write_release(store_t *s) {
  if (!s->holds_write) return;
  s->holds_write = 0;
  pthread_mutex_unlock(&db_write_mu);
}

int store_begin(store_t *s) {
  pthread_mutex_lock(&db_write_mu);
  s->holds_write = 1;
  int rc = db_exec(s, "BEGIN IMMEDIATE");
  if (rc) db_write_release(s);
  return rc;
}

int store_commit(store_t *s) {
  int rc = db_exec(s, "COMMIT");
  if (!rc) atomic_store(&db_trouble, 0);
  if (!rc) db_write_release(s);
  return rc; /* on failure the caller rolls back, which releases */
}

void store_rollback(store_t *s) {
  s->bulk = 0;
  if (s->db && !sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", 0, 0, 0);
  db_write_release(s);
}

int store_txn_enter(store_t *s, int *own) {
  *own = 0;
  if (!sqlite3_get_autocommit(s->db)) return 0;
  int rc = store_begin(s);
  if (!rc) *own = 1;
  return rc;
}

int store_txn_leave(store_t *s, int own, int rc) {
  if (!own) return rc;
  if (rc) {
    store_rollback(s);
    return rc;
  }
  rc = store_commit(s);
  if (rc) store_rollback(s);
  return rc;
}

int store_read_begin(store_t *s, int *own) {
  *own = 0;
  if (!sqlite3_get_autocommit(s->db)) return 0;
  int rc = db_exec(s, "BEGIN");
  if (!rc) *own = 1;
  return rc;
}

void store_read_end(store_t *s, int own) {
  if (own && !sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

int store_bulk_begin(store_t *s, int64_t *mark) {
  return store_bulk_begin_as(s, NULL, mark);
}

int store_bulk_begin_as(store_t *s, const store_actor_t *a, int64_t *mark) {
  static const char sql[] = "SELECT IFNULL(max(id), 0) FROM tickets";
  if (sqlite3_get_autocommit(s->db)) return UTIL_E_INTERNAL; /* needs a transaction */
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) *mark = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (r != SQLITE_ROW) return store_rc(s, r);
  /* a load writes every index at once: it wants the big cache the server's
   * connections do without. The connection keeps it after the load (loads
   * come from the command line, whose connection closes after; giving the
   * pages back between batches would start each batch cold). */
  int rc = db_exec(s, "PRAGMA cache_size=" DB_BULK_CACHE_KB);
  if (!rc) rc = db_exec(s, "INSERT INTO fts_deferred VALUES (1)");
  if (!rc && a && a->kind != STORE_ACTOR_MODEL) {
    s->bulk = 1;
    s->bulk_actor = *a;
  }
  return rc;
}

int store_bulk_end(store_t *s, int64_t mark) {
  static const char sql[] =
      "INSERT INTO tickets_fts(rowid, title, description, resolution)"
      " SELECT id, title, description, resolution FROM tickets WHERE id > ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, mark);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && s->bulk) {
    /* the "created" event of every ticket of the batch, in one statement */
    static const char hist[] =
        "INSERT INTO history(ticket_id, at, actor_kind, actor_id, field, old_value, new_value)"
        " SELECT id, created_at, ?, ?, 'created', NULL, status FROM tickets t WHERE id > ?"
        " AND NOT EXISTS (SELECT 1 FROM history h WHERE h.ticket_id = t.id)"
        " ORDER BY id"; /* another actor's ticket already has its event */
    sqlite3_stmt *h = store_stmt(s, hist);
    if (!h) {
      rc = UTIL_E_DB;
    } else {
      sqlite3_bind_text(h, 1, store_actor_kind_name(s->bulk_actor.kind), -1, SQLITE_STATIC);
      if (s->bulk_actor.kind == STORE_ACTOR_PERSON && s->bulk_actor.user_id)
        sqlite3_bind_int64(h, 2, s->bulk_actor.user_id);
      sqlite3_bind_int64(h, 3, mark);
      rc = store_rc(s, sqlite3_step(h));
      sqlite3_reset(h);
    }
  }
  s->bulk = 0;
  if (!rc) rc = db_exec(s, "DELETE FROM fts_deferred");
  return rc;
}

int store_schema_version(store_t *s) {
  sqlite3_stmt *st = NULL;
  int v = -1;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == 0 &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return v;
}

int store_quick_check(store_t *s, char *why, size_t len) {
  sqlite3_stmt *st = NULL;
  int r = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL);
  if (!r) r = sqlite3_step(st);
  const char *msg = r == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  int ok = msg && strcmp(msg, "ok") == 0;
  if (!ok) {
    snprintf(why, len, "%s", msg ? msg : sqlite3_errmsg(s->db));
    for (char *p = why; *p; p++) if (*p == '\n') *p = ' '; /* one line for the log */
  }
  sqlite3_finalize(st);
  return ok ? 0 : UTIL_E_DB;
}

int store_set_max_bytes(store_t *s, int64_t max_bytes) {
  if (max_bytes <= 0) return 0;
  sqlite3_stmt *st = NULL;
  int64_t page = 4096;
  if (sqlite3_prepare_v2(s->db, "PRAGMA page_size", -1, &st, NULL) == 0 &&
      sqlite3_step(st) == SQLITE_ROW)
    page = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)(max_bytes / (page > 0 ? page : 4096)));
  return sqlite3_exec(s->db, sql, NULL, NULL, NULL) ? UTIL_E_DB : 0;
}

int store_integrity_ok(store_t *s) {
  sqlite3_stmt *st = NULL;
  int ok = 0;
  if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) == 0 &&
      sqlite3_step(st) == SQLITE_ROW)
    ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
  sqlite3_finalize(st);
  return ok;
}

/* Brings the schema from its current version to target, one transaction per
 * step so that a failed step leaves the previous version intact. */
static int db_migrate(store_t *s, int target, char *errbuf, size_t errlen) {
  int v = store_schema_version(s);
  if (v < 0) {
    snprintf(errbuf, errlen, "cannot read schema version: %s", store_errmsg(s));
    return UTIL_E_DB;
  }
  if (v > STORE_SCHEMA_VERSION) {
    snprintf(errbuf, errlen,
             "database schema version %d is newer than this program (%d)", v,
             STORE_SCHEMA_VERSION);
    return UTIL_E_CONFLICT;
  }
  for (; v < target; v++) {
    char pragma[48];
    int rc = store_begin(s);
    if (!rc) rc = db_exec(s, store_migrations[v]);
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
    if (!rc) rc = db_exec(s, pragma);
    if (!rc) rc = store_commit(s);
    if (rc) {
      snprintf(errbuf, errlen, "migration to version %d failed: %s", v + 1,
               store_errmsg(s));
      store_rollback(s);
      return rc;
    }
  }
  return 0;
}

/* Process-wide SQLite settings, made once before the library initialises:
 * no allocation statistics (they take a global mutex on every malloc, and
 * every connection lives in one thread at a time anyway). */
static pthread_once_t db_once = PTHREAD_ONCE_INIT;
static void db_global_config(void) {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
#ifdef __GLIBC__
  /* glibc gives each new thread its own malloc arena (up to 8 per core),
   * each keeping its freed pages: with a worker per connection that is
   * tens of MB of RSS for nothing. Two arenas keep contention low. */
  mallopt(M_ARENA_MAX, 2);
#endif
}

int store_open_at(const char *path, int version, store_t **out, char *errbuf,
                  size_t errlen) {
  char dummy[8];
  if (!errbuf) {
    errbuf = dummy;
    errlen = sizeof dummy;
  }
  errbuf[0] = '\0';
  *out = NULL;
  pthread_once(&db_once, db_global_config);
  store_t *s = util_xcalloc(1, sizeof *s);
  int rc = sqlite3_open_v2(path, &s->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                           NULL);
  if (rc) {
    snprintf(errbuf, errlen, "cannot open %s: %s", path, store_errmsg(s));
    rc = UTIL_E_IO;
    goto out;
  }
  sqlite3_extended_result_codes(s->db, 1);
  if (store_search_register(s->db) != SQLITE_OK) {
    snprintf(errbuf, errlen, "cannot set up search ranking on %s: %s", path, store_errmsg(s));
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_busy_timeout(s->db, 5000);
  /* WAL: readers never block the writer. synchronous=NORMAL keeps every
   * committed transaction across a process crash (the WAL is in the OS);
   * only a power loss may drop the last commits. */
  rc = db_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                  " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                  " PRAGMA cache_size=" DB_CACHE_KB ";");
  if (rc) {
    snprintf(errbuf, errlen, "cannot configure %s: %s", path, store_errmsg(s));
    goto out;
  }
  rc = db_migrate(s, version, errbuf, errlen);
  if (!rc && (rc = store_facets_attach(s, path)))
    snprintf(errbuf, errlen, "cannot resolve the path %s", path);
  s->use_facets = version >= 8;
out:
  if (rc) {
    store_close(&s);
    return rc;
  }
  *out = s;
  return 0;
}

int store_open(const char *path, store_t **out, char *errbuf, size_t errlen) {
  return store_open_at(path, STORE_SCHEMA_VERSION, out, errbuf, errlen);
}

void store_close(store_t **sp) {
  if (!sp || !*sp) return;
  store_t *s = *sp;
  store_rollback(s);
  for (int i = 0; i < s->ncache; i++) sqlite3_finalize(s->cache[i].stmt);
  if (s->db) sqlite3_close(s->db);
  store_facets_detach(s);
  text_ctx_free(&s->text);
  free(s->df_cache);
  free(s);
  *sp = NULL;
}

const char *store_actor_kind_name(store_actor_kind_t k) {
  switch (k) {
  case STORE_ACTOR_SYSTEM: return "system";
  case STORE_ACTOR_MODEL: return "model";
  default: return "person";
  }
}

/* ---- Background checkpoints ------------------------------------------------
 * A WAL checkpoint copies committed pages into the database file and syncs
 * it: several milliseconds. Left to SQLite, it runs inside whichever commit
 * crosses the threshold, and that request pays for it. The server instead
 * turns automatic checkpoints off on its connections and lets this thread
 * checkpoint in PASSIVE mode (it never blocks readers or writers) a few
 * times a second. */
struct store_checkpointer {
  util_ticker_t *ticker;
  store_t *db;                  /* used by the ticker's thread only */
};

int store_set_autocheckpoint(store_t *s, int pages) {
  return sqlite3_wal_autocheckpoint(s->db, pages) ? UTIL_E_DB : 0;
}

int store_checkpoint(store_t *s) {
  int r = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return r == SQLITE_OK || r == SQLITE_BUSY ? 0 : store_rc(s, r);
}

static void ckpt_tick(void *arg) { store_checkpoint(arg); }

int store_checkpointer_start(const char *path, int interval_ms, store_checkpointer_t **out) {
  *out = NULL;
  store_checkpointer_t *cp = util_xcalloc(1, sizeof *cp);
  int rc = store_open(path, &cp->db, NULL, 0);
  if (rc) goto out;
  cp->ticker = util_ticker_start(ckpt_tick, cp->db, interval_ms > 0 ? interval_ms : 200);
  if (!cp->ticker) rc = UTIL_E_INTERNAL;
out:
  if (rc) {
    store_close(&cp->db);
    free(cp);
    return rc;
  }
  *out = cp;
  return 0;
}

void store_checkpointer_stop(store_checkpointer_t **cpp) {
  store_checkpointer_t *cp = *cpp;
  if (!cp) return;
  util_ticker_stop(&cp->ticker);
  store_checkpoint(cp->db); /* leave little in the WAL */
  store_close(&cp->db);
  free(cp);
  *cpp = NULL;
}

/* ---- Online backup ---------------------------------------------------------- */
static int backup_copy(sqlite3 *src, sqlite3 *dst, int64_t *pages) {
  sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) return sqlite3_errcode(dst);
  /* every page in one step: one read snapshot of the source for the whole
   * copy (a step by step copy restarts whenever another connection writes) */
  int rc = sqlite3_backup_step(b, -1);
  if (pages) *pages = sqlite3_backup_pagecount(b);
  int fin = sqlite3_backup_finish(b);
  return rc == SQLITE_DONE ? fin : rc;
}

static int backup_check(sqlite3 *dst, char *why, size_t len) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(dst, "PRAGMA integrity_check(1)", -1, &st, NULL);
  if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    const char *r = (const char *)sqlite3_column_text(st, 0);
    if (!r || strcmp(r, "ok") != 0) {
      snprintf(why, len, "the copy fails integrity_check: %s", r ? r : "?");
      rc = SQLITE_CORRUPT;
    }
  } else if (rc == SQLITE_OK) {
    rc = sqlite3_errcode(dst);
  }
  sqlite3_finalize(st);
  return rc;
}

int store_backup(const char *path, const char *dest, int64_t *pages, char *errbuf, size_t errlen) {
  char dummy[8];
  if (!errbuf) {
    errbuf = dummy;
    errlen = sizeof dummy;
  }
  errbuf[0] = '\0';
  if (access(dest, F_OK) == 0) {
    snprintf(errbuf, errlen, "%s already exists: choose a new file", dest);
    return UTIL_E_CONFLICT;
  }
  sqlite3 *src = NULL, *dst = NULL;
  if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    snprintf(errbuf, errlen, "cannot open %s: %s", path, src ? sqlite3_errmsg(src) : "out of memory");
    sqlite3_close(src);
    return UTIL_E_IO;
  }
  sqlite3_busy_timeout(src, 5000);
  char *tmp = util_xasprintf("%s.partial", dest);
  unlink(tmp); /* a copy an earlier run left unfinished */
  int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  /* the indexes' tokenizer, for a check that reads them (SQLite 3.44 on) */
  if (rc == SQLITE_OK) rc = store_search_register(dst);
  if (rc == SQLITE_OK) rc = backup_copy(src, dst, pages);
  if (rc != SQLITE_OK && !errbuf[0])
    snprintf(errbuf, errlen, "cannot copy to %s: %s", tmp, dst ? sqlite3_errmsg(dst) : "out of memory");
  if (rc == SQLITE_OK) rc = backup_check(dst, errbuf, errlen);
  if (rc == SQLITE_OK) rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
  sqlite3_close(dst); /* the backup connection wrote with synchronous=FULL: synced */
  sqlite3_close(src);
  if (rc == SQLITE_OK && rename(tmp, dest) != 0) {
    snprintf(errbuf, errlen, "cannot rename %s to %s: %s", tmp, dest, strerror(errno));
    rc = SQLITE_IOERR;
  }
  if (rc != SQLITE_OK) unlink(tmp);
  free(tmp);
  if (rc == SQLITE_OK) return 0;
  if (!errbuf[0]) snprintf(errbuf, errlen, "cannot back up to %s", dest);
  return rc == SQLITE_FULL ? UTIL_E_FULL : UTIL_E_IO;
}
