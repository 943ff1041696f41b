/* api — the resources of Relais (tickets, comments, history, users, groups,
 * sign-in, health, metrics, the embedded web UI) behind one transport-neutral
 * entry point. The http module feeds it requests; the CLI uses its account
 * helpers. Every handler authorises by role before touching data. */
#ifndef RELAIS_API_H
#define RELAIS_API_H

#include <stddef.h>
#include <stdint.h>

#include "../jobs/jobs.h"
#include "../store/store.h"
#include "../triage/triage.h"
#include "../util/util.h"

/* ---- Start-up ------------------------------------------------------------ */
typedef struct {
  const char *db_path;   /* borrowed for the life of the server */
  int session_hours;     /* session lifetime; 0 → 12 */
  int secure_cookies;    /* 1: the session cookie is always marked Secure
                          * (served behind TLS); otherwise only when the
                          * request says it came over HTTPS */
  int check_db;          /* 1: PRAGMA quick_check before serving; a damaged
                          * file makes api_init fail */
  int64_t max_db_bytes;  /* the database's size cap for the API's writes
                          * (507 past it, as on a full disk); 0: none */
} api_config_t;

/* The server's context: the configuration, the per-thread database
 * connections, the holder of the current triage models, the job runner,
 * the sign-in throttle and the metrics counters. The api module keeps no
 * other state; everything below reaches it through the context.
 *
 * api_init initialises libsodium, checks that the database opens and
 * migrates, loads the active models, starts the WAL checkpointer and
 * creates an empty job runner (the caller registers jobs and starts it).
 * Returns 0 and an owned context in *out (free with api_free), or an error
 * with a message in errbuf. */
typedef struct api_ctx api_ctx_t;
int api_init(const api_config_t *cfg, api_ctx_t **out, char *errbuf, size_t errlen);
/* Stops the job runner (a running job is told to stop and finishes), the
 * checkpointer, closes every per-thread connection and frees the context.
 * Call after the transport has stopped all its threads. */
void api_free(api_ctx_t **ctx);
/* Borrowed from the context, for the owner to register work and jobs. */
triage_holder_t *api_triage_holder(api_ctx_t *ctx);
jobs_runner_t *api_jobs(api_ctx_t *ctx);
/* Registers the job that keeps the search facets up to date (see
 * store_search_prepare) and asks for its first run at once. */
int api_search_job_register(jobs_runner_t *r, const char *db_path);
/* Registers the job "quality" (src/api/quality.c) on its own connection to
 * db_path: each configured triage field's data-quality report, made when
 * it has none or its newest is a day old. Returns 0 or an error. */
int api_quality_job_register(jobs_runner_t *r, const char *db_path);
/* The "ranker" job: fits the similar-ticket ranker when new signals came. */
int api_ranker_job_register(jobs_runner_t *r, const char *db_path, triage_holder_t *h);

/* ---- One request ---------------------------------------------------------- */
typedef struct {
  const char *method;        /* "GET", … */
  const char *path;          /* without the query string */
  /* Looks up a decoded query parameter; NULL if absent. */
  const char *(*query)(void *ctx, const char *key);
  /* The first query parameter whose name is not in known (NULL-terminated),
   * or NULL when every one is known. May be NULL: nothing is checked. */
  const char *(*query_unknown)(void *ctx, const char *const *known);
  void *query_ctx;
  const char *body;          /* NUL-terminated; may be NULL */
  size_t body_len;
  int body_too_large;        /* the transport discarded a body over its cap */
  size_t body_cap;           /* that cap, for the error message */
  int body_busy;             /* the transport had no memory left for this large
                                body (see api_body_cap) and discarded it */
  const char *session_cookie;  /* value of the relais_session cookie */
  const char *authorization;   /* Authorization header */
  const char *csrf_token;      /* X-CSRF-Token header */
  int https;                   /* reached over HTTPS (X-Forwarded-Proto from a proxy) */
  const char *content_type;    /* Content-Type header; may be NULL */
  const char *if_match;        /* If-Match header; may be NULL */
  const char *if_none_match;   /* If-None-Match header; may be NULL */
  const char *query_error;     /* what is wrong with the query string (a NUL
                                  byte, a parameter given twice), or NULL */
  const char *client;          /* the client's address ("192.0.2.7", "2001:db8::/64"),
                                  the key of per-client limits; may be NULL */
} api_request_t;

typedef struct {
  int status;
  const char *content_type;  /* static string */
  util_buf_t body;           /* owned by the response */
  const unsigned char *static_body; /* or this, borrowed (embedded assets) */
  size_t static_len;
  char set_cookie[256];      /* "" when none */
  char allow[64];            /* Allow header for 405 */
  int retry_after;           /* seconds, for a Retry-After header; 0: none */
  char etag[32];             /* ETag header (quoted); "" when none */
  int route;                 /* index into the route table, for metrics */
  /* A stored file (a download) instead of body: */
  void *blob;                /* owned bytes (malloc), or NULL; the transport may take them */
  size_t blob_len;
  char type_buf[128];        /* its type, which content_type then points to */
  char disposition[1024];    /* Content-Disposition header; "" when none */
  const char *csp;           /* Content-Security-Policy (static); NULL: the UI's */
  const char *cache_control; /* Cache-Control (static); NULL: no-store, or
                                no-cache for the embedded UI */
} api_response_t;

void api_response_init(api_response_t *r);
void api_response_free(api_response_t *r);

/* Handles one request completely: routing, authentication, authorisation,
 * validation, the work and the reply. Never fails: every error becomes a
 * JSON error reply. */
void api_handle(api_ctx_t *ctx, const api_request_t *req, api_response_t *resp);

/* The most bytes the body of the request whose head is req (method, path,
 * query, credentials; no body yet) may hold, decided before any of it is
 * read: dflt (the transport's --max-body) for every route, except the
 * upload of an attachment by a caller signed in with the role it needs,
 * which takes limits.attachment_mb. An anonymous or refused caller never
 * gets more than dflt buffered. *large (optional) is set to 1 when the
 * cap is the upload's. */
size_t api_body_cap(api_ctx_t *ctx, const api_request_t *req, size_t dflt, int *large);

/* Records a finished request for /metrics. */
void api_metrics_observe(api_ctx_t *ctx, int route, int status, double seconds);

/* ---- Accounts (used by the CLI too) -------------------------------------- */
/* Hashes a password with argon2id. Returns owned in *out; free(). */
int api_password_hash(const char *password, char **out);
/* What is wrong with a new password for the account with this e-mail (one
 * of the most common, or the e-mail itself), as the end of a sentence that
 * names it; NULL when nothing is. Length is the caller's check. */
const char *api_password_problem(const char *password, const char *email);
/* Creates an API token for user_id, valid until expires_at (0: no end),
 * audited as made by who; *id (optional) gets its id, *token the owned
 * secret (shown once, only its hash is stored). */
int api_token_create(store_t *s, int64_t user_id, const char *name, int64_t expires_at,
                     const store_auditor_t *who, int64_t *id, char **token);

/* ---- Embedded web UI (generated by tools/embed.c) ------------------------ */
typedef struct {
  const char *path;           /* "/app.js" */
  const char *mime;
  const unsigned char *data;
  size_t len;
} api_asset_t;

extern const api_asset_t api_assets[]; /* ends with a NULL path */

#endif
