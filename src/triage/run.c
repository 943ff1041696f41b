/* Running the models on a ticket, and writing what they decided. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

/* ---- per-thread scratch ------------------------------------------------------ */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

/* Allocation policy (util.h): small internal allocations abort on failure. */
static void run_die(const char *what) {
  util_log(UTIL_LOG_ERROR, "out of memory: %s", what);
  abort();
}

static void scratch_free(void *p) {
  triage_scratch_t *sc = p;
  text_ctx_free(&sc->text);
  ml_scratch_clear(&sc->ml);
  free(sc->probs);
  free(sc);
}

static void scratch_key_make(void) { pthread_key_create(&scratch_key, scratch_free); }

triage_scratch_t *triage_scratch(void) {
  pthread_once(&scratch_once, scratch_key_make);
  triage_scratch_t *sc = pthread_getspecific(scratch_key);
  if (sc) return sc;
  sc = util_xcalloc(1, sizeof *sc);
  sc->text = text_ctx_new();
  if (!sc->text) run_die("stemmers"); /* they are linked in: only memory can fail */
  ml_scratch_init(&sc->ml);
  pthread_setspecific(scratch_key, sc);
  return sc;
}

const char *triage_level(double p) {
  return p >= 0.85 ? "High" : p >= 0.5 ? "Medium" : p >= TRIAGE_UNSURE_BELOW ? "Low" : "Unsure";
}

/* ---- prediction ------------------------------------------------------------------ */
void triage_run(store_t *s, const triage_set_t *set, const triage_input_t *in,
                triage_result_t *out) {
  memset(out, 0, sizeof *out);
  triage_scratch_t *sc = triage_scratch();
  size_t tl = in->title ? strlen(in->title) : 0, dl = in->description ? strlen(in->description) : 0;
  char *text = util_xmalloc(tl + dl + 2);
  memcpy(text, in->title ? in->title : "", tl);
  text[tl] = '\n';
  memcpy(text + tl + 1, in->description ? in->description : "", dl);
  text[tl + 1 + dl] = '\0';
  text_lang_t forced;
  int lang = in->lang && !text_lang_parse(in->lang, &forced) ? (int)forced : -1;
  int stem = 0;
  for (int i = 0; set && i < set->n; i++) stem |= ml_model_feat_opts(set->e[i].model)->stem;
  text_analyse_opt(sc->text, text, tl + 1 + dl, lang, stem, &sc->ml.doc);
  out->lang = sc->ml.doc.lang;
  for (int i = 0; set && i < set->n; i++) {
    const triage_entry_t *e = &set->e[i];
    int K = ml_model_nclass(e->model);
    if (sc->cap < (size_t)K) {
      sc->probs = util_xrealloc(sc->probs, (size_t)K * sizeof *sc->probs);
      sc->cap = (size_t)K;
    }
    text_features(&sc->ml.doc, ml_model_feat_opts(e->model), &sc->ml.feats);
    int b = ml_predict_feats(e->model, &sc->ml, sc->probs);
    triage_pred_t *p = &out->pred[out->n++];
    p->field = e->field;
    p->model_id = e->model_id;
    p->model_version = e->version;
    snprintf(p->value, sizeof p->value, "%s", ml_model_class(e->model, b));
    p->confidence = sc->probs[b];
    p->threshold = e->thr[b];
    /* thresholds come from single-precision out-of-fold confidences; a
     * "not sure" prediction is never applied, however low a threshold the
     * held-out tickets allowed (they hold no ticket that fits no class),
     * unless an admin chose to apply the class always */
    p->apply = p->confidence + 1e-6 >= p->threshold &&
               (p->confidence >= TRIAGE_UNSURE_BELOW || p->threshold <= ML_THRESHOLD_ALWAYS);
    /* the three most probable classes */
    int used[3] = {-1, -1, -1};
    for (int t = 0; t < 3 && t < K; t++) {
      int best = -1;
      for (int k = 0; k < K; k++) {
        if (k == used[0] || k == used[1]) continue;
        if (best < 0 || sc->probs[k] > sc->probs[best]) best = k;
      }
      used[t] = best;
      snprintf(p->top[t].value, sizeof p->top[t].value, "%s", ml_model_class(e->model, best));
      p->top[t].p = sc->probs[best];
      p->ntop++;
    }
    ml_explain(e->model, &sc->ml, b, p->pos, &p->npos, p->neg, &p->nneg, TRIAGE_MAX_TERMS);
    /* offsets into the title or the description, not the joined text */
    for (size_t t = 0; t < p->npos + p->nneg; t++) {
      ml_term_t *m = t < p->npos ? &p->pos[t] : &p->neg[t - p->npos];
      if (m->off > tl) m->off = (m->off - (uint32_t)(tl + 1)) | 0x80000000u; /* high bit: description */
    }
  }
  char *own = NULL; /* without a set, the setting is read here */
  if (!set && s && store_setting_get(s, "triage.critical", &own)) own = NULL;
  out->impact = triage_impact_cues(set ? set->critical : own, in, &sc->ml.doc, out->impact_cue,
                                   sizeof out->impact_cue);
  free(own);
  free(text);
}

static json_t *terms_json(const ml_term_t *t, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "word", json_string(t[i].word));
    json_object_set_new(o, "weight", json_real(t[i].weight));
    json_object_set_new(o, "in", json_string(t[i].off & 0x80000000u ? "description" : "title"));
    json_object_set_new(o, "offset", json_integer(t[i].off & 0x7fffffffu));
    json_object_set_new(o, "length", json_integer(t[i].len));
    json_array_append_new(a, o);
  }
  return a;
}

json_t *triage_detail(const triage_pred_t *p) {
  json_t *o = json_object(), *top = json_array();
  for (int t = 0; t < p->ntop; t++) {
    json_t *x = json_object();
    json_object_set_new(x, "value", json_string(p->top[t].value));
    json_object_set_new(x, "confidence", json_real(p->top[t].p));
    json_array_append_new(top, x);
  }
  json_object_set_new(o, "top", top);
  json_object_set_new(o, "threshold", json_real(p->threshold > 1 ? -1 : p->threshold));
  json_object_set_new(o, "for", terms_json(p->pos, p->npos));
  json_object_set_new(o, "against", terms_json(p->neg, p->nneg));
  return o;
}

char *triage_detail_json(const triage_pred_t *p) {
  json_t *o = triage_detail(p);
  char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
  json_decref(o);
  if (!s) run_die("prediction detail");
  return s;
}

/* ---- writing --------------------------------------------------------------------------- */
/* Sets one ticket field from a class label: text as is, urgency as a number,
 * group by name. Returns 0, or UTIL_E_NOTFOUND when the value has no
 * meaning any more (a group renamed since training). */
static int value_to_ticket(store_t *s, int field, const char *v, store_ticket_t *ch) {
  store_tf_t tf = triage_field_tf(field);
  if (tf == STORE_TF_URGENCY) {
    char *end;
    long u = strtol(v, &end, 10);
    if (*end || u < 1 || u > 3) return UTIL_E_NOTFOUND;
    store_ticket_set_int(ch, tf, u);
  } else if (tf == STORE_TF_GROUP_ID) {
    store_group_t g = {0};
    int rc = store_group_by_name(s, v, &g);
    if (!rc) store_ticket_set_int(ch, tf, g.id);
    store_group_clear(&g);
    return rc;
  } else {
    store_ticket_set_text(ch, tf, v);
  }
  return 0;
}

int triage_set_field(store_t *s, int64_t id, int field, const char *value,
                     const store_actor_t *a) {
  store_ticket_t ch;
  store_ticket_init(&ch);
  int rc = value_to_ticket(s, field, value, &ch);
  store_tf_t tf = triage_field_tf(field);
  if (!rc) rc = store_ticket_update(s, id, &ch, 1u << tf, a, NULL);
  store_ticket_clear(&ch);
  return rc;
}

void triage_prepare(store_t *s, triage_result_t *r, store_ticket_t *t, uint32_t skip) {
  for (int i = 0; i < r->n; i++) {
    triage_pred_t *p = &r->pred[i];
    store_tf_t tf = triage_field_tf(p->field);
    if ((skip & (1u << tf)) || !t->v[tf].is_null) {
      p->outcome = TRIAGE_SKIPPED; /* a person chose it: no prediction to make */
      continue;
    }
    p->outcome = TRIAGE_SUGGESTED;
    if (p->apply && value_to_ticket(s, p->field, p->value, t) == 0) p->outcome = TRIAGE_APPLIED;
  }
  r->impact_set = r->priority_set = 0;
  if (r->impact && !(skip & (1u << STORE_TF_IMPACT)) && t->v[STORE_TF_IMPACT].is_null) {
    store_ticket_set_int(t, STORE_TF_IMPACT, r->impact);
    store_ticket_set_text(t, STORE_TF_IMPACT_CUE, r->impact_cue);
    r->impact_set = 1;
  }
}

/* The history's text form of an integer value. */
static void int_text(char *buf, size_t len, const store_val_t *v) {
  snprintf(buf, len, "%lld", (long long)v->i);
}

int triage_record(store_t *s, int64_t id, const triage_result_t *r, const store_ticket_t *t) {
  int64_t at = t->v[STORE_TF_CREATED_AT].is_null ? util_now() : t->v[STORE_TF_CREATED_AT].i;
  int rc = 0;
  char num[32];
  for (int i = 0; i < r->n && !rc; i++) {
    const triage_pred_t *p = &r->pred[i];
    if (p->outcome == TRIAGE_SKIPPED) continue;
    store_tf_t tf = triage_field_tf(p->field);
    if (p->outcome == TRIAGE_APPLIED) {
      char version[48];
      snprintf(version, sizeof version, "%s v%d", triage_field_name(p->field), p->model_version);
      store_actor_t a = {STORE_ACTOR_MODEL, 0, version, p->confidence};
      const char *nv = t->v[tf].s;
      if (store_tf_type(tf) != STORE_TYPE_TEXT) {
        int_text(num, sizeof num, &t->v[tf]);
        nv = num;
      }
      rc = store_history_add(s, id, at, &a, store_tf_name(tf), NULL, nv);
      if (rc) break;
    }
    char *detail = triage_detail_json(p);
    store_pred_t row = {.ticket_id = id, .field = (char *)triage_field_name(p->field),
                        .model_id = p->model_id, .value = (char *)p->value,
                        .confidence = p->confidence, .detail = detail,
                        .state = p->outcome == TRIAGE_APPLIED ? STORE_PRED_APPLIED
                                                              : STORE_PRED_SUGGESTED,
                        .created_at = at};
    rc = store_pred_put(s, &row);
    free(detail);
  }
  store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  if (!rc && r->impact_set) {
    int_text(num, sizeof num, &t->v[STORE_TF_IMPACT]);
    rc = store_history_add(s, id, at, &sys, "impact", NULL, num);
  }
  if (!rc && r->priority_set) {
    int_text(num, sizeof num, &t->v[STORE_TF_PRIORITY]);
    rc = store_history_add(s, id, at, &sys, "priority", NULL, num);
  }
  return rc;
}

int triage_label_of(store_t *s, int field, const store_ticket_t *t, char *out, size_t len) {
  store_tf_t tf = triage_field_tf(field);
  const store_val_t *v = &t->v[tf];
  if (v->is_null) return UTIL_E_NOTFOUND;
  if (tf == STORE_TF_GROUP_ID) {
    store_group_t g = {0};
    int rc = store_group_get(s, v->i, &g);
    if (!rc) snprintf(out, len, "%s", g.name);
    store_group_clear(&g);
    return rc;
  }
  if (store_tf_type(tf) == STORE_TYPE_TEXT) snprintf(out, len, "%s", v->s);
  else snprintf(out, len, "%lld", (long long)v->i);
  return 0;
}

int triage_note_edits(store_t *s, int64_t id, const store_ticket_t *old,
                      const store_ticket_t *neu, uint32_t mask, int64_t user_id) {
  for (int fi = 0; fi < TRIAGE_MAX_FIELDS; fi++) {
    store_tf_t tf = triage_field_tf(fi);
    if (!(mask & (1u << tf))) continue;
    char was[TRIAGE_MAX_VALUE] = "", now[TRIAGE_MAX_VALUE];
    if (triage_label_of(s, fi, neu, now, sizeof now)) continue; /* cleared: no choice made */
    if (!triage_label_of(s, fi, old, was, sizeof was) && strcmp(was, now) == 0) continue;
    store_pred_t p;
    int rc = store_pred_get(s, id, triage_field_name(fi), &p);
    if (rc == UTIL_E_NOTFOUND) continue;
    if (rc) return rc;
    if (p.state == STORE_PRED_APPLIED || p.state == STORE_PRED_SUGGESTED)
      rc = store_pred_decide(s, id, p.field,
                             strcmp(now, p.value) == 0 ? STORE_PRED_ACCEPTED : STORE_PRED_OVERRIDDEN,
                             now, user_id);
    store_pred_clear(&p);
    if (rc) return rc;
  }
  return 0;
}
