/* Similar tickets: the full-text index's candidates for a text, each
 * scored by the ranker (search.h) on its features against the query, kept
 * when they share enough words, best first. The query's missing category,
 * service and CI are the models' probabilities; its TF-IDF row is the
 * category model's. */
#include <stdlib.h>
#include <string.h>

#include "desk_int.h"

#define SIMILAR_MIN 0.15 /* word cosine below: not shown (a word or two in common by chance) */
/* The candidates' query reads the index's lists of its words and ranks
 * every ticket they hold: its cost grows with their length. So it reads
 * the rarest words first, as long as their lists hold SIMILAR_POSTINGS
 * tickets in all, two words at least whatever their size; and when those
 * lists are still longer (common words on a large desk), it reads them
 * among the newest tickets only, as many as keep about SIMILAR_POSTINGS
 * of their entries (a recent ticket is the likelier help anyway). On a
 * desk of a few thousand tickets every word is read whole. */
#define SIMILAR_POSTINGS 5000
#define SIMILAR_MIN_WORDS 2

static const struct { const char *field; store_tf_t tf; int rf; } similar_fields[] = {
    {"category", STORE_TF_CATEGORY, SEARCH_RF_CATEGORY},
    {"service", STORE_TF_SERVICE, SEARCH_RF_SERVICE},
    {"ci", STORE_TF_CI, SEARCH_RF_CI},
};
#define NFIELDS (sizeof similar_fields / sizeof similar_fields[0])

typedef struct {
  const desk_similar_q_t *q;
  desk_similar_t *out;
  int cap;
  text_ctx_t *ctx;
  /* per field: the known value, or the model and its probabilities */
  const char *known[NFIELDS];
  const ml_model_t *model[NFIELDS];
  double *probs[NFIELDS];
  const text_vocab_t *vocab; /* the TF-IDF of the category model, or NULL */
  const text_row_t *qrow;    /* the query's row in it (in ms, predicted last) */
  text_vec_scratch_t vs;
  search_grams_t qgrams, grams;
  ml_scratch_t ms;
} similar_run_t;

static char *dup_or_null(const char *s) { return s ? util_xstrdup(s) : NULL; }

/* The chance that the query and a candidate holding value agree on field i. */
static double agree(const similar_run_t *r, size_t i, const char *value) {
  if (!value || !*value) return 0.0;
  if (r->known[i]) return strcmp(r->known[i], value) == 0 ? 1.0 : 0.0;
  if (!r->model[i]) return 0.0;
  int k = ml_model_class_index(r->model[i], value);
  return k >= 0 ? r->probs[i][k] : 0.0;
}

static void features(similar_run_t *r, const store_similar_row_t *row, const char *both, double *f) {
  f[SEARCH_RF_BM25_TITLE] = row->bm25_title;  /* over the best, once all are in */
  f[SEARCH_RF_BM25_BODY] = row->bm25_body;
  f[SEARCH_RF_TFIDF] = 0.0;
  if (r->vocab) {
    const text_row_t *cr = text_vocab_vectorise(r->vocab, r->ctx, &r->vs, both, strlen(both), -1);
    f[SEARCH_RF_TFIDF] = text_row_cosine(r->qrow, cr);
  }
  search_grams_of(both, &r->grams);
  f[SEARCH_RF_CHARS] = search_grams_overlap(&r->qgrams, &r->grams);
  f[SEARCH_RF_CATEGORY] = agree(r, 0, row->category);
  f[SEARCH_RF_SERVICE] = agree(r, 1, row->service);
  f[SEARCH_RF_CI] = agree(r, 2, row->ci);
  f[SEARCH_RF_REQUESTER] = r->q->requester_id && r->q->requester_id == row->requester_id;
  f[SEARCH_RF_RECENCY] = search_recency(r->q->at, row->created_at);
}

static int similar_one(const store_similar_row_t *row, void *arg) {
  similar_run_t *r = arg;
  /* a candidate is judged on its start: its title and its description's first bytes */
  char *both = desk_ticket_text(row->title, row->description, DESK_CANDIDATE_TEXT);
  desk_similar_hit_t h = {.id = row->id};
  int nwords = search_alike_words(r->out->alike)->n, nshared = 0;
  h.similarity = search_alike_score(r->out->alike, both, h.shared);
  for (int i = 0; i < nwords; i++) nshared += h.shared[i];
  /* two words in common at least (one for a one-word text): one common word is chance */
  if (h.similarity >= SIMILAR_MIN && nshared >= (nwords < 2 ? nwords : 2) && r->out->n < r->cap) {
    h.f[SEARCH_RF_WORDS] = h.similarity;
    features(r, row, both, h.f);
    h.title = util_xstrdup(row->title ? row->title : "");
    h.status = dup_or_null(row->status);
    h.category = dup_or_null(row->category);
    h.resolution = dup_or_null(row->resolution);
    h.resolved_at = row->resolved_at;
    r->out->hit[r->out->n++] = h;
  }
  free(both);
  return 0;
}

static int by_score(const void *a, const void *b) {
  const desk_similar_hit_t *x = a, *y = b;
  return x->score > y->score ? -1 : x->score < y->score ? 1 : (x->id > y->id) - (x->id < y->id);
}

/* BM25 over the best candidate's (per query: its scale depends on the words), then the scores. */
static void rank_all(similar_run_t *r) {
  double best[2] = {0, 0};
  desk_similar_t *o = r->out;
  for (int i = 0; i < o->n; i++)
    for (int j = 0; j < 2; j++)
      if (o->hit[i].f[j] > best[j]) best[j] = o->hit[i].f[j];
  for (int i = 0; i < o->n; i++) {
    for (int j = 0; j < 2; j++) o->hit[i].f[j] = best[j] > 0 ? o->hit[i].f[j] / best[j] : 0.0;
    o->hit[i].score = search_ranker_prob(r->q->ranker, o->hit[i].f);
  }
  qsort(o->hit, (size_t)o->n, sizeof *o->hit, by_score);
}

/* The query's side: known values, the models' probabilities, its rows. */
static void similar_setup(similar_run_t *r, const char *text) {
  const char *known[NFIELDS] = {r->q->category, r->q->service, r->q->ci};
  for (size_t i = NFIELDS; i-- > 0;) { /* the category last: its row stays in ms */
    r->known[i] = known[i] && *known[i] ? known[i] : NULL;
    int fi = triage_field_index(similar_fields[i].field);
    const ml_model_t *m = r->q->set && fi >= 0 ? triage_set_model(r->q->set, fi, NULL, NULL) : NULL;
    int need = !r->known[i] || (i == 0 && m); /* the category model gives the TF-IDF row too */
    if (!m || !need) continue;
    r->probs[i] = util_xcalloc((size_t)ml_model_nclass(m), sizeof(double));
    ml_predict(m, r->ctx, &r->ms, text, strlen(text), -1, r->probs[i]);
    if (!r->known[i]) r->model[i] = m;
    if (i == 0) {
      r->vocab = ml_model_vocab(m);
      r->qrow = &r->ms.row;
    }
  }
  search_grams_of(text, &r->qgrams);
}

static void run_clear(similar_run_t *r) {
  for (size_t i = 0; i < NFIELDS; i++) free(r->probs[i]);
  text_vec_scratch_clear(&r->vs);
  ml_scratch_clear(&r->ms);
  text_ctx_free(&r->ctx);
}

/* The expression of the candidates' query: the rarest words within the
 * budget, and in *from_id the first ticket it reads. Owned. */
static char *similar_match(store_t *db, const search_words_t *w, int64_t *from_id) {
  int64_t df[SEARCH_WORDS_MAX], used = 0, last = store_ticket_last_id(db);
  *from_id = 0;
  int keep[SEARCH_WORDS_MAX] = {0}, order[SEARCH_WORDS_MAX], kept = 0;
  for (int i = 0; i < w->n; i++) {
    order[i] = i;
    if (store_similar_df(db, w->word[i], &df[i])) return util_xstrdup(w->match);
  }
  for (int i = 1; i < w->n; i++) /* rarest first (insertion sort: 24 words at most) */
    for (int j = i; j > 0 && df[order[j]] < df[order[j - 1]]; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  for (int k = 0; k < w->n; k++) {
    int i = order[k];
    if (kept >= SIMILAR_MIN_WORDS && used + df[i] > SIMILAR_POSTINGS) break;
    keep[i] = 1, kept++, used += df[i];
  }
  if (used > SIMILAR_POSTINGS && last > 0)
    *from_id = last - (int64_t)((double)last * SIMILAR_POSTINGS / (double)used);
  return search_words_match(w, keep);
}

int desk_similar(store_t *db, const desk_similar_q_t *q, desk_similar_t *out) {
  memset(out, 0, sizeof *out);
  char *text = desk_ticket_text(q->title, q->description, 0);
  out->alike = search_alike_new(text);
  if (!out->alike) {
    free(text);
    return 0; /* no search word: nothing is alike */
  }
  similar_run_t r = {.q = q, .out = out, .cap = DESK_SIMILAR_CANDIDATES, .ctx = text_ctx_new()};
  if (!r.ctx) {
    free(text);
    desk_similar_clear(out);
    return UTIL_E_INTERNAL; /* the stemmers are linked in: only memory fails */
  }
  text_vec_scratch_init(&r.vs);
  ml_scratch_init(&r.ms);
  out->hit = util_xcalloc(DESK_SIMILAR_CANDIDATES, sizeof *out->hit);
  similar_setup(&r, text);
  free(text);
  int64_t from_id = 0;
  char *match = q->every_word ? util_xstrdup(search_alike_words(out->alike)->match)
                              : similar_match(db, search_alike_words(out->alike), &from_id);
  int rc = store_similar_candidates(db, match, q->exclude, from_id, q->resolved_only, DESK_SIMILAR_CANDIDATES,
                                    similar_one, &r);
  free(match);
  if (!rc) rank_all(&r);
  run_clear(&r);
  if (rc) desk_similar_clear(out);
  return rc;
}

void desk_similar_clear(desk_similar_t *s) {
  for (int i = 0; i < s->n; i++) {
    free(s->hit[i].title);
    free(s->hit[i].status);
    free(s->hit[i].category);
    free(s->hit[i].resolution);
  }
  free(s->hit);
  search_alike_free(&s->alike);
  memset(s, 0, sizeof *s);
}

/* ---- learning from what people took ------------------------------------------------ */
#define TRAIN_SIGNALS 5000 /* the newest ones */

typedef struct { int64_t ticket, taken; } signal_t;
typedef struct { signal_t *v; size_t n; } signals_t;

static int signal_add(int64_t ticket, int64_t taken, void *arg) {
  signals_t *s = arg;
  s->v[s->n++] = (signal_t){ticket, taken};
  return 0;
}

static int by_ticket(const void *a, const void *b) {
  const signal_t *x = a, *y = b;
  return (x->ticket > y->ticket) - (x->ticket < y->ticket);
}

/* Appends the rows of the query sig[0].ticket (every candidate; 1 for each
 * one taken in sig[0..k)); returns how many taken were among them. */
static int train_query(store_t *db, const triage_set_t *set, const signal_t *sig, size_t k, util_buf_t *x,
                       util_buf_t *y) {
  store_ticket_t t;
  if (store_ticket_get(db, sig[0].ticket, &t)) return 0;
  search_ranker_t dflt;
  search_ranker_default(&dflt);
  desk_similar_q_t q = {.title = t.v[STORE_TF_TITLE].s, .description = t.v[STORE_TF_DESCRIPTION].s,
                        .exclude = sig[0].ticket, .requester_id = t.v[STORE_TF_REQUESTER_ID].i,
                        .at = t.v[STORE_TF_CREATED_AT].i, .category = t.v[STORE_TF_CATEGORY].s,
                        .service = t.v[STORE_TF_SERVICE].s, .ci = t.v[STORE_TF_CI].s, .set = set,
                        .ranker = &dflt};
  desk_similar_t sm;
  int found = 0;
  if (!desk_similar(db, &q, &sm)) {
    for (int i = 0; i < sm.n; i++) {
      int taken = 0;
      for (size_t j = 0; j < k && !taken; j++) taken = sig[j].taken == sm.hit[i].id;
      found += taken;
      util_buf_append(x, sm.hit[i].f, sizeof sm.hit[i].f);
      util_buf_append(y, &taken, sizeof taken);
    }
    desk_similar_clear(&sm);
  }
  store_ticket_clear(&t);
  return found;
}

int desk_similar_train(store_t *db, const triage_set_t *set, search_ranker_t *r, desk_rank_report_t *rep) {
  memset(rep, 0, sizeof *rep);
  signals_t s = {util_xcalloc(TRAIN_SIGNALS, sizeof(signal_t)), 0};
  int rc = store_similar_signals_each(db, NULL, TRAIN_SIGNALS, signal_add, &s);
  util_buf_t x, y;
  util_buf_init(&x, (size_t)TRAIN_SIGNALS * DESK_SIMILAR_CANDIDATES * sizeof(double) * SEARCH_RF_COUNT);
  util_buf_init(&y, (size_t)TRAIN_SIGNALS * DESK_SIMILAR_CANDIDATES * sizeof(int));
  if (!rc) {
    qsort(s.v, s.n, sizeof *s.v, by_ticket);
    rep->signals = (int64_t)s.n;
    for (size_t i = 0, k; i < s.n; i += k) {
      for (k = 1; i + k < s.n && s.v[i + k].ticket == s.v[i].ticket; k++) {}
      rep->found += train_query(db, set, s.v + i, k, &x, &y);
    }
    rep->rows = (int64_t)(y.len / sizeof(int));
    rc = util_buf_error(&x) ? util_buf_error(&x) : util_buf_error(&y);
    if (!rc) rc = search_ranker_fit((size_t)rep->rows, (const double *)x.data, (const int *)y.data, r);
    if (rc) search_ranker_default(r); /* too few of them among the candidates */
  }
  util_buf_free(&x);
  util_buf_free(&y);
  free(s.v);
  return rc == UTIL_E_INVALID ? 0 : rc;
}

void desk_similar_ranker(store_t *db, search_ranker_t *r, int64_t *signals) {
  search_ranker_default(r);
  if (signals) *signals = 0;
  char *s = NULL;
  if (store_setting_get(db, DESK_RANKER_SETTING, &s) || !s) return;
  json_t *j = json_loads(s, 0, NULL);
  if (j && search_ranker_from_json(j, r)) search_ranker_default(r);
  if (j && signals) *signals = json_integer_value(json_object_get(j, "signals"));
  json_decref(j);
  free(s);
}

int desk_similar_refit(store_t *db, const triage_set_t *set, search_ranker_t *r, desk_rank_report_t *rep) {
  int rc = desk_similar_train(db, set, r, rep);
  if (rc) return rc;
  json_t *j = search_ranker_json(r);
  json_object_set_new(j, "signals", json_integer(rep->signals));
  json_object_set_new(j, "found", json_integer(rep->found));
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  rc = s ? store_setting_set(db, DESK_RANKER_SETTING, s) : UTIL_E_INTERNAL;
  free(s);
  return rc;
}

char *desk_ticket_text(const char *title, const char *description, size_t max) {
  const char *ti = title ? title : "", *de = description ? description : "";
  int dn = (int)(max ? util_utf8_prefix(de, max) : strlen(de));
  size_t n = strlen(ti) + (size_t)dn + 2;
  char *text = util_xmalloc(n);
  snprintf(text, n, "%s\n%.*s", ti, dn, de);
  return text;
}
