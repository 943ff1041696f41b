/* Triage sets: loading the active models, effective thresholds, reference
 * counting and the holder of a current set. The field table is the only
 * static state, and it is constant. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

static const struct {
  const char *name;
  store_tf_t tf;
} fields[TRIAGE_MAX_FIELDS] = {
    {"category", STORE_TF_CATEGORY}, {"group", STORE_TF_GROUP_ID},
    {"urgency", STORE_TF_URGENCY},   {"service", STORE_TF_SERVICE},
    {"ci", STORE_TF_CI},
};

int triage_field_index(const char *name) {
  for (int i = 0; i < TRIAGE_MAX_FIELDS; i++)
    if (name && strcmp(fields[i].name, name) == 0) return i;
  return -1;
}

const char *triage_field_name(int idx) {
  return idx >= 0 && idx < TRIAGE_MAX_FIELDS ? fields[idx].name : "";
}

store_tf_t triage_field_tf(int idx) { return fields[idx].tf; }

char *triage_fields_setting(store_t *s) {
  char *v = NULL;
  if (store_setting_get(s, "triage.fields", &v) == 0 && v && *v) return v;
  free(v);
  return util_xstrdup("category,group,urgency");
}

int triage_configured_fields(store_t *s, int out[TRIAGE_MAX_FIELDS]) {
  char *names = triage_fields_setting(s), *save = NULL;
  int n = 0, seen[TRIAGE_MAX_FIELDS] = {0};
  for (char *f = strtok_r(names, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
    int fi = triage_field_index(f);
    if (fi >= 0 && !seen[fi]) {
      seen[fi] = 1;
      out[n++] = fi;
    }
  }
  free(names);
  return n;
}


static void entry_free(triage_entry_t *e) {
  ml_model_free(&e->model);
  free(e->thr);
  memset(e, 0, sizeof *e);
}

void triage_set_ref(triage_set_t *set) {
  if (set) atomic_fetch_add(&set->refs, 1);
}

void triage_set_unref(triage_set_t **sp) {
  triage_set_t *set = *sp;
  *sp = NULL;
  if (!set || atomic_fetch_sub(&set->refs, 1) != 1) return;
  for (int i = 0; i < set->n; i++) entry_free(&set->e[i]);
  free(set->critical);
  free(set);
}

int triage_set_count(const triage_set_t *set) { return set ? set->n : 0; }

typedef struct {
  triage_set_t *set;
  char *err;
  size_t errlen;
  int rc;
  int wanted[TRIAGE_MAX_FIELDS]; /* the fields of the setting "triage.fields" */
} load_ctx_t;

static int load_model(const store_model_t *m, void *arg) {
  load_ctx_t *lc = arg;
  int fi = triage_field_index(m->field);
  if (fi < 0 || lc->set->n >= TRIAGE_MAX_FIELDS) return 0; /* a field this build does not know */
  if (!lc->wanted[fi]) return 0; /* the admin took it out of triage */
  triage_entry_t *e = &lc->set->e[lc->set->n];
  char err[200];
  if (ml_model_load(m->data, m->len, &e->model, err, sizeof err)) {
    /* a model this build cannot read is skipped, not fatal: the others work */
    util_log(UTIL_LOG_WARN, "model %s v%d not loaded: %s", m->field, m->version, err);
    return 0;
  }
  e->field = fi;
  e->model_id = m->id;
  e->version = m->version;
  int K = ml_model_nclass(e->model);
  e->thr = util_xmalloc((size_t)K * sizeof *e->thr);
  for (int k = 0; k < K; k++) e->thr[k] = ml_model_threshold(e->model, k);
  lc->set->n++;
  return 0;
}

static int load_threshold(const store_threshold_t *t, void *arg) {
  triage_set_t *set = arg;
  int fi = triage_field_index(t->field);
  for (int i = 0; i < set->n; i++) {
    triage_entry_t *e = &set->e[i];
    if (e->field != fi) continue;
    int K = ml_model_nclass(e->model);
    for (int k = 0; k < K; k++) {
      /* a per-class row wins over the field's default row ("") */
      int exact = strcmp(t->cls, ml_model_class(e->model, k)) == 0;
      if (!exact && (t->cls[0] || e->thr_exact[k])) continue;
      float v;
      if (strcmp(t->mode, "always") == 0) v = ML_THRESHOLD_ALWAYS;
      else if (strcmp(t->mode, "never") == 0) v = ML_THRESHOLD_NEVER;
      else v = ml_model_threshold_for(e->model, k, t->target);
      e->thr[k] = v;
      if (exact) e->thr_exact[k] = 1;
    }
  }
  return 0;
}

int triage_set_load(store_t *s, triage_set_t **out, char *err, size_t errlen) {
  triage_set_t *set = util_xcalloc(1, sizeof *set);
  atomic_init(&set->refs, 1);
  load_ctx_t lc = {set, err, errlen, 0, {0}};
  int conf[TRIAGE_MAX_FIELDS], nconf = triage_configured_fields(s, conf);
  for (int i = 0; i < nconf; i++) lc.wanted[conf[i]] = 1;
  /* read once here rather than at every ticket: a settings change reloads */
  if (store_setting_get(s, "triage.critical", &set->critical)) set->critical = NULL;
  int rc = store_model_each(s, 1, 1, load_model, &lc);
  /* field defaults first, then per-class rows (ORDER BY class puts "" first) */
  for (int i = 0; !rc && i < set->n; i++) {
    int K = ml_model_nclass(set->e[i].model);
    set->e[i].thr_exact = util_xcalloc((size_t)K, 1);
  }
  if (!rc) rc = store_threshold_each(s, load_threshold, set);
  for (int i = 0; i < set->n; i++) {
    free(set->e[i].thr_exact);
    set->e[i].thr_exact = NULL;
  }
  if (rc) {
    snprintf(err, errlen, "cannot read the models: %s", store_errmsg(s));
    triage_set_unref(&set);
    return rc;
  }
  *out = set;
  return 0;
}

/* ---- The holder ------------------------------------------------------------
 * A mutex around one pointer: taking a reference costs a lock and an atomic
 * increment, and an install never waits for the requests using the old
 * set (they drop their own references). */
struct triage_holder {
  pthread_mutex_t mu;
  triage_set_t *set; /* one reference, or NULL */
};

triage_holder_t *triage_holder_new(void) {
  triage_holder_t *h = util_xcalloc(1, sizeof *h);
  pthread_mutex_init(&h->mu, NULL);
  return h;
}

void triage_holder_free(triage_holder_t **hp) {
  triage_holder_t *h = *hp;
  if (!h) return;
  triage_set_unref(&h->set);
  pthread_mutex_destroy(&h->mu);
  free(h);
  *hp = NULL;
}

triage_set_t *triage_holder_get(triage_holder_t *h) {
  if (!h) return NULL;
  pthread_mutex_lock(&h->mu);
  triage_set_t *s = h->set;
  triage_set_ref(s);
  pthread_mutex_unlock(&h->mu);
  return s;
}

void triage_holder_install(triage_holder_t *h, triage_set_t *set) {
  pthread_mutex_lock(&h->mu);
  triage_set_t *old = h->set;
  h->set = set;
  pthread_mutex_unlock(&h->mu);
  triage_set_unref(&old);
}

int triage_holder_reload(triage_holder_t *h, store_t *s, char *err, size_t errlen) {
  triage_set_t *set = NULL;
  int rc = triage_set_load(s, &set, err, errlen);
  if (!rc) triage_holder_install(h, set);
  return rc;
}

const ml_model_t *triage_set_model(const triage_set_t *set, int field, const float **thr,
                                   int64_t *model_id) {
  for (int i = 0; set && i < set->n; i++)
    if (set->e[i].field == field) {
      if (thr) *thr = set->e[i].thr;
      if (model_id) *model_id = set->e[i].model_id;
      return set->e[i].model;
    }
  return NULL;
}
