/* relais duplicates: the duplicate check replayed on a desk's history.
 * Each ticket, in the order they were created, is checked as at its
 * creation against the tickets before it (open at that time); the truth is
 * the desk's "duplicate" signals (a ticket marked the duplicate of
 * another; the demo plants them: reworded copies by the same person, and
 * the incident burst's reports). Every other ticket is checked without
 * its category (as on a desk without a model yet). Prints precision and recall at the
 * default threshold, for the same person's copies and for others' reports
 * of one outage, the calibration of the probability, the check's latency,
 * and with --fit the weights a logistic fit on every candidate pair gives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../desk/desk.h"
#include "../ml/ml.h"
#include "cli_int.h"

typedef struct { int64_t id, requester, at; char *title, *desc, *cat; } dup_ticket_t;

typedef struct {
  dup_ticket_t *t;
  size_t n, cap;
  int64_t *parent; /* union-find over ids (index = id) */
  int64_t maxid;
  int *taken_requester_same; /* per id: 1 copy by the same person, 2 another's report, 0 none */
  util_buf_t x, y;           /* candidate pairs, for --fit */
  double *conf;
  int *correct;
  size_t nbest;
} dup_eval_t;

static int64_t find(dup_eval_t *e, int64_t a) {
  while (e->parent[a] != a) a = e->parent[a] = e->parent[e->parent[a]];
  return a;
}

static int load_ticket(const store_ticket_t *t, void *arg) {
  dup_eval_t *e = arg;
  if (e->n == e->cap) e->t = util_xrealloc(e->t, (e->cap = e->cap ? 2 * e->cap : 1024) * sizeof *e->t);
  const char *ti = t->v[STORE_TF_TITLE].s, *de = t->v[STORE_TF_DESCRIPTION].s, *cat = t->v[STORE_TF_CATEGORY].s;
  int64_t id = t->v[STORE_TF_ID].i;
  e->t[e->n++] = (dup_ticket_t){id, t->v[STORE_TF_REQUESTER_ID].i, t->v[STORE_TF_CREATED_AT].i,
                                util_xstrdup(ti ? ti : ""), util_xstrdup(de ? de : ""), cat ? util_xstrdup(cat) : NULL};
  if (id > e->maxid) e->maxid = id;
  return 0;
}

static int by_time(const void *a, const void *b) {
  const dup_ticket_t *x = a, *y = b;
  return x->at != y->at ? (x->at > y->at) - (x->at < y->at) : (x->id > y->id) - (x->id < y->id);
}

static int64_t requester_of(dup_eval_t *e, int64_t id) {
  for (size_t i = 0; i < e->n; i++)
    if (e->t[i].id == id) return e->t[i].requester;
  return 0;
}

static int add_signal(int64_t ticket, int64_t taken, void *arg) {
  dup_eval_t *e = arg;
  if (ticket > e->maxid || taken > e->maxid) return 0;
  int64_t a = find(e, ticket), b = find(e, taken);
  if (a != b) e->parent[a] = b;
  e->taken_requester_same[ticket] = requester_of(e, ticket) == requester_of(e, taken) ? 1 : 2;
  return 0;
}

typedef struct { dup_eval_t *e; int64_t id; } pair_ctx_t;

static int each_pair(const desk_dup_t *c, void *arg) {
  pair_ctx_t *p = arg;
  int same = find(p->e, p->id) == find(p->e, c->id) && p->e->taken_requester_same[p->id];
  util_buf_append(&p->e->x, c->f, sizeof c->f);
  util_buf_append(&p->e->y, &same, sizeof same);
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Expected calibration error of the best candidates' probabilities (10 bins). */
static double dup_ece(const dup_eval_t *e) {
  return ml_ece(e->nbest, e->correct, e->conf, 10);
}

/* Checks every ticket as at its creation; fills the counts. */
typedef struct {
  long flagged, tp, pos[3], found[3];
  double *ms;
} dup_counts_t;

static int replay(store_t *db, dup_eval_t *e, dup_counts_t *k) {
  for (size_t i = 0; i < e->n; i++) {
    const dup_ticket_t *t = &e->t[i];
    /* every other ticket without its category: a desk before its first
     * model, or a category nobody set yet */
    desk_dup_q_t q = {t->title, t->desc, t->requester, t->id, t->at, t->id % 2 ? t->cat : NULL};
    desk_dup_t best;
    pair_ctx_t pc = {e, t->id};
    double t0 = util_monotonic();
    int rc = desk_duplicate_check(db, &q, &best, each_pair, &pc);
    k->ms[i] = 1000.0 * (util_monotonic() - t0);
    if (rc) return rc;
    int kind = e->taken_requester_same[t->id];
    k->pos[kind]++;
    int right = best.id && kind && find(e, best.id) == find(e, t->id);
    if (best.id) {
      e->conf[e->nbest] = best.p;
      e->correct[e->nbest++] = right;
    }
    if (best.id && best.p >= DESK_DUP_THRESHOLD) {
      k->flagged++;
      k->tp += right;
      if (right) k->found[kind]++;
    }
  }
  return 0;
}

static void fit_print(dup_eval_t *e) {
  size_t n = e->y.len / sizeof(int);
  double w[DESK_DUP_NF + 1];
  if (ml_logistic_fit(n, DESK_DUP_NF, (const double *)e->x.data, (const int *)e->y.data, 1.0, w)) {
    printf("fit: not possible on these pairs (one class)\n");
    return;
  }
  printf("fit on %zu candidate pairs:", n);
  for (int j = 0; j < DESK_DUP_NF; j++) printf(" %s %.2f", desk_dup_feature_names[j], w[j]);
  printf(" bias %.2f\n", w[DESK_DUP_NF]);
}

static void report(dup_eval_t *e, dup_counts_t *k) {
  long pos = k->pos[1] + k->pos[2];
  printf("tickets checked   %zu (%ld duplicates: %ld the same person's copies, %ld others' reports of one outage)\n",
         e->n, pos, k->pos[1], k->pos[2]);
  printf("flagged at p >= %.2f: %ld; precision %.3f, recall %.3f (copies %.3f, outage reports %.3f)\n",
         DESK_DUP_THRESHOLD, k->flagged, k->flagged ? (double)k->tp / (double)k->flagged : 0.0,
         pos ? (double)k->tp / (double)pos : 0.0, k->pos[1] ? (double)k->found[1] / (double)k->pos[1] : 0.0,
         k->pos[2] ? (double)k->found[2] / (double)k->pos[2] : 0.0);
  printf("calibration       ECE %.3f over %zu best candidates\n", dup_ece(e), e->nbest);
  printf("other thresholds ");
  for (int tenth = 2; tenth <= 8; tenth++) {
    double th = tenth / 10.0;
    long fl = 0, tp = 0;
    for (size_t i = 0; i < e->nbest; i++)
      if (e->conf[i] >= th) fl++, tp += e->correct[i];
    printf(" %.1f: P %.3f R %.3f;", th, fl ? (double)tp / (double)fl : 0.0, pos ? (double)tp / (double)pos : 0.0);
  }
  printf("\n");
  qsort(k->ms, e->n, sizeof *k->ms, cmp_double);
  if (e->n)
    printf("check latency     p50 %.3f ms, p99 %.3f ms\n", k->ms[e->n / 2], k->ms[(size_t)((double)e->n * 0.99)]);
}

static void eval_free(dup_eval_t *e) {
  for (size_t i = 0; i < e->n; i++) free(e->t[i].title), free(e->t[i].desc), free(e->t[i].cat);
  free(e->t);
  free(e->parent);
  free(e->taken_requester_same);
  free(e->conf);
  free(e->correct);
  util_buf_free(&e->x);
  util_buf_free(&e->y);
}

int cli_duplicates(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--fit", 0, NULL}, {"--help", 0, NULL}, {NULL, 0, NULL}};
  int np = 0;
  if (cli_parse(argc, argv, opts, NULL, 0, &np)) return 2;
  if (cli_get(opts, "--help")) {
    printf("usage: relais duplicates [--fit] [--db FILE]\n"
           "Replays the duplicate check on the desk's history: each ticket, in the order\n"
           "they were created, against the tickets open at that time. The truth is the\n"
           "desk's duplicate signals (the demo plants them). Prints precision and recall\n"
           "at the default threshold, the calibration error, the check's latency and,\n"
           "with --fit, the weights a logistic fit on the candidate pairs gives.\n");
    return 0;
  }
  store_t *db = cli_open_db(opts);
  if (!db) return 1;
  dup_eval_t e = {0};
  util_buf_init(&e.x, (size_t)1 << 30);
  util_buf_init(&e.y, (size_t)1 << 28);
  int rc = store_ticket_each(db, load_ticket, &e);
  if (!rc) {
    qsort(e.t, e.n, sizeof *e.t, by_time);
    e.parent = util_xcalloc((size_t)e.maxid + 1, sizeof *e.parent);
    for (int64_t i = 0; i <= e.maxid; i++) e.parent[i] = i;
    e.taken_requester_same = util_xcalloc((size_t)e.maxid + 1, sizeof(int));
    e.conf = util_xcalloc(e.n + 1, sizeof(double));
    e.correct = util_xcalloc(e.n + 1, sizeof(int));
    rc = store_similar_signals_each(db, "duplicate", 1 << 30, add_signal, &e);
  }
  dup_counts_t k = {.ms = util_xcalloc(e.n + 1, sizeof(double))};
  if (!rc) rc = replay(db, &e, &k);
  if (!rc) {
    report(&e, &k);
    if (cli_get(opts, "--fit")) fit_print(&e);
  } else
    fprintf(stderr, "relais duplicates: %s\n", util_err_message(rc));
  free(k.ms);
  eval_free(&e);
  store_close(&db);
  return rc ? 1 : 0;
}
