/* The retraining worker of relais serve.
 *
 * Every check it looks at two triggers: the schedule (setting
 * "triage.retrain_hours", default 24, measured from the newest model) and
 * the corrections agents made since that model (setting
 * "triage.retrain_after", default 50 accept/override decisions). When one
 * fires it trains every configured field on its own connection; a new
 * model replaces the active one only if its out-of-fold macro-F1 is not
 * worse (triage_train_field), and the new set is installed atomically.
 * Requests never wait for it: they keep using the set they hold. */
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

static struct {
  util_ticker_t *ticker;
  store_t *db;              /* used by the ticker's thread only */
  int64_t last_missing_try;
} wk;

static int newest_model(const store_model_t *m, void *arg) {
  int64_t *t = arg;
  if (m->created_at > *t) *t = m->created_at;
  return 0;
}

/* One check; returns 1 if it retrained. */
static int worker_check(store_t *s) {
  int64_t last = 0, now = util_now();
  store_model_each(s, 0, 0, newest_model, &last);
  int64_t hours = store_setting_int(s, "triage.retrain_hours", 24);
  int64_t after = store_setting_int(s, "triage.retrain_after", 50);
  int64_t fixes = store_feedback_count_since(s, last);
  int due = (hours > 0 && now - last >= hours * 3600) || (after > 0 && fixes >= after);
  int conf[TRIAGE_MAX_FIELDS], nconf = triage_configured_fields(s, conf);
  /* A configured field without a usable model (never trained, or stored in
   * a format this build no longer reads) is trained at once, then retried
   * at most hourly while it lacks labels. */
  if (!due && now - wk.last_missing_try >= 3600) {
    triage_set_t *cur = triage_current();
    for (int i = 0; i < nconf && !due; i++) due = !triage_set_model(cur, conf[i], NULL, NULL);
    triage_set_unref(&cur);
    if (due) wk.last_missing_try = now;
  }
  if (!due) return 0;
  for (int i = 0; i < nconf; i++) {
    const char *f = triage_field_name(conf[i]);
    triage_train_report_t r;
    triage_train_field(s, f, 0, &r);
    if (r.trained)
      util_log(UTIL_LOG_INFO, "retrained %s v%d on %zu tickets: macro-F1 %.3f against %.3f (%s), %s",
               f, r.version, r.n, r.new_score, r.prev_score,
               r.compared_on ? "tickets the active model had not seen" : "out-of-fold",
               r.activated ? "active" : r.note);
    else
      util_log(UTIL_LOG_INFO, "%s not retrained: %s", f, r.note);
  }
  char err[256];
  if (triage_reload(s, err, sizeof err)) util_log(UTIL_LOG_ERROR, "%s", err);
  return 1;
}

static void worker_tick(void *arg) { worker_check(arg); }

int triage_worker_start(const char *db_path, int check_seconds) {
  if (wk.ticker) return 0;
  char err[256];
  if (store_open(db_path, &wk.db, err, sizeof err)) {
    util_log(UTIL_LOG_ERROR, "retraining worker: %s", err);
    return UTIL_E_IO;
  }
  wk.ticker = util_ticker_start(worker_tick, wk.db, (check_seconds > 0 ? check_seconds : 300) * 1000);
  if (!wk.ticker) {
    store_close(&wk.db);
    return UTIL_E_INTERNAL;
  }
  return 0;
}

void triage_worker_stop(void) {
  util_ticker_stop(&wk.ticker); /* a training in progress finishes first */
  store_close(&wk.db);
}
