/* The retraining job of relais serve, run by the server's job runner.
 *
 * Its trigger looks at the schedule (setting "triage.retrain_hours",
 * default 24, measured from the newest model) and at the corrections agents
 * made since that model (setting "triage.retrain_after", default 50
 * accept/override decisions). When one fires — or an admin asks for a run —
 * it trains every configured field on its own connection; a new model
 * replaces the active one only if it is not worse (triage_train_field), and
 * the new set is installed atomically in the server's holder. Requests
 * never wait for it: they keep using the set they hold. */
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

typedef struct {
  store_t *db;                  /* used by the runner's thread only */
  triage_holder_t *holder;      /* borrowed: the server's */
  int64_t last_missing_try;     /* when an untrained field last forced a run */
} retrain_t;

static int newest_model(const store_model_t *m, void *arg) {
  int64_t *t = arg;
  if (m->created_at > *t) *t = m->created_at;
  return 0;
}

/* The trigger: 1 when the schedule or the corrections call for a run, or a
 * configured field has no usable model (at once, then at most hourly while
 * it lacks labels); else 0 with the figures in msg. */
static int retrain_due(void *arg, char *msg, size_t len) {
  retrain_t *w = arg;
  store_t *s = w->db;
  int64_t last = 0, now = util_now();
  if (store_model_each(s, 0, 0, newest_model, &last)) {
    snprintf(msg, len, "cannot read the models: %s", store_errmsg(s));
    return UTIL_E_DB;
  }
  int64_t hours = store_setting_int(s, "triage.retrain_hours", 24);
  int64_t after = store_setting_int(s, "triage.retrain_after", 50);
  int64_t fixes = store_feedback_count_since(s, last);
  int due = (hours > 0 && now - last >= hours * 3600) || (after > 0 && fixes >= after);
  if (!due && now - w->last_missing_try >= 3600) {
    int conf[TRIAGE_MAX_FIELDS], nconf = triage_configured_fields(s, conf);
    triage_set_t *cur = triage_holder_get(w->holder);
    for (int i = 0; i < nconf && !due; i++) due = !triage_set_model(cur, conf[i], NULL, NULL);
    triage_set_unref(&cur);
    if (due) w->last_missing_try = now;
  }
  if (!due)
    snprintf(msg, len, "newest model %lld h old (retrain after %lld h), %lld of %lld corrections",
             (long long)((now - last) / 3600), (long long)hours, (long long)fixes,
             (long long)after);
  return due;
}

static void retrain_note(char *msg, size_t len, const char *fmt, const char *a, const char *b) {
  size_t n = strlen(msg);
  if (n < len) snprintf(msg + n, len - n, fmt, n ? "; " : "", a, b);
}

/* Trains every configured field, then installs the new set. Fails with the
 * first error (a field that merely lacks labels is not one); stops between
 * fields when the runner stops. */
static int retrain_run(void *arg, const jobs_call_t *call, char *msg, size_t len) {
  retrain_t *w = arg;
  store_t *s = w->db;
  int conf[TRIAGE_MAX_FIELDS], nconf = triage_configured_fields(s, conf), rc = 0;
  for (int i = 0; i < nconf && !jobs_stopping(call); i++) {
    const char *f = triage_field_name(conf[i]);
    triage_train_report_t r;
    int e = triage_train_field(s, f, 0, NULL, &r); /* the system */
    if (r.trained) {
      util_log(UTIL_LOG_INFO, "retrained %s v%d on %zu tickets: macro-F1 %.3f against %.3f (%s), %s",
               f, r.version, r.n, r.new_score, r.prev_score,
               r.compared_on ? "tickets the active model had not seen" : "out-of-fold",
               r.activated ? "active" : r.note);
      retrain_note(msg, len, "%s%s %s", f, r.activated ? "activated" : "kept the active model");
    } else {
      util_log(UTIL_LOG_INFO, "%s not retrained: %s", f, r.note);
      retrain_note(msg, len, "%s%s not retrained: %s", f, r.note);
    }
    if (e && !rc) rc = e;
  }
  char err[256];
  int e = triage_holder_reload(w->holder, s, err, sizeof err);
  if (e) {
    util_log(UTIL_LOG_ERROR, "%s", err);
    retrain_note(msg, len, "%s%s%s", err, "");
    if (!rc) rc = e;
  }
  return rc;
}

static void retrain_free(void *arg) {
  retrain_t *w = arg;
  store_close(&w->db);
  free(w);
}

int triage_retrain_register(jobs_runner_t *r, const char *db_path, triage_holder_t *h,
                            int check_seconds) {
  char err[256];
  retrain_t *w = util_xcalloc(1, sizeof *w);
  w->holder = h;
  int rc = store_open(db_path, &w->db, err, sizeof err);
  if (rc) {
    util_log(UTIL_LOG_ERROR, "retraining job: %s", err);
    goto out;
  }
  jobs_spec_t spec = {
      .name = "retrain",
      .description = "Retrains the triage models when the newest is older than "
                     "triage.retrain_hours, after triage.retrain_after corrections, or when a "
                     "configured field has no model; a new model is activated only if it is "
                     "not worse than the active one.",
      .period = check_seconds > 0 ? check_seconds : 300,
      .trigger = retrain_due,
      .run = retrain_run,
      .arg = w,
      .free_arg = retrain_free,
  };
  rc = jobs_register(r, &spec);
  if (rc) util_log(UTIL_LOG_ERROR, "retraining job: %s", util_err_message(rc));
out:
  if (rc) retrain_free(w);
  return rc;
}
