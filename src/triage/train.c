/* Training a field's model from the tickets people labelled, storing it,
 * and promoting it only when it is not worse than the active one. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

#define TRAIN_MIN_ROWS 20
/* tickets the active model never saw needed to compare the two models on
 * the same tickets */
#define TRAIN_MIN_COMPARE 30


/* The labelled tickets (store_labels_load) with each one's language as
 * text's code (-1: identify it). */
typedef struct {
  store_labels_t l;
  int *lang;
} rows_ctx_t;

static int rows_read(store_t *s, const char *field, rows_ctx_t *rc) {
  int e = store_labels_load(s, field, &rc->l);
  rc->lang = util_xmalloc((rc->l.n ? rc->l.n : 1) * sizeof *rc->lang);
  for (size_t i = 0; i < rc->l.n; i++) {
    text_lang_t l;
    rc->lang[i] = rc->l.language[i] && !text_lang_parse(rc->l.language[i], &l) ? (int)l : -1;
  }
  return e;
}

static void rows_free(rows_ctx_t *rc) {
  store_labels_free(&rc->l);
  free(rc->lang);
}

/* The active model of a field, loaded, with what its training recorded. */
typedef struct {
  const char *field;
  double macro_f1;      /* its out-of-fold macro-F1 */
  int64_t last_ticket;  /* the newest ticket it could have seen; 0: not recorded */
  ml_model_t *model;    /* NULL when it cannot be loaded */
  int found;
} active_ctx_t;

static int find_active(const store_model_t *m, void *arg) {
  active_ctx_t *a = arg;
  if (strcmp(m->field, a->field) != 0 || a->found) return 0;
  json_t *j = json_loads(m->metrics, 0, NULL);
  json_t *f = j ? json_object_get(j, "macro_f1") : NULL;
  json_t *l = j ? json_object_get(j, "last_ticket_id") : NULL;
  a->macro_f1 = json_is_number(f) ? json_number_value(f) : 0;
  a->last_ticket = json_is_integer(l) ? (int64_t)json_integer_value(l) : 0;
  a->found = 1;
  json_decref(j);
  char err[120];
  if (a->last_ticket > 0 && ml_model_load(m->data, m->len, &a->model, err, sizeof err))
    a->model = NULL;
  return 0;
}

/* Both models on the same tickets, the ones the active model was trained
 * too early to see: the candidate by its out-of-fold predictions (each from
 * a fold model that did not see the ticket), the active model by predicting
 * them now. Labels the candidate does not know count as one "other" class.
 * Returns how many tickets were compared. */
static size_t compare_unseen(const rows_ctx_t *rc, const int *doc_pred, const ml_model_t *cand,
                             const active_ctx_t *ac, double *cand_f1, double *prev_f1) {
  int K = ml_model_nclass(cand);
  size_t n = 0;
  for (size_t i = 0; i < rc->l.n; i++) n += rc->l.id[i] > ac->last_ticket && doc_pred[i] >= 0;
  if (!n) return 0;
  int *truth = util_xmalloc(n * sizeof *truth), *pc = util_xmalloc(n * sizeof *pc);
  int *pp = util_xmalloc(n * sizeof *pp);
  double *conf = util_xmalloc(n * sizeof *conf);
  double *probs = util_xmalloc((size_t)ml_model_nclass(ac->model) * sizeof *probs);
  text_ctx_t *ctx = text_ctx_new();
  ml_scratch_t sc;
  ml_scratch_init(&sc);
  size_t q = 0;
  for (size_t i = 0; i < rc->l.n; i++) {
    if (rc->l.id[i] <= ac->last_ticket || doc_pred[i] < 0) continue;
    int t = ml_model_class_index(cand, rc->l.label[i]);
    truth[q] = t < 0 ? K : t;
    pc[q] = doc_pred[i];
    int b = ml_predict(ac->model, ctx, &sc, rc->l.text[i], strlen(rc->l.text[i]), rc->lang[i], probs);
    int o = ml_model_class_index(cand, ml_model_class(ac->model, b));
    pp[q] = o < 0 ? K : o;
    conf[q++] = 1.0; /* unused: only the F1 is read */
  }
  ml_metrics_t mc, mp;
  ml_metrics_compute(K + 1, n, truth, pc, conf, &mc);
  ml_metrics_compute(K + 1, n, truth, pp, conf, &mp);
  *cand_f1 = mc.macro_f1;
  *prev_f1 = mp.macro_f1;
  ml_metrics_clear(&mc);
  ml_metrics_clear(&mp);
  ml_scratch_clear(&sc);
  text_ctx_free(&ctx);
  free(probs);
  free(conf);
  free(pp);
  free(pc);
  free(truth);
  return n;
}

/* The out-of-fold confusion matrix, stored with the metrics since the
 * Models page shows it (older versions have none): {"classes": [K names],
 * "counts": [K rows of K]}, a row per true class, a column per predicted
 * class, in the model's class order. */
static json_t *confusion_json(const ml_model_t *m) {
  size_t K = (size_t)ml_model_nclass(m);
  size_t *cm = util_xmalloc(K * K * sizeof *cm);
  ml_model_confusion(m, cm);
  json_t *names = json_array(), *rows = json_array();
  for (size_t t = 0; t < K; t++) {
    json_t *row = json_array();
    for (size_t p = 0; p < K; p++) json_array_append_new(row, json_integer((json_int_t)cm[t * K + p]));
    json_array_append_new(names, json_string(ml_model_class(m, (int)t)));
    json_array_append_new(rows, row);
  }
  free(cm);
  return json_pack("{s:o, s:o}", "classes", names, "counts", rows);
}

static char *metrics_json(const ml_model_t *m, const ml_train_info_t *info,
                          const ml_params_t *p, const ml_search_t *search, int64_t last_ticket) {
  json_t *o = json_object(), *pc = json_object();
  char split[120];
  snprintf(split, sizeof split, "held-out predictions of %d of the %d folds of the training tickets",
           p->calib_parts, p->folds);
  json_object_set_new(o, "split", json_string(split));
  json_object_set_new(o, "n", json_integer((json_int_t)info->n));
  json_object_set_new(o, "last_ticket_id", json_integer((json_int_t)last_ticket));
  json_object_set_new(o, "accuracy", json_real(info->accuracy));
  json_object_set_new(o, "macro_f1", json_real(info->macro_f1));
  json_object_set_new(o, "ece", json_real(info->ece));
  json_object_set_new(o, "mean_confidence", json_real(info->mean_confidence));
  json_object_set_new(o, "coverage_at_target", json_real(info->coverage_at_target));
  json_object_set_new(o, "target_precision", json_real(p->target_precision));
  json_object_set_new(o, "train_seconds", json_real(info->train_seconds));
  json_object_set_new(o, "features", json_integer((json_int_t)ml_model_nfeatures(m)));
  for (int k = 0; k < ml_model_nclass(m); k++) {
    double prec, cov;
    size_t sup;
    float t = ml_model_threshold(m, k);
    ml_model_class_stats(m, k, t, &prec, &cov, &sup);
    json_t *c = json_object();
    json_object_set_new(c, "support", json_integer((json_int_t)sup));
    json_object_set_new(c, "threshold", t > 1 ? json_null() : json_real(t));
    json_object_set_new(c, "precision", json_real(prec));
    json_object_set_new(c, "coverage", json_real(cov));
    json_object_set_new(pc, ml_model_class(m, k), c);
  }
  json_object_set_new(o, "per_class", pc);
  json_object_set_new(o, "confusion", confusion_json(m));
  if (search->ncand) json_object_set_new(o, "search", triage_search_json(search));
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

/* One training run of a field; run_free releases what is set. */
typedef struct {
  const char *field;     /* borrowed */
  ml_params_t p;
  rows_ctx_t rc;         /* the labelled tickets */
  ml_trainset_t *ts;     /* their features */
  ml_model_t *m;         /* the new model */
  ml_train_info_t info;  /* its out-of-fold figures */
  int *doc_pred;         /* [rc.l.n] each ticket's out-of-fold prediction, or NULL */
  util_buf_t blob;       /* the saved model */
  int64_t model_id;
  ml_search_t search;    /* how its settings were chosen (ncand 0: not searched) */
} field_run_t;

static void run_free(field_run_t *fr) {
  ml_search_clear(&fr->search);
  free(fr->doc_pred);
  util_buf_free(&fr->blob);
  rows_free(&fr->rc);
  ml_model_free(&fr->m);
  ml_trainset_free(&fr->ts);
}

/* Reads the field's labelled tickets into fr->rc. Returns 0 or the
 * store's error (with a note). */
static int read_labels(store_t *s, field_run_t *fr, triage_train_report_t *rep) {
  int e = rows_read(s, fr->field, &fr->rc);
  rep->n = fr->rc.l.n;
  if (e) snprintf(rep->note, sizeof rep->note, "cannot read the labels: %s", store_errmsg(s));
  return e;
}

/* Chooses the settings by cross-validation of the labelled tickets (see
 * ml_search; with too few of them the defaults stay), then extracts their
 * features with those settings into fr->ts. */
static void choose_settings(field_run_t *fr, triage_train_report_t *rep) {
  char err[200];
  const char *const *text = (const char *const *)fr->rc.l.text, *const *label = (const char *const *)fr->rc.l.label;
  if (fr->rc.l.n >= TRAIN_MIN_ROWS &&
      ml_search(fr->rc.l.n, text, fr->rc.lang, label, &fr->p, 0, &fr->search, err, sizeof err) == 0) {
    ml_search_apply(&fr->search, &fr->p);
    ml_candidate_describe(&fr->search.cand[fr->search.best], rep->settings, sizeof rep->settings);
    rep->search_seconds = fr->search.seconds;
    rep->searched = fr->search.ncand;
  } else {
    ml_search_clear(&fr->search);
    ml_candidate_t d = {.feat = fr->p.feat, .balanced = fr->p.balanced, .C = fr->p.C};
    ml_candidate_describe(&d, rep->settings, sizeof rep->settings);
  }
  fr->ts = ml_trainset_new(&fr->p.feat);
  ml_trainset_add_many(fr->ts, fr->rc.l.n, text, fr->rc.lang, label, fr->p.threads);
}

/* Trains fr->m when there are enough labels; rep->trained says whether it
 * did (the note says why not: too few labels, or the trainer's message). */
static void fit(field_run_t *fr, triage_train_report_t *rep) {
  if (rep->n < TRAIN_MIN_ROWS) {
    snprintf(rep->note, sizeof rep->note, "%zu labelled tickets; at least %d are needed", rep->n,
             TRAIN_MIN_ROWS);
    return;
  }
  char err[200];
  /* each ticket's out-of-fold prediction, when every row became a document */
  if (ml_trainset_size(fr->ts) == fr->rc.l.n)
    fr->info.doc_pred = fr->doc_pred = util_xmalloc(fr->rc.l.n * sizeof *fr->doc_pred);
  if (ml_train(fr->ts, &fr->p, &fr->m, &fr->info, err, sizeof err)) {
    snprintf(rep->note, sizeof rep->note, "%s", err);
    return;
  }
  rep->trained = 1;
  rep->nclass = ml_model_nclass(fr->m);
  rep->accuracy = fr->info.accuracy;
  rep->macro_f1 = fr->info.macro_f1;
  rep->ece = fr->info.ece;
  rep->coverage = fr->info.coverage_at_target;
}

/* Stores the new model with its metrics (not active yet). Returns 0 or the
 * error, with a note and rep->trained cleared. */
static int store_new(store_t *s, field_run_t *fr, triage_train_report_t *rep) {
  int64_t last_ticket = 0;
  for (size_t i = 0; i < fr->rc.l.n; i++)
    if (fr->rc.l.id[i] > last_ticket) last_ticket = fr->rc.l.id[i];
  char *metrics = metrics_json(fr->m, &fr->info, &fr->p, &fr->search, last_ticket);
  int e = ml_model_save(fr->m, &fr->blob);
  store_model_t row = {.field = (char *)fr->field, .created_at = util_now(),
                       .n_train = (int64_t)rep->n, .metrics = metrics, .data = fr->blob.data,
                       .len = fr->blob.len};
  if (!e) e = store_model_insert(s, &row);
  free(metrics);
  if (e) {
    snprintf(rep->note, sizeof rep->note, "cannot store the model: %s", store_errmsg(s));
    rep->trained = 0;
    return e;
  }
  fr->model_id = rep->model_id = row.id;
  rep->version = row.version;
  return 0;
}

/* Promotion: on the tickets the active model never saw when there are
 * enough of them, on each model's own out-of-fold figures otherwise; the
 * new model is activated unless it is worse by more than 0.005 of
 * macro-F1 (or when force). Returns 0 or the store's error. */
static int promote(store_t *s, field_run_t *fr, int force, const store_auditor_t *who,
                   triage_train_report_t *rep) {
  active_ctx_t ac = {.field = fr->field};
  int e = 0;
  store_model_each(s, 1, 1, find_active, &ac);
  if (ac.found) {
    size_t nu = 0;
    if (ac.model && fr->doc_pred)
      nu = compare_unseen(&fr->rc, fr->doc_pred, fr->m, &ac, &rep->new_score, &rep->prev_score);
    if (nu >= TRAIN_MIN_COMPARE) {
      rep->compared_on = nu;
    } else {
      rep->new_score = rep->macro_f1;
      rep->prev_score = ac.macro_f1;
    }
  }
  if (force || !ac.found || rep->new_score >= rep->prev_score - 0.005) {
    e = store_model_activate(s, fr->model_id, who);
    if (e) snprintf(rep->note, sizeof rep->note, "cannot activate: %s", store_errmsg(s));
    else rep->activated = 1;
  } else if (rep->compared_on) {
    snprintf(rep->note, sizeof rep->note,
             "kept the active model: macro-F1 %.4f against %.4f on %zu tickets it had not seen",
             rep->new_score, rep->prev_score, rep->compared_on);
  } else {
    snprintf(rep->note, sizeof rep->note,
             "kept the active model: macro-F1 %.4f against %.4f (out-of-fold)", rep->new_score,
             rep->prev_score);
  }
  ml_model_free(&ac.model);
  return e;
}

int triage_train_field(store_t *s, const char *field, int force, const store_auditor_t *who,
                       triage_train_report_t *rep) {
  memset(rep, 0, sizeof *rep);
  snprintf(rep->field, sizeof rep->field, "%s", field);
  rep->new_score = rep->prev_score = -1;
  if (triage_field_index(field) < 0) {
    snprintf(rep->note, sizeof rep->note, "'%s' is not a field triage can learn", field);
    return UTIL_E_INVALID;
  }
  double t0 = util_monotonic();
  field_run_t fr = {.field = field};
  ml_params_defaults(&fr.p);
  util_buf_init(&fr.blob, (size_t)1 << 30);
  int e = read_labels(s, &fr, rep);
  if (e) goto out;
  choose_settings(&fr, rep);
  fit(&fr, rep);
  if (!rep->trained) goto out; /* not an error: the note says why */
  e = store_new(s, &fr, rep);
  if (e) goto out;
  e = promote(s, &fr, force, who, rep);
out:
  rep->seconds = util_monotonic() - t0;
  run_free(&fr);
  return e;
}
