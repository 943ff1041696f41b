/* Private to the store module: the connection struct and shared helpers. */
#ifndef RELAIS_STORE_INT_H
#define RELAIS_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

#define STORE_STMT_CACHE 128

typedef struct store_facets store_facets_t;
typedef struct store_facet_query store_facet_query_t;

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
  store_facets_t *facets; /* shared with the other connections to the file */
  int use_facets;         /* store_search_facets */
  char list_error[160];   /* store_list_error */
  struct text_ctx *text;  /* stemmers for store_similar_df, made on first use */
  struct store_df_slot {  /* store_similar_df's counts of common terms, kept a while */
    uint64_t hash;
    int64_t df, at;
  } *df_cache;            /* STORE_DF_SLOTS, made on first use */
  int has_terms;          /* temp.tickets_fts_terms (fts5vocab) exists */
};

#define STORE_DF_SLOTS 1024 /* terms whose count store_similar_df keeps per connection */

/* The schema's history (schema.c): step i brings version i to i + 1. */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];

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
/* Registers the search functions (relais_rank, relais_keep, relais_key:
 * see rank.c) and the tokenizer "relais" (tokenizer.c) on a new
 * connection; the indexes cannot be read or written without the latter. */
int store_search_register(sqlite3 *db);
/* Registers the FTS5 tokenizer "relais" with fts (borrowed). */
int store_tokenizer_register(fts5_api *fts);

/* ---- Facets: what a search needs of every ticket, in memory (facets.c) -- */
#define FACETS_LEN_UNKNOWN 0xffff
/* The pointer type a store_facet_query_t is bound as (sqlite3_bind_pointer). */
#define STORE_FACETS_PTR "relais_facets"

/* Shares the facets of the database at path with the process's other
 * connections to it (a private set for an in-memory one). */
int store_facets_attach(store_t *s, const char *path);
void store_facets_detach(store_t *s);
/* Inside a read transaction: the facets of this snapshot, filtered as q
 * says, or NULL when they cannot serve it (disabled, or do not hold this
 * state); then the caller takes the SQL path. Holds the facets shared
 * until store_facets_end. */
store_facet_query_t *store_facets_begin(store_t *s, const store_query_t *q);
void store_facets_end(store_facet_query_t *fq);
int store_facets_keep(const store_facet_query_t *fq, int64_t id);
int64_t store_facets_key(const store_facet_query_t *fq, int64_t id);
/* A ticket's sort key and id, as a list orders them. */
typedef struct {
  int64_t key, id;
} store_facet_pair_t;
/* The first max tickets that pass the filters, in the order of the
 * query's sort key then id (descending with desc), strictly after *after
 * when not NULL, into out (room for max); returns how many. One pass over
 * every ticket: a few milliseconds at a million. */
size_t store_facets_top(const store_facet_query_t *fq, const store_facet_pair_t *after,
                        int desc, size_t max, store_facet_pair_t *out);
/* How many tickets pass the filters, counting stops at max (one pass, as
 * store_facets_top). */
size_t store_facets_count(const store_facet_query_t *fq, size_t max);
/* Ticket id's length in tokens, or -1 when unknown. */
int store_facets_length(const store_facet_query_t *fq, int64_t id);
/* Returns an owned copy of a text column, or NULL for SQL NULL. */
char *store_col_dup(sqlite3_stmt *st, int i);
/* The form a search compares (users, managed lists): case folded,
 * compatibility forms and accents removed, so "zoe" finds "Zoé". Returns
 * owned (free()), or NULL when s is not valid UTF-8 or memory ran out. */
char *store_fold(const char *s);

#endif
