/* The route table, the server's context (per-thread database connections,
 * models, jobs), and the dispatch of one request: match the route,
 * authenticate, authorise, run the handler. The only statics are constant
 * tables. */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../triage/triage.h"
#include "api_int.h"

/* Generated-table style: one row per endpoint, read top to bottom. */
static const char *const list_args[] = {
    "q", "status", "category", "group_id", "assignee_id", "requester_id", "priority",
    "created_from", "created_to", "sla", "awaiting", "sort", "limit", "cursor", NULL};

static const char *const user_list_args[] = {"role", "q", "active", "limit", "cursor", NULL};
static const char *const page_args[] = {"limit", "cursor", NULL};
static const char *const catalog_args[] = {"q", "active", "limit", "cursor", NULL};
static const char *const quality_args[] = {"field", "kind", "limit", "offset", NULL};
static const char *const token_args[] = {"user_id", NULL};
static const char *const trend_args[] = {"bucket", "periods", NULL};
static const char *const audit_args[] = {"actor_id", "action", "target_type", "target_id",
                                         "from", "to", "limit", "cursor", NULL};
static const char *const upload_args[] = {"filename", "comment_id", NULL};
static const char *const download_args[] = {"inline", NULL};
static const char *const kb_args[] = {"q", "state", "lang", "public", "category", "service", "ci",
                                      "limit", "cursor", NULL};
static const char *const diff_args[] = {"from", "to", NULL};
static const char *const suggest_args[] = {"text", "limit", NULL};
static const char *const similar_args[] = {"limit", "status", "words", NULL};
static const char *const similar_text_args[] = {"text", "limit", "status", "words", NULL};

const api_route_t api_routes[] = {
    {"GET", "/healthz", api_health, STORE_ROLE_NONE, NULL},
    {"GET", "/metrics", api_metrics, STORE_ROLE_ADMIN, NULL},
    {"POST", "/api/v1/auth/login", api_auth_login, STORE_ROLE_NONE, NULL},
    {"POST", "/api/v1/auth/logout", api_auth_logout, STORE_ROLE_REQUESTER, NULL},
    {"GET", "/api/v1/auth/me", api_auth_me, STORE_ROLE_REQUESTER, NULL},
    {"POST", "/api/v1/auth/password", api_auth_password, STORE_ROLE_REQUESTER, NULL},
    {"GET", "/api/v1/tokens", api_tokens_list, STORE_ROLE_AGENT, token_args},
    {"POST", "/api/v1/tokens", api_tokens_create, STORE_ROLE_AGENT, NULL},
    {"DELETE", "/api/v1/tokens/{id}", api_tokens_delete, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets", api_tickets_list, STORE_ROLE_REQUESTER, list_args},
    {"POST", "/api/v1/tickets", api_tickets_create, STORE_ROLE_REQUESTER, NULL},
    {"POST", "/api/v1/tickets/bulk", api_tickets_bulk, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets/{id}", api_tickets_get, STORE_ROLE_REQUESTER, NULL},
    {"PATCH", "/api/v1/tickets/{id}", api_tickets_patch, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/confirm", api_tickets_confirm, STORE_ROLE_REQUESTER, NULL},
    {"PUT", "/api/v1/tickets/{id}/rating", api_tickets_rating_put, STORE_ROLE_REQUESTER, NULL},
    {"POST", "/api/v1/tickets/{id}/read", api_tickets_read, STORE_ROLE_REQUESTER, NULL},
    {"GET", "/api/v1/views", api_views_list, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/dashboard", api_dashboard, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/views", api_views_create, STORE_ROLE_AGENT, NULL},
    {"PATCH", "/api/v1/views/{id}", api_views_patch, STORE_ROLE_AGENT, NULL},
    {"DELETE", "/api/v1/views/{id}", api_views_delete, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets/{id}/comments", api_comments_list, STORE_ROLE_REQUESTER, page_args},
    {"POST", "/api/v1/tickets/{id}/comments", api_comments_create, STORE_ROLE_REQUESTER, NULL},
    {"POST", "/api/v1/tickets/{id}/comments/{id}/hide", api_comments_hide, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/comments/{id}/show", api_comments_show, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets/{id}/history", api_history_list, STORE_ROLE_REQUESTER, page_args},
    {"GET", "/api/v1/tickets/{id}/attachments", api_attachments_list, STORE_ROLE_REQUESTER, NULL},
    {"POST", "/api/v1/tickets/{id}/attachments", api_attachments_create, STORE_ROLE_REQUESTER, upload_args},
    {"GET", "/api/v1/tickets/{id}/attachments/{id}", api_attachments_get, STORE_ROLE_REQUESTER, download_args},
    {"POST", "/api/v1/tickets/{id}/attachments/{id}/hide", api_attachments_hide, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/attachments/{id}/show", api_attachments_show, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/users", api_users_list, STORE_ROLE_AGENT, user_list_args},
    {"POST", "/api/v1/users", api_users_create, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/users/{id}", api_users_get, STORE_ROLE_AGENT, NULL},
    {"PATCH", "/api/v1/users/{id}", api_users_patch, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/groups", api_groups_list, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/groups", api_groups_create, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/groups/{id}", api_groups_get, STORE_ROLE_AGENT, NULL},
    {"PATCH", "/api/v1/groups/{id}", api_groups_patch, STORE_ROLE_ADMIN, NULL},
    {"PUT", "/api/v1/groups/{id}/members/{id}", api_groups_member_put, STORE_ROLE_ADMIN, NULL},
    {"DELETE", "/api/v1/groups/{id}/members/{id}", api_groups_member_delete, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/catalog/{name}", api_catalog_list, STORE_ROLE_REQUESTER, catalog_args},
    {"POST", "/api/v1/catalog/{name}", api_catalog_create, STORE_ROLE_ADMIN, NULL},
    {"PATCH", "/api/v1/catalog/{name}/{id}", api_catalog_patch, STORE_ROLE_ADMIN, NULL},
    {"POST", "/api/v1/catalog/{name}/{id}/merge", api_catalog_merge, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/macros", api_macros_list, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/macros", api_macros_create, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/macros/{id}", api_macros_get, STORE_ROLE_AGENT, NULL},
    {"PATCH", "/api/v1/macros/{id}", api_macros_patch, STORE_ROLE_AGENT, NULL},
    {"DELETE", "/api/v1/macros/{id}", api_macros_delete, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets/{id}/macros/{id}/preview", api_macro_preview, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/macros/{id}/apply", api_macro_apply, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/kb/articles", api_kb_list, STORE_ROLE_REQUESTER, kb_args},
    {"POST", "/api/v1/kb/articles", api_kb_create, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/kb/preview", api_kb_preview, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/kb/suggest", api_kb_suggest, STORE_ROLE_REQUESTER, suggest_args},
    {"POST", "/api/v1/kb/articles/{id}/deflect", api_kb_deflect, STORE_ROLE_REQUESTER, NULL},
    {"GET", "/api/v1/kb/articles/{id}", api_kb_get, STORE_ROLE_REQUESTER, NULL},
    {"PATCH", "/api/v1/kb/articles/{id}", api_kb_patch, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/kb/articles/{id}/state", api_kb_state, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/kb/articles/{id}/versions", api_kb_versions, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/kb/articles/{id}/versions/{id}", api_kb_version_get, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/kb/articles/{id}/diff", api_kb_diff, STORE_ROLE_AGENT, diff_args},
    {"POST", "/api/v1/kb/articles/{id}/vote", api_kb_vote, STORE_ROLE_REQUESTER, NULL},
    {"POST", "/api/v1/kb/articles/{id}/view", api_kb_view, STORE_ROLE_REQUESTER, NULL},
    {"POST", "/api/v1/tickets/{id}/kb", api_kb_from_ticket, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets/{id}/links", api_links_list, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/links", api_links_create, STORE_ROLE_AGENT, NULL},
    {"DELETE", "/api/v1/tickets/{id}/links/{id}", api_links_delete, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/merge", api_links_merge, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets/{id}/similar", api_tickets_similar, STORE_ROLE_AGENT, similar_args},
    {"GET", "/api/v1/search/similar", api_search_similar, STORE_ROLE_AGENT, similar_text_args},
    {"POST", "/api/v1/tickets/{id}/similar/{id}/taken", api_similar_taken, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/search/ranker", api_ranker_get, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets/{id}/duplicate", api_duplicate_get, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/duplicate/dismiss", api_duplicate_dismiss, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/search/ranker/train", api_ranker_train, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/templates", api_templates_list, STORE_ROLE_REQUESTER, NULL},
    {"POST", "/api/v1/templates", api_templates_create, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/templates/{id}", api_templates_get, STORE_ROLE_REQUESTER, NULL},
    {"PATCH", "/api/v1/templates/{id}", api_templates_patch, STORE_ROLE_ADMIN, NULL},
    {"DELETE", "/api/v1/templates/{id}", api_templates_delete, STORE_ROLE_ADMIN, NULL},
    {"POST", "/api/v1/triage", api_triage_preview, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/tickets/{id}/suggestions", api_suggestions_list, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/suggestions/{name}/accept", api_suggestions_accept, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/tickets/{id}/suggestions/{name}/override", api_suggestions_override, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/models", api_models_list, STORE_ROLE_AGENT, NULL},
    {"POST", "/api/v1/models/train", api_models_train, STORE_ROLE_ADMIN, NULL},
    {"PUT", "/api/v1/models/{name}/thresholds", api_models_thresholds_put, STORE_ROLE_ADMIN, NULL},
    {"PUT", "/api/v1/models/{name}/active", api_models_activate, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/models/{name}/trend", api_models_trend, STORE_ROLE_AGENT, trend_args},
    {"GET", "/api/v1/quality", api_quality_get, STORE_ROLE_AGENT, quality_args},
    {"POST", "/api/v1/quality/fix", api_quality_fix, STORE_ROLE_AGENT, NULL},
    {"GET", "/api/v1/settings", api_settings_get, STORE_ROLE_ADMIN, NULL},
    {"PUT", "/api/v1/settings", api_settings_put, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/jobs", api_jobs_list, STORE_ROLE_ADMIN, NULL},
    {"GET", "/api/v1/audit", api_audit_list, STORE_ROLE_ADMIN, audit_args},
    {"POST", "/api/v1/jobs/{name}/run", api_jobs_run, STORE_ROLE_ADMIN, NULL},
};
const int api_nroutes = (int)(sizeof api_routes / sizeof api_routes[0]);
_Static_assert(sizeof api_routes / sizeof api_routes[0] + 2 <= API_METRICS_ROUTES,
               "API_METRICS_ROUTES must hold every route, static and unmatched");

/* Whether a route's body is a file's raw bytes (application/octet-stream,
 * of up to limits.attachment_mb: see api_body_cap) rather than JSON: the
 * upload of an attachment, alone. */
static int dispatch_raw_body(const api_route_t *r) { return r->handler == api_attachments_create; }

/* ---- The context ------------------------------------------------------------
 * Each transport thread opens its own connection on first use (SQLite
 * connections are not shared between threads) and finds it again through
 * the context's thread key; the registry closes them all in api_free. */
static store_t *api_db(api_ctx_t *x) {
  store_t *s = pthread_getspecific(x->tl_db);
  if (s) return s;
  char err[256];
  if (store_open(x->cfg.db_path, &s, err, sizeof err)) {
    util_log(UTIL_LOG_ERROR, "%s", err);
    return NULL;
  }
  store_set_autocheckpoint(s, 0); /* the checkpointer thread does it */
  store_set_max_bytes(s, x->cfg.max_db_bytes);
  pthread_mutex_lock(&x->reg_mu);
  x->reg = util_xrealloc(x->reg, (x->nreg + 1) * sizeof(store_t *));
  x->reg[x->nreg++] = s;
  pthread_mutex_unlock(&x->reg_mu);
  pthread_setspecific(x->tl_db, s);
  return s;
}

int api_init(const api_config_t *cfg, api_ctx_t **out, char *errbuf, size_t errlen) {
  *out = NULL;
  if (sodium_init() < 0) {
    snprintf(errbuf, errlen, "libsodium failed to initialise");
    return UTIL_E_INTERNAL;
  }
  api_ctx_t *x = util_xcalloc(1, sizeof *x);
  x->cfg = *cfg;
  if (x->cfg.session_hours <= 0) x->cfg.session_hours = 12;
  if (pthread_key_create(&x->tl_db, NULL)) {
    free(x);
    snprintf(errbuf, errlen, "cannot create a thread key");
    return UTIL_E_INTERNAL;
  }
  pthread_mutex_init(&x->reg_mu, NULL);
  x->signin_accounts = api_throttle_new(API_THROTTLE_KEYS, 8192);
  x->signin_clients = api_throttle_new(API_THROTTLE_KEYS, 8192);
  x->writes = api_throttle_new(API_THROTTLE_KEYS, 8192);
  x->triage = triage_holder_new();
  x->jobs = jobs_runner_new();
  store_t *s = NULL;
  int rc = store_open(cfg->db_path, &s, errbuf, errlen);
  if (!rc && cfg->check_db) {
    char why[256];
    double t0 = util_monotonic();
    rc = store_quick_check(s, why, sizeof why);
    if (rc)
      snprintf(errbuf, errlen,
               "%s is damaged (SQLite's quick_check: %s): not serving it; restore the latest"
               " backup, or try the sqlite3 shell's .recover on a copy",
               cfg->db_path, why);
    else
      util_log(UTIL_LOG_INFO, "database checked in %.1f s", util_monotonic() - t0);
  }
  if (!rc) rc = triage_holder_reload(x->triage, s, errbuf, errlen); /* the active models, if any */
  store_close(&s);
  if (!rc && store_checkpointer_start(cfg->db_path, 200, &x->ckpt)) {
    snprintf(errbuf, errlen, "cannot start the checkpoint thread");
    rc = UTIL_E_INTERNAL;
  }
  if (rc) {
    api_free(&x);
    return rc;
  }
  *out = x;
  return 0;
}

void api_free(api_ctx_t **xp) {
  api_ctx_t *x = *xp;
  if (!x) return;
  jobs_runner_free(&x->jobs); /* before the models it installs into go */
  store_checkpointer_stop(&x->ckpt);
  pthread_mutex_lock(&x->reg_mu);
  for (size_t i = 0; i < x->nreg; i++) store_close(&x->reg[i]);
  free(x->reg);
  pthread_mutex_unlock(&x->reg_mu);
  pthread_key_delete(x->tl_db);
  pthread_mutex_destroy(&x->reg_mu);
  api_throttle_free(&x->signin_accounts);
  api_throttle_free(&x->signin_clients);
  api_throttle_free(&x->writes);
  triage_holder_free(&x->triage);
  free(x);
  *xp = NULL;
}

triage_holder_t *api_triage_holder(api_ctx_t *ctx) { return ctx->triage; }
jobs_runner_t *api_jobs(api_ctx_t *ctx) { return ctx->jobs; }

/* ---- Responses ------------------------------------------------------------ */
void api_response_init(api_response_t *r) {
  memset(r, 0, sizeof *r);
  r->status = 500;
  r->content_type = "application/json";
  util_buf_init(&r->body, (size_t)64 << 20);
  r->route = -1;
}

void api_response_free(api_response_t *r) {
  util_buf_free(&r->body);
  free(r->blob);
  r->blob = NULL;
}

/* ---- Matching ----------------------------------------------------------------
 * Returns 1 if path matches pattern, filling ids with the {id} segments and
 * name with the {name} segment. */
static int dispatch_match(const char *pattern, const char *path, int64_t ids[2],
                          char name[33]) {
  int nid = 0;
  while (*pattern && *path) {
    if (strncmp(pattern, "{name}", 6) == 0) {
      size_t n = 0;
      while (((path[n] >= 'a' && path[n] <= 'z') || path[n] == '_') && n < 32) n++;
      if (!n || (path[n] && path[n] != '/')) return 0;
      memcpy(name, path, n);
      name[n] = '\0';
      pattern += 6;
      path += n;
      continue;
    }
    if (strncmp(pattern, "{id}", 4) == 0) {
      char *end;
      if (*path < '1' || *path > '9') return 0;
      errno = 0;
      long long v = strtoll(path, &end, 10);
      if (v <= 0 || errno == ERANGE || (*end && *end != '/') || nid >= 2) return 0;
      ids[nid++] = v;
      pattern += 4;
      path = end;
      continue;
    }
    if (*pattern++ != *path++) return 0;
  }
  return *pattern == '\0' && *path == '\0';
}

static int dispatch_static(const api_request_t *req, api_response_t *resp) {
  const char *p = req->path;
  if (strcmp(p, "/") == 0) p = "/index.html";
  for (const api_asset_t *a = api_assets; a->path; a++) {
    if (strcmp(a->path, p) != 0) continue;
    resp->status = 200;
    resp->content_type = a->mime;
    resp->static_body = a->data;
    resp->static_len = a->len;
    resp->route = API_ROUTE_STATIC;
    return 1;
  }
  return 0;
}

/* A body must say it is JSON (charset and other parameters aside): a form
 * or text/plain body is refused, as a browser may send those across sites
 * without asking. A file's upload (raw) says application/octet-stream
 * instead: its type is read from its bytes, so the header could only
 * mislead. 1 when refused. */
static int dispatch_body_type(api_call_t *c, int raw) {
  const char *ct = c->req->content_type;
  if (!c->req->body_len) return 0;
  const char *want = raw ? "application/octet-stream" : "application/json";
  size_t n = ct ? strcspn(ct, ";") : 0;
  while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t')) n--;
  if (ct && n == strlen(want) && strncasecmp(ct, want, n) == 0) return 0;
  int echo = ct && n && n <= 64 && util_utf8_valid(ct, n, NULL);
  api_error(c, UTIL_E_MEDIATYPE, NULL, "the request body must be sent with Content-Type: %s%s%.*s%s",
            want, echo ? " (not " : ct ? " (not this type)" : " (none was given)",
            echo ? (int)n : 0, echo ? ct : "", echo ? ")" : "");
  return 1;
}

/* Writes by a requester (by account) or by a client not signed in (by
 * address: sign-ins) are limited to limits.writes_per_minute; the desk's
 * own people are not. 1 when refused (429 with Retry-After). */
static int dispatch_write_limited(api_call_t *c) {
  const char *m = c->req->method;
  if (!strcmp(m, "GET") || !strcmp(m, "HEAD") || c->user.role >= STORE_ROLE_AGENT) return 0;
  char key[96];
  if (c->user.role == STORE_ROLE_REQUESTER) snprintf(key, sizeof key, "user:%lld", (long long)c->user.id);
  else snprintf(key, sizeof key, "client:%s", c->req->client ? c->req->client : "");
  int per_minute = (int)store_setting_int(c->db, "limits.writes_per_minute", 60);
  int wait = api_throttle_take(c->ctx->writes, key, per_minute, util_monotonic());
  if (!wait) return 0;
  c->resp->retry_after = wait;
  api_refuse(c, UTIL_E_TOOMANY, NULL, API_WHY(RATE_LIMITED),
             "more than %d changes in a minute; try again in %d s", per_minute, wait);
  return 1;
}

static void dispatch_call_free(api_call_t *c) {
  store_user_clear(&c->user);
  free(c->csrf);
  free(c->session_hash);
  if (c->body) json_decref(c->body);
}

void api_handle(api_ctx_t *ctx, const api_request_t *req, api_response_t *resp) {
  api_call_t c = {.ctx = ctx, .req = req, .resp = resp};
  const api_route_t *route = NULL;
  int path_known = 0;
  resp->route = API_ROUTE_NOTFOUND;
  for (int i = 0; i < api_nroutes; i++) {
    int64_t ids[2] = {0, 0};
    char name[33] = "";
    if (!dispatch_match(api_routes[i].pattern, req->path, ids, name)) continue;
    if (!path_known) resp->allow[0] = '\0';
    path_known = 1;
    size_t n = strlen(resp->allow);
    snprintf(resp->allow + n, sizeof resp->allow - n, "%s%s", n ? ", " : "",
             api_routes[i].method);
    if (strcmp(api_routes[i].method, req->method) == 0) {
      route = &api_routes[i];
      resp->route = i;
      c.id[0] = ids[0];
      c.id[1] = ids[1];
      memcpy(c.name, name, sizeof c.name);
    }
  }
  if (!route) {
    if (!path_known && (strcmp(req->method, "GET") == 0 ||
                        strcmp(req->method, "HEAD") == 0) &&
        dispatch_static(req, resp))
      return;
    if (path_known) api_error(&c, UTIL_E_METHOD, NULL, "%s is not allowed on %s",
                              req->method, req->path);
    else api_error(&c, UTIL_E_NOTFOUND, NULL, "no such resource: %s", req->path);
    return;
  }
  resp->allow[0] = '\0';
  c.db = api_db(ctx);
  if (!c.db) {
    api_error(&c, UTIL_E_DB, NULL, "the database cannot be opened");
    return;
  }
  if (api_auth_resolve(&c)) goto out;
  if (route->min_role != STORE_ROLE_NONE) {
    if (c.user.role == STORE_ROLE_NONE) {
      api_error(&c, UTIL_E_UNAUTH, NULL, "sign in or send an API token");
      goto out;
    }
    if (c.user.role < route->min_role) {
      api_error(&c, UTIL_E_FORBIDDEN, NULL, "this needs the %s role",
                store_role_name(route->min_role));
      goto out;
    }
  }
  /* after the caller is known: an anonymous client learns nothing more */
  int raw = dispatch_raw_body(route);
  if (req->body_busy) {
    resp->retry_after = 5;
    api_error(&c, UTIL_E_BUSY, NULL, "the server is receiving too many files at once; try again"
              " in a few seconds");
    goto out;
  }
  if (req->body_too_large && !raw) { /* an upload's handler says which limit it passed */
    api_error(&c, UTIL_E_TOOBIG, NULL, "request body is larger than %zu bytes",
              req->body_cap);
    goto out;
  }
  if (req->query_error) {
    api_error(&c, UTIL_E_INVALID, NULL, "%s", req->query_error);
    goto out;
  }
  if (!(raw && req->body_too_large) && dispatch_body_type(&c, raw)) goto out;
  if (dispatch_write_limited(&c)) goto out;
  if (req->query_unknown) {
    static const char *const none[] = {NULL};
    const char *const *args = route->args ? route->args : none;
    const char *u = req->query_unknown(req->query_ctx, args);
    if (u) {
      util_buf_t known;
      util_buf_init(&known, 1024);
      for (const char *const *k = args; *k; k++)
        util_buf_printf(&known, "%s%s", known.len ? ", " : "", *k);
      /* the name is echoed only when it is short, valid UTF-8 */
      int echo = strlen(u) <= 64 && util_utf8_valid(u, strlen(u), NULL);
      api_refuse(&c, UTIL_E_INVALID, echo ? u : NULL, API_WHY(UNKNOWN_FIELD),
                 "unknown query parameter %s%s%s (%s%s)", echo ? "'" : "",
                 echo ? u : "(a long or non-UTF-8 name)", echo ? "'" : "",
                 known.len ? "known: " : "this resource takes none",
                 known.len ? util_buf_cstr(&known) : "");
      util_buf_free(&known);
      goto out;
    }
  }
  route->handler(&c);
out:
  dispatch_call_free(&c);
}

int api_role_at_least(const api_call_t *c, store_role_t r) {
  return c->user.role >= r;
}

size_t api_body_cap(api_ctx_t *ctx, const api_request_t *req, size_t dflt, int *large) {
  const api_route_t *route = NULL;
  if (large) *large = 0;
  for (int i = 0; i < api_nroutes && !route; i++) {
    int64_t ids[2] = {0, 0};
    char name[33] = "";
    if (dispatch_raw_body(&api_routes[i]) && strcmp(api_routes[i].method, req->method) == 0 &&
        dispatch_match(api_routes[i].pattern, req->path, ids, name))
      route = &api_routes[i];
  }
  if (!route) return dflt;
  /* who asks, as api_handle will check it again: only a caller who may
   * upload gets the larger buffer */
  api_response_t scratch;
  api_response_init(&scratch);
  api_call_t c = {.ctx = ctx, .req = req, .resp = &scratch, .db = api_db(ctx)};
  size_t cap = dflt;
  if (c.db && !api_auth_resolve(&c) && c.user.role >= route->min_role) {
    cap = (size_t)api_attachment_max(c.db);
    if (large) *large = 1;
  }
  dispatch_call_free(&c);
  api_response_free(&scratch);
  return cap;
}
