/* A field's model versions over the API: an admin activates an older or a
 * newer version (a roll-back or a promotion) and the server predicts with
 * it at once; the desk reads how people received the field's predictions
 * over time (the override trend). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../triage/triage.h"
#include "api_int.h"

#define DAY_SECONDS 86400

/* The triage field named by the path, or -1 after replying 404. */
static int versions_field(api_call_t *c) {
  int fi = triage_field_index(c->name);
  if (fi < 0)
    api_error(c, UTIL_E_NOTFOUND, NULL, "no triage field '%s' (category, group, urgency,"
              " service, ci)", c->name);
  return fi;
}

/* The model bytes of m load: a version stored by an older format cannot
 * serve, so it is refused before it replaces a working one. Replies 409. */
static int versions_loadable(api_call_t *c, const store_model_t *m) {
  ml_model_t *ml = NULL;
  char why[160];
  int rc = ml_model_load(m->data, m->len, &ml, why, sizeof why);
  ml_model_free(&ml);
  if (rc)
    api_error(c, UTIL_E_CONFLICT, "version", "version %d of the %s model cannot be loaded (%s);"
              " train a new one instead", m->version, m->field, why);
  return rc;
}

/* PUT /api/v1/models/{field}/active {"version": N}: makes version N the
 * field's active model, audited as model.activate (with the version it
 * replaced) in the same transaction, and installs the new set of models
 * before replying, so that the next prediction uses it. Activating the
 * version already active changes nothing and writes no audit row. */
void api_models_activate(api_call_t *c) {
  static const char *const allowed[] = {"version", NULL};
  int64_t version = 0;
  int present = 0;
  if (versions_field(c) < 0) return;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_int(c, "version", 1, INT_MAX, 0, &version, &present, NULL))
    return;
  if (!present) {
    api_error(c, UTIL_E_INVALID, "version", "'version' is required (a version number of the"
              " %s model)", c->name);
    return;
  }
  store_model_t m;
  int rc = store_model_get(c->db, c->name, (int)version, 1, &m);
  if (rc == UTIL_E_NOTFOUND) {
    api_error(c, rc, "version", "the %s model has no version %lld", c->name, (long long)version);
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot read the %s model", c->name);
    return;
  }
  int changed = !m.active;
  if (changed && versions_loadable(c, &m)) goto out;
  if (changed) {
    store_auditor_t who = api_auditor(c);
    rc = store_begin(c->db);
    if (!rc) rc = store_model_activate(c->db, m.id, &who);
    rc = api_txn_end(c, rc);
    if (rc) {
      api_error(c, rc, NULL, "cannot activate version %d of the %s model", m.version, c->name);
      goto out;
    }
    char err[256];
    if (triage_holder_reload(c->ctx->triage, c->db, err, sizeof err)) {
      util_log(UTIL_LOG_ERROR, "%s", err);
      api_error(c, UTIL_E_INTERNAL, NULL, "version %d is active but the server could not load"
                " it: %s", m.version, err);
      goto out;
    }
  }
  api_reply(c, 200, json_pack("{s:s, s:i, s:b, s:b}", "field", c->name, "version", m.version,
                              "active", 1, "changed", changed));
out:
  store_model_clear(&m);
}

/* The start of the period holding t: midnight UTC, or for weeks the
 * Monday's (1970-01-01, day 0, was a Thursday). */
static int64_t versions_period_start(int64_t t, int weekly) {
  int64_t day = t / DAY_SECONDS;
  if (weekly) day -= (day + 3) % 7;
  return day * DAY_SECONDS;
}

/* GET /api/v1/models/{field}/trend?bucket=day|week&periods=N: the last N
 * periods (the current one included, oldest first; default 12 weeks or 30
 * days), each with the predictions of field on the tickets created in it
 * by what became of them. Periods without tickets are listed with zeros. */
void api_models_trend(api_call_t *c) {
  if (versions_field(c) < 0) return;
  const char *bucket = api_arg(c, "bucket");
  if (bucket && strcmp(bucket, "day") != 0 && strcmp(bucket, "week") != 0) {
    api_error(c, UTIL_E_INVALID, "bucket", "'bucket' must be day or week");
    return;
  }
  int weekly = !bucket || strcmp(bucket, "week") == 0;
  int64_t periods = weekly ? 12 : 30;
  if (api_arg_int(c, "periods", 1, weekly ? 104 : 366, &periods, NULL)) return;
  int64_t len = weekly ? 7 * DAY_SECONDS : DAY_SECONDS;
  int64_t from = versions_period_start(util_now(), weekly) - (periods - 1) * len;
  store_trend_t *rows = util_xcalloc((size_t)periods, sizeof *rows);
  int rc = store_pred_trend(c->db, c->name, from, len, (int)periods, rows);
  if (rc) {
    free(rows);
    api_error(c, rc, NULL, "cannot count the %s predictions", c->name);
    return;
  }
  json_t *items = json_array();
  for (int64_t i = 0; i < periods; i++)
    json_array_append_new(items, json_pack("{s:o, s:I, s:I, s:I, s:I}", "start",
                                           api_time_json(rows[i].start), "applied",
                                           (json_int_t)rows[i].applied, "suggested",
                                           (json_int_t)rows[i].suggested, "accepted",
                                           (json_int_t)rows[i].accepted, "overridden",
                                           (json_int_t)rows[i].overridden));
  free(rows);
  api_reply(c, 200, json_pack("{s:s, s:s, s:o}", "field", c->name, "bucket",
                              weekly ? "week" : "day", "items", items));
}
