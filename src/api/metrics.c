/* /healthz and /metrics (Prometheus text format 0.0.4): requests by route
 * and status, a latency histogram per route, tickets by status, triage
 * predictions by field and state, the active models, the background jobs.
 * Counters are atomics so that recording never takes a lock on the request
 * path. */
#include <stdatomic.h>
#include <string.h>

#include "api_int.h"

/* Constant tables; the counters are in the server's context (api_metrics_t). */
static const int metrics_codes[API_METRICS_NCODES] = {200, 201, 202, 204, 400, 401, 403,
                                                      404, 405, 409, 413, 500, 503};
#define METRICS_NCODES API_METRICS_NCODES
static const double metrics_bounds[API_METRICS_NB] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define METRICS_NB API_METRICS_NB
#define METRICS_ROUTES API_METRICS_ROUTES

void api_metrics_observe(api_ctx_t *ctx, int route, int status, double seconds) {
  api_metrics_t *m = &ctx->metrics;
  if (route < 0 || route >= METRICS_ROUTES || route > api_nroutes + 1) return;
  int ci = METRICS_NCODES;
  for (int i = 0; i < METRICS_NCODES; i++)
    if (metrics_codes[i] == status) ci = i;
  atomic_fetch_add_explicit(&m->count[route][ci], 1, memory_order_relaxed);
  int b = 0;
  while (b < METRICS_NB && seconds > metrics_bounds[b]) b++;
  atomic_fetch_add_explicit(&m->hist[route][b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&m->sum_us[route],
                            (unsigned long long)(seconds * 1e6), memory_order_relaxed);
}

/* Ready while the database takes writes: a load balancer sends no one to
 * a server whose disk is full or whose file went read-only or bad. */
void api_health(api_call_t *c) {
  char why[200];
  if (store_write_health(why, sizeof why)) {
    api_reply(c, 503, json_pack("{s:s, s:s, s:i}", "status", "not_ready", "reason", why,
                                "schema_version", store_schema_version(c->db)));
    return;
  }
  api_reply(c, 200, json_pack("{s:s, s:i}", "status", "ok", "schema_version",
                              store_schema_version(c->db)));
}

static void metrics_route_label(int r, char *out, size_t n) {
  if (r == API_ROUTE_STATIC) snprintf(out, n, "static");
  else if (r == API_ROUTE_NOTFOUND) snprintf(out, n, "unmatched");
  else snprintf(out, n, "%s %s", api_routes[r].method, api_routes[r].pattern);
}

static void metrics_status_line(const char *status, int64_t n, void *arg) {
  util_buf_printf(arg, "relais_tickets{status=\"%s\"} %lld\n", status, (long long)n);
}

static void metrics_pred_line(const char *field, const char *state, int64_t n, void *arg) {
  util_buf_printf(arg, "relais_triage_predictions{field=\"%s\",state=\"%s\"} %lld\n", field,
                  state, (long long)n);
}

/* The active model of each field: its version and out-of-fold macro-F1. */
static int metrics_model_line(const store_model_t *m, void *arg) {
  json_t *j = json_loads(m->metrics, 0, NULL);
  json_t *f = j ? json_object_get(j, "macro_f1") : NULL;
  util_buf_printf(arg, "relais_triage_model_version{field=\"%s\"} %d\n", m->field, m->version);
  if (json_is_number(f))
    util_buf_printf(arg, "relais_triage_model_macro_f1{field=\"%s\"} %.4f\n", m->field,
                    json_number_value(f));
  json_decref(j);
  return 0;
}

void api_metrics(api_call_t *c) {
  api_metrics_t *m = &c->ctx->metrics;
  util_buf_t *b = &c->resp->body;
  util_buf_reset(b);
  util_buf_puts(b, "# HELP relais_http_requests_total HTTP requests by route and status.\n"
                   "# TYPE relais_http_requests_total counter\n");
  char label[96];
  for (int r = 0; r <= api_nroutes + 1; r++) {
    metrics_route_label(r, label, sizeof label);
    for (int i = 0; i <= METRICS_NCODES; i++) {
      unsigned long n = atomic_load_explicit(&m->count[r][i], memory_order_relaxed);
      if (!n) continue;
      if (i < METRICS_NCODES)
        util_buf_printf(b, "relais_http_requests_total{route=\"%s\",status=\"%d\"} %lu\n",
                        label, metrics_codes[i], n);
      else
        util_buf_printf(b, "relais_http_requests_total{route=\"%s\",status=\"other\"} %lu\n",
                        label, n);
    }
  }
  util_buf_puts(b, "# HELP relais_http_request_duration_seconds Time to handle a request.\n"
                   "# TYPE relais_http_request_duration_seconds histogram\n");
  for (int r = 0; r <= api_nroutes + 1; r++) {
    unsigned long total = 0;
    for (int i = 0; i <= METRICS_NB; i++) total += atomic_load(&m->hist[r][i]);
    if (!total) continue;
    metrics_route_label(r, label, sizeof label);
    unsigned long cum = 0;
    for (int i = 0; i <= METRICS_NB; i++) {
      cum += atomic_load(&m->hist[r][i]);
      if (i < METRICS_NB)
        util_buf_printf(b, "relais_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
                        label, metrics_bounds[i], cum);
      else
        util_buf_printf(b, "relais_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n",
                        label, cum);
    }
    util_buf_printf(b, "relais_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", label,
                    (double)atomic_load(&m->sum_us[r]) / 1e6);
    util_buf_printf(b, "relais_http_request_duration_seconds_count{route=\"%s\"} %lu\n", label,
                    cum);
  }
  util_buf_puts(b, "# HELP relais_tickets Tickets by status.\n# TYPE relais_tickets gauge\n");
  int rc = store_ticket_count_by_status(c->db, metrics_status_line, b);
  if (!rc) {
    /* the share of overridden predictions is the first sign a model drifts */
    util_buf_puts(b, "# HELP relais_triage_predictions Stored triage predictions by field and"
                     " state (applied, suggested, accepted, overridden).\n"
                     "# TYPE relais_triage_predictions gauge\n");
    rc = store_pred_count_by_state(c->db, metrics_pred_line, b);
  }
  if (!rc) {
    util_buf_puts(b, "# HELP relais_triage_model_version Version of the active model of a field.\n"
                     "# TYPE relais_triage_model_version gauge\n"
                     "# HELP relais_triage_model_macro_f1 Out-of-fold macro-F1 of that model.\n"
                     "# TYPE relais_triage_model_macro_f1 gauge\n");
    rc = store_model_each(c->db, 1, 0, metrics_model_line, b);
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot count tickets and predictions");
    return;
  }
  api_jobs_metrics(c->ctx, b);
  /* the appends above are not checked one by one: the buffer's sticky
   * error says whether any of them failed, and a cut text is never sent */
  if (util_buf_error(b)) {
    api_error(c, util_buf_error(b), NULL, "the metrics do not fit in a reply");
    return;
  }
  c->resp->status = 200;
  c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
