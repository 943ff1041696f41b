/* /api/v1/jobs: the background jobs' status, an admin's "run now", and
 * their /metrics lines. Everything is read from a snapshot of the runner
 * (jobs_snapshot), so a request never waits for a running job. */
#include <string.h>

#include "api_int.h"

/* Unknown (never) times and durations are null. Returns a new reference. */
static json_t *job_json(const jobs_status_t *st) {
  json_t *o = json_object();
  const char *res = jobs_result_name(st->last_result);
  json_object_set_new(o, "name", json_string(st->name));
  json_object_set_new(o, "description", json_string(st->description));
  json_object_set_new(o, "schedule_seconds", json_integer(st->period));
  json_object_set_new(o, "running", json_boolean(st->running));
  json_object_set_new(o, "runs", json_integer((json_int_t)st->runs));
  json_object_set_new(o, "failures", json_integer((json_int_t)st->failures));
  json_object_set_new(o, "consecutive_failures", json_integer(st->consecutive_failures));
  json_object_set_new(o, "last_started_at",
                      st->last_start ? api_time_json(st->last_start) : json_null());
  json_object_set_new(o, "last_duration_ms", st->last_duration_ms >= 0
                                                 ? json_integer(st->last_duration_ms)
                                                 : json_null());
  json_object_set_new(o, "last_result", res ? json_string(res) : json_null());
  /* a message comes from a job's code, but may quote stored text: keep it
   * valid UTF-8 for the JSON encoder */
  int msg = res && st->last_message[0] &&
            util_utf8_valid(st->last_message, strlen(st->last_message), NULL);
  json_object_set_new(o, "last_message", msg ? json_string(st->last_message) : json_null());
  json_object_set_new(o, "next_run_at", api_time_json(st->next_run));
  return o;
}

void api_jobs_list(api_call_t *c) {
  jobs_status_t st[JOBS_MAX];
  size_t n = jobs_snapshot(c->ctx->jobs, st, JOBS_MAX);
  json_t *items = json_array();
  for (size_t i = 0; i < n && i < JOBS_MAX; i++) json_array_append_new(items, job_json(&st[i]));
  api_reply(c, 200, json_pack("{s:o}", "items", items));
}

void api_jobs_run(api_call_t *c) {
  if (c->req->body_len && (api_body_object(c) || api_body_only(c, (const char *const[]){NULL})))
    return;
  int rc = jobs_request(c->ctx->jobs, c->name);
  if (rc == UTIL_E_NOTFOUND) {
    api_error(c, rc, NULL, "no job named '%s'", c->name);
    return;
  }
  if (rc == UTIL_E_CONFLICT) {
    api_error(c, rc, NULL, "job '%s' is running or already asked to run", c->name);
    return;
  }
  if (!rc && api_audit(c, "job.run", "job", 0, c->name, NULL))
    util_log(UTIL_LOG_ERROR, "cannot write the audit row of job %s: %s", c->name,
             store_errmsg(c->db));
  jobs_status_t st;
  if (rc || (rc = jobs_status(c->ctx->jobs, c->name, &st))) {
    api_error(c, rc, NULL, "cannot ask job '%s' to run", c->name);
    return;
  }
  api_reply(c, 202, job_json(&st));
}

/* The value of metric family f (the order of jobs_families) for one job. */
static double job_metric(int f, const jobs_status_t *s) {
  switch (f) {
  case 0: return (double)s->runs;
  case 1: return (double)s->failures;
  case 2: return s->consecutive_failures;
  case 3: return s->running;
  case 4: return s->last_duration_ms >= 0 ? (double)s->last_duration_ms / 1000.0 : 0;
  case 5: return (double)s->last_success;
  default: return (double)s->next_run;
  }
}

static const struct {
  const char *name, *type, *help;
} jobs_families[] = {
    {"relais_job_runs_total", "counter", "Runs of a background job (ok or failed)."},
    {"relais_job_failures_total", "counter", "Failed runs and failed triggers of a job."},
    {"relais_job_consecutive_failures", "gauge", "Failures in a row; 0 after a success."},
    {"relais_job_running", "gauge", "1 while the job runs."},
    {"relais_job_last_duration_seconds", "gauge", "Duration of the job's last turn."},
    {"relais_job_last_success_timestamp_seconds", "gauge",
     "Start of the job's last successful run (0: never)."},
    {"relais_job_next_run_timestamp_seconds", "gauge", "When the job comes due next."},
};

void api_jobs_metrics(api_ctx_t *ctx, util_buf_t *b) {
  jobs_status_t st[JOBS_MAX];
  size_t n = jobs_snapshot(ctx->jobs, st, JOBS_MAX);
  if (n > JOBS_MAX) n = JOBS_MAX;
  for (int f = 0; f < (int)(sizeof jobs_families / sizeof jobs_families[0]); f++) {
    const char *name = jobs_families[f].name;
    util_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, jobs_families[f].help, name,
                    jobs_families[f].type);
    for (size_t i = 0; i < n; i++)
      util_buf_printf(b, "%s{job=\"%s\"} %.15g\n", name, st[i].name, job_metric(f, &st[i]));
  }
}

/* ---- The search facets job -------------------------------------------- */

static int facets_run(void *arg, const jobs_call_t *call, char *msg, size_t msglen) {
  (void)call;
  size_t n = 0;
  int rc = store_search_prepare(arg, &n);
  if (rc) snprintf(msg, msglen, "the facets cannot serve searches: they read the tables");
  else snprintf(msg, msglen, "%zu tickets in memory for search", n);
  return rc;
}

static void facets_free(void *arg) {
  store_t *s = arg;
  store_close(&s);
}

int api_search_job_register(jobs_runner_t *r, const char *db_path) {
  char err[256];
  store_t *s = NULL;
  int rc = store_open(db_path, &s, err, sizeof err);
  if (rc) {
    util_log(UTIL_LOG_ERROR, "search facets job: %s", err);
    return rc;
  }
  jobs_spec_t spec = {
      .name = "search_facets",
      .description = "Brings what searches keep in memory of every ticket (length, filtered "
                     "columns, sort keys) up to date with the latest writes; a search does it "
                     "too when it finds them behind.",
      .period = 60,
      .run = facets_run,
      .arg = s,
      .free_arg = facets_free,
  };
  rc = jobs_register(r, &spec);
  if (rc) {
    util_log(UTIL_LOG_ERROR, "search facets job: %s", util_err_message(rc));
    store_close(&s);
    return rc;
  }
  return jobs_request(r, "search_facets"); /* the first now, not in a minute */
}
