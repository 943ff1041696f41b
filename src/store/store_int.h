/* Private to the store module: the connection struct and shared helpers. */
#ifndef RELAIS_STORE_INT_H
#define RELAIS_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

#define STORE_STMT_CACHE 96

struct store {
  sqlite3 *db;
  struct {
    const char *sql;     /* static string: the cache key is its address */
    sqlite3_stmt *stmt;
  } cache[STORE_STMT_CACHE];
  int ncache;
  int holds_write; /* this connection holds the process write lock */
  int bulk;        /* inside store_bulk_begin/end: "created" events are batched */
  store_actor_t bulk_actor;
};

/* Returns a prepared, reset statement for a static SQL string, cached on the
 * connection (borrowed: do not finalize). NULL on error (see errmsg). */
sqlite3_stmt *store_stmt(store_t *s, const char *sql);
/* Maps a SQLite result code to a UTIL_E_* code (constraint → INVALID or
 * CONFLICT, busy → BUSY, else DB) and logs unexpected errors. */
int store_rc(store_t *s, int rc);
/* Opens a transaction unless one is open; *own says whether we did. */
int store_txn_enter(store_t *s, int *own);
/* Commits (rc == 0) or rolls back what store_txn_enter opened; returns rc,
 * or the commit's error. */
int store_txn_leave(store_t *s, int own, int rc);
/* Binds text, or NULL when s is NULL. */
int store_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Returns an owned copy of a text column, or NULL for SQL NULL. */
char *store_col_dup(sqlite3_stmt *st, int i);

#endif
