/* The data-quality report of a triage field, from the store to the store:
 * its labelled tickets, the labels people confirmed, the report as JSON. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "insight.h"

/* The labelled tickets, with their languages as text's codes and the
 * rows a person confirmed. */
typedef struct {
  store_labels_t l;
  int *lang;
  unsigned char *confirmed;
} qrows_t;

static void qrows_free(qrows_t *q) {
  store_labels_free(&q->l);
  free(q->lang);
  free(q->confirmed);
}

/* Marks the confirmed rows (ids ascending in both: rows come by ticket id). */
typedef struct {
  qrows_t *q;
  size_t at;
} confirm_ctx_t;

static int mark_confirmed(int64_t ticket_id, void *arg) {
  confirm_ctx_t *c = arg;
  const store_labels_t *l = &c->q->l;
  while (c->at < l->n && l->id[c->at] < ticket_id) c->at++;
  if (c->at < l->n && l->id[c->at] == ticket_id) c->q->confirmed[c->at] = 1;
  return 0;
}

int insight_quality_refresh(store_t *s, const char *field, const ml_params_t *p, int64_t *id,
                            char *err, size_t errlen) {
  qrows_t q = {0};
  insight_quality_t r = {0};
  int rc = store_labels_load(s, field, &q.l);
  if (rc) {
    snprintf(err, errlen, "cannot read the labels of %s: %s", field, store_errmsg(s));
    goto out;
  }
  q.lang = util_xmalloc((q.l.n ? q.l.n : 1) * sizeof *q.lang);
  for (size_t i = 0; i < q.l.n; i++) {
    text_lang_t l;
    q.lang[i] = q.l.language[i] && !text_lang_parse(q.l.language[i], &l) ? (int)l : -1;
  }
  q.confirmed = util_xcalloc(q.l.n ? q.l.n : 1, 1);
  confirm_ctx_t cc = {&q, 0};
  rc = store_label_confirmed_each(s, field, mark_confirmed, &cc);
  if (rc) {
    snprintf(err, errlen, "cannot read the confirmed labels: %s", store_errmsg(s));
    goto out;
  }
  rc = insight_quality_run(q.l.n, (const char *const *)q.l.text, q.lang,
                           (const char *const *)q.l.label, q.confirmed, p, &r, err, errlen);
  if (rc) goto out;
  json_t *o = insight_quality_json(&r, q.l.id);
  json_object_set_new(o, "field", json_string(field));
  char *text = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  rc = store_quality_put(s, field, util_now(), (int64_t)q.l.n, text, id);
  free(text);
  if (rc) snprintf(err, errlen, "cannot store the report: %s", store_errmsg(s));
out:
  insight_quality_clear(&r);
  qrows_free(&q);
  return rc;
}
