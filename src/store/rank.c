/* The SQL functions a search runs with (store_search_register):
 *
 *   relais_rank(tickets_fts, facets, w_0, w_1, ...)
 *     what bm25(tickets_fts, w_0, w_1, ...) returns (k1 = 1.2, b = 0.75,
 *     the same operations in the same order, so the same bits), reading the
 *     row's length from the facets (a pointer bound as STORE_FACETS_PTR, or
 *     NULL) instead of FTS5's docsize table: that lookup is most of BM25's
 *     cost on a common word.
 *   relais_keep(id, facets)  1 when ticket id passes the search's filters
 *   relais_key(id, facets)   ticket id's key for the search's sort
 *
 * The facets hold exactly the snapshot the statement reads (facets.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define RANK_K1 1.2
#define RANK_B 0.75

typedef struct {
  int nphrase, ncol;
  double avgdl;
  double *idf;   /* per phrase */
  double *freq;  /* per phrase, this row's weighted frequency */
} rank_data_t;

static void rank_free(void *p) {
  rank_data_t *d = p;
  if (!d) return;
  free(d->idf);
  free(d->freq);
  free(d);
}

static int rank_count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *user) {
  (void)api;
  (void)fts;
  (*(sqlite3_int64 *)user)++;
  return SQLITE_OK;
}

/* The query's constants, as bm25() computes them: the mean row length and
 * each phrase's IDF, floored at 1e-6 for phrases in over half the rows. */
static int rank_setup(const Fts5ExtensionApi *api, Fts5Context *fts, rank_data_t **out) {
  rank_data_t *d = calloc(1, sizeof *d);
  if (!d) return SQLITE_NOMEM;
  d->nphrase = api->xPhraseCount(fts);
  d->ncol = api->xColumnCount(fts);
  size_t np = d->nphrase > 0 ? (size_t)d->nphrase : 1;
  d->idf = calloc(np, sizeof *d->idf);
  d->freq = calloc(np, sizeof *d->freq);
  int rc = (!d->idf || !d->freq) ? SQLITE_NOMEM : SQLITE_OK;
  sqlite3_int64 nrow = 0, ntok = 0;
  if (rc == SQLITE_OK) rc = api->xRowCount(fts, &nrow);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &ntok);
  if (rc == SQLITE_OK) d->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
  for (int i = 0; rc == SQLITE_OK && i < d->nphrase; i++) {
    sqlite3_int64 hits = 0;
    rc = api->xQueryPhrase(fts, i, &hits, rank_count_cb);
    double idf = log(((double)nrow - (double)hits + 0.5) / ((double)hits + 0.5));
    d->idf[i] = idf <= 0.0 ? 1e-6 : idf;
  }
  if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, d, rank_free);
  if (rc != SQLITE_OK) {
    rank_free(d);
    return rc;
  }
  *out = d;
  return SQLITE_OK;
}

/* BM25 of this row's frequencies at a row length of len tokens. */
static double rank_score(const rank_data_t *d, double len) {
  double score = 0.0;
  for (int i = 0; i < d->nphrase; i++) {
    score += d->idf[i] * ((d->freq[i] * (RANK_K1 + 1.0)) /
                          (d->freq[i] + RANK_K1 * (1 - RANK_B + RANK_B * len / d->avgdl)));
  }
  return score;
}

/* Reads this row's weighted phrase frequencies (weights from args). */
static int rank_row(const Fts5ExtensionApi *api, Fts5Context *fts, rank_data_t *d,
                    int nargs, sqlite3_value **args) {
  int ninst = 0;
  int rc = api->xInstCount(fts, &ninst);
  memset(d->freq, 0, (size_t)d->nphrase * sizeof *d->freq);
  for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
    int ip, ic, io;
    rc = api->xInst(fts, i, &ip, &ic, &io);
    if (rc != SQLITE_OK || ip < 0 || ip >= d->nphrase || ic < 0 || ic >= d->ncol) continue;
    d->freq[ip] += (nargs > ic) ? sqlite3_value_double(args[ic]) : 1.0;
  }
  return rc;
}

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                    int nargs, sqlite3_value **args) {
  const store_facet_query_t *fq = nargs > 0 ? sqlite3_value_pointer(args[0], STORE_FACETS_PTR) : NULL;
  rank_data_t *d = api->xGetAuxdata(fts, 0);
  int rc = d ? SQLITE_OK : rank_setup(api, fts, &d);
  if (rc == SQLITE_OK) rc = rank_row(api, fts, d, nargs - 1, args + 1);
  int len = fq ? store_facets_length(fq, api->xRowid(fts)) : -1;
  if (rc == SQLITE_OK && len < 0) rc = api->xColumnSize(fts, -1, &len);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  sqlite3_result_double(ctx, -1.0 * rank_score(d, len));
}

static void keep_fn(sqlite3_context *ctx, int nargs, sqlite3_value **args) {
  const store_facet_query_t *fq = sqlite3_value_pointer(args[1], STORE_FACETS_PTR);
  sqlite3_result_int(ctx, fq && store_facets_keep(fq, sqlite3_value_int64(args[0])));
}

static void key_fn(sqlite3_context *ctx, int nargs, sqlite3_value **args) {
  const store_facet_query_t *fq = sqlite3_value_pointer(args[1], STORE_FACETS_PTR);
  if (!fq) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_int64(ctx, store_facets_key(fq, sqlite3_value_int64(args[0])));
}

int store_search_register(sqlite3 *db) {
  static const int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
  int rc = sqlite3_create_function(db, "relais_keep", 2, flags, NULL, keep_fn, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "relais_key", 2, flags, NULL, key_fn, NULL, NULL);
  if (rc != SQLITE_OK) return rc;
  fts5_api *fts = NULL;
  sqlite3_stmt *st = NULL;
  rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    rc = sqlite3_finalize(st);
  }
  if (rc != SQLITE_OK) return rc;
  if (!fts || fts->iVersion < 2) return SQLITE_ERROR;
  rc = fts->xCreateFunction(fts, "relais_rank", NULL, rank_fn, NULL);
  if (rc == SQLITE_OK) rc = store_tokenizer_register(fts);
  return rc;
}
