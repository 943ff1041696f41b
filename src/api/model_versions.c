/* A field's model versions over the API: an admin activates an older or a
 * newer version (a roll-back or a promotion) and the server predicts with
 * it at once; the desk reads how people received the field's predictions
 * over time (the override trend). */
#include <limits.h>
#include <math.h>
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

/* ---- what people corrected, and drift ------------------------------------------ */

#define TREND_TOP 5            /* classes listed as the most overridden */
#define DRIFT_DAYS 14          /* the recent window compared with training */
#define DRIFT_MIN 30           /* tickets the window needs to say anything */
#define DRIFT_MIX 0.2          /* total variation distance of the label mix that signals */
#define DRIFT_CONF 0.1         /* drop of the mean confidence that signals */

static int add_override(const char *predicted, const char *chosen, int64_t n, void *arg) {
  json_t *list = arg, *it = NULL, *x;
  size_t i;
  json_array_foreach(list, i, x)
    if (strcmp(json_string_value(json_object_get(x, "value")), predicted) == 0) it = x;
  if (!it) {
    if (json_array_size(list) >= TREND_TOP) return 0;
    it = json_pack("{s:s, s:I, s:[]}", "value", predicted, "overrides", (json_int_t)0, "became");
    json_array_append_new(list, it);
  }
  json_object_set_new(it, "overrides", json_integer(json_integer_value(json_object_get(it, "overrides")) + n));
  json_array_append_new(json_object_get(it, "became"), json_pack("{s:s, s:I}", "value", chosen, "count", (json_int_t)n));
  return 0;
}

static int by_overrides(const void *a, const void *b) {
  json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "overrides"));
  json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "overrides"));
  return x > y ? -1 : x < y;
}

/* The classes agents overrode most since from: [{value, overrides,
 * became: [{value, count}]}], the most overridden first. */
static json_t *trend_overrides(api_call_t *c, int64_t from) {
  json_t *list = json_array();
  if (store_overrides_each(c->db, c->name, from, add_override, list)) return list;
  size_t n = json_array_size(list);
  json_t **v = util_xmalloc((n ? n : 1) * sizeof(json_t *));
  for (size_t i = 0; i < n; i++) v[i] = json_incref(json_array_get(list, i));
  qsort(v, n, sizeof(json_t *), by_overrides);
  json_array_clear(list);
  for (size_t i = 0; i < n; i++) json_array_append_new(list, v[i]);
  free(v);
  return list;
}

typedef struct {
  json_t *recent;  /* {value: count} */
  int64_t n;
  double conf;
} mix_ctx_t;

static int add_mix(const char *value, int64_t n, double conf, void *arg) {
  mix_ctx_t *m = arg;
  json_object_set_new(m->recent, value, json_integer(n));
  m->n += n;
  m->conf += conf;
  return 0;
}

typedef struct {
  const char *field;
  json_t *metrics;
} active_ctx_t;

static int find_active(const store_model_t *m, void *arg) {
  active_ctx_t *a = arg;
  if (!a->metrics && strcmp(m->field, a->field) == 0) a->metrics = json_loads(m->metrics, 0, NULL);
  return 0;
}

/* The last DRIFT_DAYS against what the active model was trained on: the
 * mix of predicted classes against the mix of its training labels (total
 * variation distance), and the predictions' mean confidence against its
 * held-out one. A signal when either moved past its bound on at least
 * DRIFT_MIN tickets; null fields when there is too little to say. */
static json_t *trend_drift(api_call_t *c) {
  int64_t since = util_now() - DRIFT_DAYS * (int64_t)DAY_SECONDS;
  mix_ctx_t m = {json_object(), 0, 0};
  active_ctx_t a = {c->name, NULL};
  store_pred_mix_each(c->db, c->name, since, add_mix, &m);
  store_model_each(c->db, 1, 0, find_active, &a);
  json_t *o = json_pack("{s:o, s:I}", "since", api_time_json(since), "tickets", (json_int_t)m.n);
  json_t *pc = a.metrics ? json_object_get(a.metrics, "per_class") : NULL, *v;
  const char *k;
  double total = 0, dist = 0;
  json_object_foreach(pc, k, v) total += (double)json_integer_value(json_object_get(v, "support"));
  int enough = m.n >= DRIFT_MIN && total > 0;
  if (enough) { /* over the classes of either side */
    json_object_foreach(pc, k, v) {
      double tr = (double)json_integer_value(json_object_get(v, "support")) / total;
      double re = (double)json_integer_value(json_object_get(m.recent, k)) / (double)m.n;
      dist += fabs(tr - re);
    }
    json_object_foreach(m.recent, k, v)
      if (!json_object_get(pc, k)) dist += (double)json_integer_value(v) / (double)m.n;
    dist /= 2;
  }
  json_t *base = a.metrics ? json_object_get(a.metrics, "mean_confidence") : NULL;
  double now_conf = m.n ? m.conf / (double)m.n : 0;
  json_object_set_new(o, "enough", json_boolean(m.n >= DRIFT_MIN));
  json_object_set_new(o, "label_mix_distance", enough ? json_real(dist) : json_null());
  json_object_set_new(o, "mean_confidence", m.n ? json_real(now_conf) : json_null());
  json_object_set_new(o, "training_mean_confidence", json_is_number(base) ? json_real(json_number_value(base)) : json_null());
  int mix = enough && dist >= DRIFT_MIX;
  int conf = m.n >= DRIFT_MIN && json_is_number(base) && json_number_value(base) - now_conf >= DRIFT_CONF;
  json_object_set_new(o, "signal", json_boolean(mix || conf));
  json_object_set_new(o, "reasons", json_pack("[]"));
  if (mix) json_array_append_new(json_object_get(o, "reasons"), json_string("label_mix"));
  if (conf) json_array_append_new(json_object_get(o, "reasons"), json_string("confidence"));
  json_decref(m.recent);
  json_decref(a.metrics);
  return o;
}

/* GET /api/v1/models/{field}/trend?bucket=day|week&periods=N: the last N
 * periods (the current one included, oldest first; default 12 weeks or 30
 * days), each with the predictions of field on the tickets created in it
 * by what became of them, the share of the decided ones people kept
 * (accuracy) and their mean confidence. Periods without tickets are listed
 * with zeros. Then the classes overridden most over those periods, and the
 * drift of the last DRIFT_DAYS against the active model's training. */
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
  for (int64_t i = 0; i < periods; i++) {
    const store_trend_t *x = &rows[i];
    int64_t all = x->applied + x->suggested + x->accepted + x->overridden;
    int64_t decided = x->accepted + x->overridden;
    json_t *o = json_pack("{s:o, s:I, s:I, s:I, s:I}", "start", api_time_json(x->start), "applied",
                          (json_int_t)x->applied, "suggested", (json_int_t)x->suggested,
                          "accepted", (json_int_t)x->accepted, "overridden", (json_int_t)x->overridden);
    /* of the predictions people decided on, the share they kept */
    json_object_set_new(o, "accuracy", decided ? json_real((double)x->accepted / (double)decided) : json_null());
    json_object_set_new(o, "mean_confidence", all ? json_real(x->confidence / (double)all) : json_null());
    json_array_append_new(items, o);
  }
  free(rows);
  json_t *r = json_pack("{s:s, s:s, s:o}", "field", c->name, "bucket", weekly ? "week" : "day",
                        "items", items);
  json_object_set_new(r, "overridden_most", trend_overrides(c, from));
  json_object_set_new(r, "drift", trend_drift(c));
  api_reply(c, 200, r);
}
