/* The data-quality report of a triage field, from the store to the store:
 * its labelled tickets, the labels people confirmed, the report as JSON. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "insight.h"

/* The labelled tickets, copied out (title and description joined by a line
 * break, as training reads them). */
typedef struct {
  char **text, **label;
  int *lang;
  int64_t *id;
  unsigned char *confirmed;
  size_t n, cap;
} qrows_t;

static int add_row(const store_label_row_t *r, void *arg) {
  qrows_t *q = arg;
  if (q->n == q->cap) {
    q->cap = q->cap ? q->cap * 2 : 1024;
    q->text = util_xrealloc(q->text, q->cap * sizeof *q->text);
    q->label = util_xrealloc(q->label, q->cap * sizeof *q->label);
    q->lang = util_xrealloc(q->lang, q->cap * sizeof *q->lang);
    q->id = util_xrealloc(q->id, q->cap * sizeof *q->id);
  }
  size_t tl = r->title ? strlen(r->title) : 0, dl = strlen(r->description);
  char *t = util_xmalloc(tl + dl + 2);
  memcpy(t, r->title ? r->title : "", tl);
  t[tl] = '\n';
  memcpy(t + tl + 1, r->description, dl + 1);
  text_lang_t l;
  q->lang[q->n] = r->language && !text_lang_parse(r->language, &l) ? (int)l : -1;
  q->id[q->n] = r->ticket_id;
  q->text[q->n] = t;
  q->label[q->n++] = util_xstrdup(r->label);
  return 0;
}

static void qrows_free(qrows_t *q) {
  for (size_t i = 0; i < q->n; i++) {
    free(q->text[i]);
    free(q->label[i]);
  }
  free(q->text);
  free(q->label);
  free(q->lang);
  free(q->id);
  free(q->confirmed);
}

/* Marks the confirmed rows (ids ascending in both: rows come by ticket id). */
typedef struct {
  qrows_t *q;
  size_t at;
} confirm_ctx_t;

static int mark_confirmed(int64_t ticket_id, void *arg) {
  confirm_ctx_t *c = arg;
  while (c->at < c->q->n && c->q->id[c->at] < ticket_id) c->at++;
  if (c->at < c->q->n && c->q->id[c->at] == ticket_id) c->q->confirmed[c->at] = 1;
  return 0;
}

static json_t *report_json(const char *field, const insight_quality_t *r, const qrows_t *q) {
  json_t *o = json_object(), *cls = json_array(), *fs = json_array(), *counts = json_object();
  for (int k = 0; k < r->nclass; k++) json_array_append_new(cls, json_string(r->classes[k]));
  for (size_t i = 0; i < r->n; i++) {
    const insight_finding_t *f = &r->f[i];
    json_t *x = json_object(), *ids = json_array();
    for (size_t d = 0; d < f->ndocs; d++) json_array_append_new(ids, json_integer(q->id[f->docs[d]]));
    json_object_set_new(x, "kind", json_string(insight_kind_name(f->kind)));
    json_object_set_new(x, "label", f->label >= 0 ? json_string(r->classes[f->label]) : json_null());
    json_object_set_new(x, "suggest", f->suggest >= 0 ? json_string(r->classes[f->suggest]) : json_null());
    json_object_set_new(x, "score", json_real(f->score));
    if (f->kind == INSIGHT_MISLABEL) json_object_set_new(x, "self", json_real(f->self));
    json_object_set_new(x, "tickets", ids);
    json_array_append_new(fs, x);
  }
  for (int k = 0; k < INSIGHT_KIND_COUNT; k++) {
    size_t rows, n = insight_quality_count(r, (insight_kind_t)k, &rows);
    json_object_set_new(counts, insight_kind_name((insight_kind_t)k),
                        json_pack("{s:I, s:I}", "findings", (json_int_t)n, "tickets", (json_int_t)rows));
  }
  json_object_set_new(o, "field", json_string(field));
  json_object_set_new(o, "rows", json_integer((json_int_t)r->ndocs));
  json_object_set_new(o, "accuracy", json_real(r->accuracy));
  json_object_set_new(o, "seconds", json_real(r->seconds));
  json_object_set_new(o, "classes", cls);
  json_object_set_new(o, "counts", counts);
  json_object_set_new(o, "findings", fs);
  return o;
}

int insight_quality_refresh(store_t *s, const char *field, const ml_params_t *p, int64_t *id,
                            char *err, size_t errlen) {
  qrows_t q = {0};
  insight_quality_t r = {0};
  int rc = store_labels_each(s, field, add_row, &q);
  if (rc) {
    snprintf(err, errlen, "cannot read the labels of %s: %s", field, store_errmsg(s));
    goto out;
  }
  q.confirmed = util_xcalloc(q.n ? q.n : 1, 1);
  confirm_ctx_t cc = {&q, 0};
  rc = store_label_confirmed_each(s, field, mark_confirmed, &cc);
  if (rc) {
    snprintf(err, errlen, "cannot read the confirmed labels: %s", store_errmsg(s));
    goto out;
  }
  rc = insight_quality_run(q.n, (const char *const *)q.text, q.lang, (const char *const *)q.label,
                           q.confirmed, p, &r, err, errlen);
  if (rc) goto out;
  json_t *o = report_json(field, &r, &q);
  char *text = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  rc = store_quality_put(s, field, util_now(), (int64_t)q.n, text, id);
  free(text);
  if (rc) snprintf(err, errlen, "cannot store the report: %s", store_errmsg(s));
out:
  insight_quality_clear(&r);
  qrows_free(&q);
  return rc;
}
