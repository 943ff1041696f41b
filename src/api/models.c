/* Triage over the API: a preview that stores nothing, the suggestions of a
 * ticket with accept and override, and the models (list, train,
 * thresholds). Agents and admins only: requesters never see a model's
 * guesses or internals. */
#include <stdlib.h>
#include <string.h>

#include "../triage/triage.h"
#include "api_int.h"

/* ---- shapes ------------------------------------------------------------------ */
static json_t *pred_json_common(const char *field, const char *value, double conf) {
  json_t *o = json_object();
  json_object_set_new(o, "field", json_string(field));
  json_object_set_new(o, "value", json_string(value));
  json_object_set_new(o, "confidence", json_real(conf));
  json_object_set_new(o, "level", json_string(triage_level(conf)));
  return o;
}

typedef struct {
  api_call_t *c;
  json_t *items;
} sugg_ctx_t;

static int sugg_one(const store_pred_t *p, void *arg) {
  sugg_ctx_t *x = arg;
  json_t *a = x->items, *o = pred_json_common(p->field, p->value, p->confidence);
  json_object_set_new(o, "state", json_string(store_pred_state_name(p->state)));
  json_object_set_new(o, "model_version", json_integer(p->model_version));
  json_t *d = json_loads(p->detail ? p->detail : "{}", 0, NULL);
  if (d) {
    json_object_update(o, d); /* top, threshold, for, against */
    json_decref(d);
  }
  json_object_set_new(o, "decided_by", p->decided_by ? json_integer(p->decided_by) : json_null());
  /* who confirmed or corrected it, by name: the card says so */
  store_user_t u = {0};
  int named = p->decided_by && !store_user_get(x->c->db, p->decided_by, &u);
  json_object_set_new(o, "decided_by_name", named ? json_string(u.name) : json_null());
  store_user_clear(&u);
  json_object_set_new(o, "decided_at", p->decided_at ? api_time_json(p->decided_at) : json_null());
  json_array_append_new(a, o);
  return 0;
}

json_t *api_suggestions_json(api_call_t *c, int64_t ticket_id) {
  sugg_ctx_t x = {c, json_array()};
  store_pred_each(c->db, ticket_id, sugg_one, &x);
  return x.items;
}

json_t *api_triage_result_json(const triage_result_t *r) {
  json_t *a = json_array();
  for (int i = 0; i < r->n; i++) {
    const triage_pred_t *p = &r->pred[i];
    if (p->outcome == TRIAGE_SKIPPED) continue;
    json_t *o = pred_json_common(triage_field_name(p->field), p->value, p->confidence);
    json_object_set_new(o, "state", json_string(p->outcome == TRIAGE_APPLIED ? "applied" : "suggested"));
    json_object_set_new(o, "model_version", json_integer(p->model_version));
    json_t *d = triage_detail(p);
    json_object_update(o, d);
    json_decref(d);
    json_object_set_new(o, "decided_by", json_null());
    json_object_set_new(o, "decided_at", json_null());
    json_array_append_new(a, o);
  }
  return a;
}

/* ---- preview --------------------------------------------------------------------- */
void api_triage_preview(api_call_t *c) {
  static const char *const allowed[] = {"title", "description", "language", "service", "ci", NULL};
  const char *title = NULL, *desc = NULL, *lang = NULL, *service = NULL, *ci = NULL;
  int present;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "title", 1, 300, 0, &title, &present) ||
      api_field_string(c, "description", 0, 65536, 1, &desc, &present) ||
      api_field_string(c, "language", 2, 2, 1, &lang, &present) ||
      api_field_string(c, "service", 1, 100, 1, &service, &present) ||
      api_field_string(c, "ci", 1, 100, 1, &ci, &present))
    return;
  if (!title) {
    api_refuse(c, UTIL_E_INVALID, "title", API_WHY(REQUIRED), "'title' is required");
    return;
  }
  text_lang_t l;
  if (lang && text_lang_parse(lang, &l)) {
    static const char *const langs[] = {"fr", "en", NULL};
    api_refuse(c, UTIL_E_INVALID, "language", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = langs},
               "'language' must be fr or en");
    return;
  }
  triage_input_t in = {title, desc ? desc : "", lang, service, ci, 0};
  triage_result_t r;
  triage_set_t *set = triage_holder_get(c->ctx->triage);
  triage_run(c->db, set, &in, &r);
  triage_set_unref(&set);
  json_t *o = json_object(), *preds = json_array();
  json_object_set_new(o, "language", json_string(text_lang_code(r.lang)));
  json_object_set_new(o, "impact", r.impact ? json_integer(r.impact) : json_null());
  json_object_set_new(o, "impact_cue", r.impact ? json_string(r.impact_cue) : json_null());
  for (int i = 0; i < r.n; i++) {
    const triage_pred_t *p = &r.pred[i];
    json_t *x = pred_json_common(triage_field_name(p->field), p->value, p->confidence);
    json_object_set_new(x, "state", json_string(p->apply ? "would_apply" : "would_suggest"));
    json_object_set_new(x, "model_version", json_integer(p->model_version));
    json_t *d = triage_detail(p);
    json_object_update(x, d);
    json_decref(d);
    json_array_append_new(preds, x);
  }
  json_object_set_new(o, "predictions", preds);
  api_reply(c, 200, o);
}

/* ---- suggestions ------------------------------------------------------------------ */
void api_suggestions_list(api_call_t *c) {
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  api_reply(c, 200, json_pack("{s:o}", "items", api_suggestions_json(c, c->id[0])));
}

/* Reads the override value of field fi from the body into out (a class
 * label): text for category/service/ci, 1..3 for urgency (number or
 * string), a group name or id for group. Replies on error. */
static int override_value(api_call_t *c, int fi, char *out, size_t len) {
  static const char *const allowed[] = {"value", NULL};
  if (api_body_object(c) || api_body_only(c, allowed)) return UTIL_E_INVALID;
  json_t *v = json_object_get(c->body, "value");
  if (!v || json_is_null(v)) {
    api_refuse(c, UTIL_E_INVALID, "value", API_WHY(REQUIRED), "'value' is required");
    return UTIL_E_INVALID;
  }
  store_tf_t tf = triage_field_tf(fi);
  if (tf == STORE_TF_URGENCY) {
    long u = json_is_integer(v) ? (long)json_integer_value(v)
             : json_is_string(v) ? strtol(json_string_value(v), NULL, 10) : 0;
    if (u < 1 || u > 3 || (json_is_string(v) && strlen(json_string_value(v)) != 1)) {
      api_refuse(c, UTIL_E_INVALID, "value", API_WHY_RANGE(OUT_OF_RANGE, 1, 3), "urgency must be 1, 2 or 3");
      return UTIL_E_INVALID;
    }
    snprintf(out, len, "%ld", u);
    return 0;
  }
  if (tf == STORE_TF_GROUP_ID && json_is_integer(v)) {
    store_group_t g = {0};
    int rc = store_group_get(c->db, json_integer_value(v), &g);
    if (!rc) snprintf(out, len, "%s", g.name);
    store_group_clear(&g);
    if (rc) api_refuse(c, UTIL_E_INVALID, "value", API_WHY(NO_SUCH_GROUP), "no group with id %lld",
                       (long long)json_integer_value(v));
    return rc ? UTIL_E_INVALID : 0;
  }
  const char *sv = NULL;
  int present;
  if (api_field_string(c, "value", 1, 100, 0, &sv, &present))
    return UTIL_E_INVALID;
  if (tf == STORE_TF_GROUP_ID) {
    store_group_t g = {0};
    int rc = store_group_by_name(c->db, sv, &g);
    store_group_clear(&g);
    if (rc) {
      api_refuse(c, UTIL_E_INVALID, "value", API_WHY(NO_SUCH_GROUP), "no group named '%s'", sv);
      return UTIL_E_INVALID;
    }
  }
  if (tf == STORE_TF_CATEGORY || tf == STORE_TF_SERVICE || tf == STORE_TF_CI) {
    /* a correction is a training label: only a value of the managed list */
    char *canon = NULL;
    desk_err_t e = {0};
    if (desk_list_value(c->db, tf, sv, &canon, &e)) {
      snprintf(e.field, sizeof e.field, "value");
      api_desk_error(c, &e);
      return UTIL_E_INVALID;
    }
    snprintf(out, len, "%s", canon);
    free(canon);
    return 0;
  }
  snprintf(out, len, "%s", sv);
  return 0;
}

static void decide(api_call_t *c, int accept) {
  int fi = triage_field_index(c->name);
  if (fi < 0) {
    api_error(c, UTIL_E_NOTFOUND, NULL, "no triage field '%s'", c->name);
    return;
  }
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  store_pred_t p;
  int rc = store_pred_get(c->db, c->id[0], c->name, &p);
  if (rc) {
    api_error(c, rc, NULL, rc == UTIL_E_NOTFOUND ? "ticket %lld has no suggestion for %s"
                                                 : "cannot read the suggestion of %lld for %s",
              (long long)c->id[0], c->name);
    return;
  }
  char value[TRIAGE_MAX_VALUE];
  if (accept) snprintf(value, sizeof value, "%s", p.value);
  else if (override_value(c, fi, value, sizeof value)) goto out;
  store_pred_state_t st =
      accept || strcmp(value, p.value) == 0 ? STORE_PRED_ACCEPTED : STORE_PRED_OVERRIDDEN;
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  rc = store_begin(c->db);
  if (!rc) {
    rc = triage_set_field(c->db, c->id[0], fi, value, &a);
    if (rc == UTIL_E_NOTFOUND) /* the suggested group no longer exists */
      rc = UTIL_E_CONFLICT;
  }
  if (!rc) rc = store_pred_decide(c->db, c->id[0], c->name, st, value, c->user.id);
  /* who confirmed what the model said, even when the model had set it
   * already (the field then does not change and writes no event) */
  if (!rc && st == STORE_PRED_ACCEPTED)
    rc = store_history_add(c->db, c->id[0], util_now(), &a, "suggestion_accepted", c->name, value);
  if (!rc && triage_field_tf(fi) == STORE_TF_URGENCY) rc = desk_refresh_priority(c->db, c->id[0]);
  rc = api_txn_end(c, rc);
  if (rc) {
    api_error(c, rc, NULL, "cannot record the decision on %s", c->name);
    goto out;
  }
  json_t *o = json_object();
  json_object_set_new(o, "field", json_string(c->name));
  json_object_set_new(o, "value", json_string(value));
  json_object_set_new(o, "state", json_string(store_pred_state_name(st)));
  json_object_set_new(o, "suggestions", api_suggestions_json(c, c->id[0]));
  api_reply(c, 200, o);
out:
  store_pred_clear(&p);
}

void api_suggestions_accept(api_call_t *c) {
  /* no body expected; an empty object is tolerated */
  if (c->req->body_len) {
    static const char *const none[] = {NULL};
    if (api_body_object(c) || api_body_only(c, none)) return;
  }
  decide(c, 1);
}

void api_suggestions_override(api_call_t *c) { decide(c, 0); }

/* ---- models ---------------------------------------------------------------------- */
typedef struct {
  json_t *list;
  triage_set_t *set;
} models_ctx_t;

static json_t *class_stats_json(const ml_model_t *m, const float *thr) {
  json_t *a = json_array();
  for (int k = 0; k < ml_model_nclass(m); k++) {
    double prec, cov;
    size_t sup;
    ml_model_class_stats(m, k, thr[k], &prec, &cov, &sup);
    json_t *o = json_object();
    json_object_set_new(o, "class", json_string(ml_model_class(m, k)));
    json_object_set_new(o, "support", json_integer((json_int_t)sup));
    json_object_set_new(o, "threshold",
                        thr[k] > 1 ? json_string("never") : thr[k] <= 0 ? json_string("always")
                                                                        : json_real(thr[k]));
    json_object_set_new(o, "precision", json_real(prec));
    json_object_set_new(o, "coverage", json_real(cov));
    json_array_append_new(a, o);
  }
  return a;
}

static int model_one(const store_model_t *m, void *arg) {
  models_ctx_t *mc = arg;
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(m->id));
  json_object_set_new(o, "field", json_string(m->field));
  json_object_set_new(o, "version", json_integer(m->version));
  json_object_set_new(o, "created_at", api_time_json(m->created_at));
  json_object_set_new(o, "n_train", json_integer(m->n_train));
  json_object_set_new(o, "active", json_boolean(m->active));
  json_t *metrics = json_loads(m->metrics, 0, NULL);
  json_object_set_new(o, "metrics", metrics ? metrics : json_null());
  const float *thr = NULL;
  int64_t id = 0;
  const ml_model_t *ml = triage_set_model(mc->set, triage_field_index(m->field), &thr, &id);
  if (ml && id == m->id) json_object_set_new(o, "classes", class_stats_json(ml, thr));
  json_array_append_new(mc->list, o);
  return 0;
}

static int threshold_one(const store_threshold_t *t, void *arg) {
  json_t *o = json_object();
  json_object_set_new(o, "field", json_string(t->field));
  json_object_set_new(o, "class", json_string(t->cls));
  json_object_set_new(o, "mode", json_string(t->mode));
  json_object_set_new(o, "target", strcmp(t->mode, "target") ? json_null() : json_real(t->target));
  json_array_append_new(arg, o);
  return 0;
}

void api_models_list(api_call_t *c) {
  models_ctx_t mc = {json_array(), triage_holder_get(c->ctx->triage)};
  json_t *th = json_array();
  int rc = store_model_each(c->db, 0, 0, model_one, &mc);
  if (!rc) rc = store_threshold_each(c->db, threshold_one, th);
  triage_set_unref(&mc.set);
  if (rc) {
    json_decref(mc.list);
    json_decref(th);
    api_error(c, rc, NULL, "cannot list the models");
    return;
  }
  char *fields = triage_fields_setting(c->db);
  json_t *o = json_object();
  json_object_set_new(o, "fields", json_string(fields));
  free(fields);
  json_object_set_new(o, "models", mc.list);
  json_object_set_new(o, "thresholds", th);
  api_reply(c, 200, o);
}

static json_t *report_json(const triage_train_report_t *r) {
  json_t *o = json_object();
  json_object_set_new(o, "field", json_string(r->field));
  json_object_set_new(o, "trained", json_boolean(r->trained));
  json_object_set_new(o, "activated", json_boolean(r->activated));
  if (r->trained) {
    json_object_set_new(o, "model_id", json_integer(r->model_id));
    json_object_set_new(o, "version", json_integer(r->version));
    json_object_set_new(o, "n_train", json_integer((json_int_t)r->n));
    json_object_set_new(o, "accuracy", json_real(r->accuracy));
    json_object_set_new(o, "macro_f1", json_real(r->macro_f1));
    json_object_set_new(o, "ece", json_real(r->ece));
    json_object_set_new(o, "coverage", json_real(r->coverage));
    json_object_set_new(o, "settings", json_string(r->settings));
    json_object_set_new(o, "searched", json_integer(r->searched));
    json_object_set_new(o, "search_seconds", json_real(r->search_seconds));
    if (r->prev_score >= 0) {
      json_t *c = json_object();
      json_object_set_new(c, "basis", json_string(r->compared_on ? "unseen" : "out_of_fold"));
      json_object_set_new(c, "tickets", json_integer((json_int_t)r->compared_on));
      json_object_set_new(c, "new_macro_f1", json_real(r->new_score));
      json_object_set_new(c, "active_macro_f1", json_real(r->prev_score));
      json_object_set_new(o, "comparison", c);
    }
  }
  json_object_set_new(o, "seconds", json_real(r->seconds));
  json_object_set_new(o, "note", json_string(r->note));
  return o;
}

void api_models_train(api_call_t *c) {
  static const char *const allowed[] = {"field", "force", NULL};
  const char *field = NULL;
  int force = 0, present;
  if (c->req->body_len &&
      (api_body_object(c) || api_body_only(c, allowed) ||
       api_field_string(c, "field", 1, 32, 1, &field, &present) ||
       api_field_bool(c, "force", &force, &present)))
    return;
  if (field && triage_field_index(field) < 0) {
    api_error(c, UTIL_E_INVALID, "field", "'%s' is not one of category, group, urgency, "
              "service, ci", field);
    return;
  }
  int which[TRIAGE_MAX_FIELDS], n = 1;
  if (field) which[0] = triage_field_index(field);
  else n = triage_configured_fields(c->db, which);
  json_t *a = json_array(), *done = json_array();
  store_auditor_t who = api_auditor(c);
  for (int i = 0; i < n; i++) {
    triage_train_report_t r;
    triage_train_field(c->db, triage_field_name(which[i]), force, &who, &r);
    json_array_append_new(a, report_json(&r));
    json_array_append_new(done, json_pack("{s:s, s:b, s:I, s:b}", "field", r.field, "trained",
                                          r.trained, "version", (json_int_t)r.version,
                                          "activated", r.activated));
  }
  /* the activations have rows of their own (model.activate) */
  if (api_audit(c, "model.train", "model", 0, field ? field : "",
                json_pack("{s:b, s:o}", "force", force, "fields", done)))
    util_log(UTIL_LOG_ERROR, "cannot write the audit row of a training: %s", store_errmsg(c->db));
  char err[256];
  if (triage_holder_reload(c->ctx->triage, c->db, err, sizeof err)) util_log(UTIL_LOG_ERROR, "%s", err);
  json_t *o = json_object();
  json_object_set_new(o, "reports", a);
  api_reply(c, 200, o);
}

void api_models_thresholds_put(api_call_t *c) {
  static const char *const allowed[] = {"class", "mode", "target", NULL};
  const char *cls = NULL, *mode = NULL;
  int present;
  if (triage_field_index(c->name) < 0) {
    api_error(c, UTIL_E_NOTFOUND, NULL, "no triage field '%s'", c->name);
    return;
  }
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "class", 0, 100, 1, &cls, &present) ||
      api_field_string(c, "mode", 1, 10, 0, &mode, &present))
    return;
  if (!mode || (strcmp(mode, "target") != 0 && strcmp(mode, "always") != 0 && strcmp(mode, "never") != 0)) {
    static const char *const modes[] = {"target", "always", "never", NULL};
    api_refuse(c, UTIL_E_INVALID, "mode", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = modes},
               "'mode' must be target, always or never");
    return;
  }
  double target = 0;
  json_t *tv = json_object_get(c->body, "target");
  if (strcmp(mode, "target") == 0) {
    if (!json_is_number(tv) || json_number_value(tv) < 0.5 || json_number_value(tv) > 1.0) {
      api_error(c, UTIL_E_INVALID, "target", "'target' must be a precision from 0.5 to 1");
      return;
    }
    target = json_number_value(tv);
  } else if (tv && !json_is_null(tv)) {
    api_error(c, UTIL_E_INVALID, "target", "'target' only goes with mode 'target'");
    return;
  }
  if (cls && *cls) {
    /* a class of the active model, when there is one */
    triage_set_t *cur = triage_holder_get(c->ctx->triage);
    const ml_model_t *am = triage_set_model(cur, triage_field_index(c->name), NULL, NULL);
    int known = !am || ml_model_class_index(am, cls) >= 0;
    triage_set_unref(&cur);
    if (!known) {
      api_error(c, UTIL_E_INVALID, "class", "the %s model has no class '%s'", c->name, cls);
      return;
    }
  }
  int rc = store_begin(c->db);
  if (!rc) rc = store_threshold_put(c->db, c->name, cls ? cls : "", mode, target);
  if (!rc) {
    json_t *d = json_pack("{s:s, s:s}", "class", cls ? cls : "", "mode", mode);
    if (strcmp(mode, "target") == 0) json_object_set_new(d, "target", json_real(target));
    rc = api_audit(c, "model.thresholds", "model", 0, c->name, d);
  }
  rc = api_txn_end(c, rc);
  char err[256];
  if (!rc) rc = triage_holder_reload(c->ctx->triage, c->db, err, sizeof err);
  if (rc) {
    api_error(c, rc, NULL, "cannot save the threshold");
    return;
  }
  triage_set_t *set = triage_holder_get(c->ctx->triage);
  const float *thr = NULL;
  const ml_model_t *m = triage_set_model(set, triage_field_index(c->name), &thr, NULL);
  json_t *o = json_object();
  json_object_set_new(o, "field", json_string(c->name));
  json_object_set_new(o, "classes", m ? class_stats_json(m, thr) : json_array());
  triage_set_unref(&set);
  api_reply(c, 200, o);
}
