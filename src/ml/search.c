/* Choosing a classifier's settings on the desk's own labelled tickets.
 *
 * A small grid (stemming, stop words, bigram and head-word weights,
 * character n-grams, class weights, C) is ranked by K-fold cross-validation
 * on the training documents only: macro-F1 first, accuracy to break ties,
 * then the grid's order (the defaults come first). Successive halving keeps
 * it fast: every candidate is ranked on a small seeded sample, the best
 * third on a sample three times larger, and so on up to the whole set
 * (Jamieson & Talwalkar, 2016). A sample holds at least ten documents a
 * class: with fewer, 3-fold macro-F1 rests on one or two documents of
 * most classes and drops good settings by chance (69 assignment groups
 * ranked on 391 tickets dropped the best one, 1.9 points of test macro-F1
 * lost). Samples are nested prefixes of one seeded
 * permutation, so each text setting's features are extracted once per
 * document, grown as the samples grow, and each document is analysed once
 * for all the text settings that need it. The candidates that share a text
 * setting share its vocabulary, its rows and their folds' labels, and all
 * their binary fits run on the training pool's threads.
 *
 * A candidate is ranked by the argmax of its raw one-vs-rest scores: the
 * calibration, which ml_train fits afterwards on the chosen setting, moves
 * every candidate alike. Character n-grams, the costliest features (five
 * to ten times the fitting time of words alone), enter the grid as
 * trigrams only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml_int.h"

#define SEARCH_ETA 3        /* a rung keeps the best third */
#define SEARCH_MIN_DOCS 300 /* the smallest sample a rung ranks on */
#define SEARCH_MIN_PER_CLASS 10 /* … and at least this many documents a class */

/* One text setting of the grid: its options and the features of the
 * first docs.n documents of the permutation. */
typedef struct {
  text_feat_opts_t feat;
  text_corpus_t docs;
  int live; /* a candidate still in the race uses it */
} tset_t;

/* One search; search_free releases what is set. */
typedef struct {
  size_t n;                   /* documents */
  const char *const *texts;   /* [n] borrowed */
  const int *langs;           /* [n] or NULL, borrowed */
  int *label;                 /* [n] class index */
  int K;                      /* classes */
  size_t *perm;               /* [n] seeded permutation: samples are its prefixes */
  const ml_params_t *base;    /* borrowed */
  tset_t *ts;                 /* [nts] */
  int nts;
  int *cand_ts;               /* [ncand] each candidate's text setting */
  int *alive;                 /* [ncand] 1 while in the race */
  ml_search_t *out;           /* borrowed: its candidates are the grid */
} search_t;

/* ---- the grid ---------------------------------------------------------------- */

typedef struct {
  float pair, head;
} weights_t;

static const int grid_stem[] = {1, 0};
static const int grid_stop[] = {1, 0};
static const weights_t grid_weights[] = {{0.6f, 0.5f}, {1.0f, 0.0f}};
static const int grid_char[] = {0, 3}; /* character n-grams: none, or trigrams */
static const int grid_bal[] = {0, 1};
static const double grid_C[] = {0.3, 0.1, 1.0};

#define NELEM(a) ((int)(sizeof(a) / sizeof *(a)))

/* How many values dimension bit takes: 1 when fixed (the base's value). */
static int dim(unsigned fixed, unsigned bit, int n) { return fixed & bit ? 1 : n; }

/* The text settings of the grid, defaults first; returns how many. */
static int grid_text(const ml_params_t *b, unsigned fixed, text_feat_opts_t *out) {
  int n = 0;
  for (int s = 0; s < dim(fixed, ML_FIX_STEM, NELEM(grid_stem)); s++)
    for (int p = 0; p < dim(fixed, ML_FIX_STOPWORDS, NELEM(grid_stop)); p++)
      for (int w = 0; w < dim(fixed, ML_FIX_WEIGHTS, NELEM(grid_weights)); w++)
        for (int c = 0; c < dim(fixed, ML_FIX_CHAR, NELEM(grid_char)); c++) {
          text_feat_opts_t o = b->feat;
          if (!(fixed & ML_FIX_STEM)) o.stem = grid_stem[s];
          if (!(fixed & ML_FIX_STOPWORDS)) o.stopwords = grid_stop[p];
          if (!(fixed & ML_FIX_WEIGHTS)) {
            o.pair_weight = grid_weights[w].pair;
            o.head_weight = grid_weights[w].head;
          }
          if (!(fixed & ML_FIX_CHAR)) {
            o.char_min = grid_char[c];
            o.char_max = grid_char[c] ? 3 : o.char_max;
          }
          out[n++] = o;
        }
  return n;
}

/* The candidates: each text setting with each class weighting and C. */
static void grid_build(search_t *S, unsigned fixed) {
  text_feat_opts_t tf[64];
  S->nts = grid_text(S->base, fixed, tf);
  S->ts = util_xcalloc((size_t)S->nts, sizeof *S->ts);
  int nb = dim(fixed, ML_FIX_BALANCED, NELEM(grid_bal)), nc = dim(fixed, ML_FIX_C, NELEM(grid_C));
  int total = S->nts * nb * nc;
  ml_search_t *o = S->out;
  o->cand = util_xcalloc((size_t)total, sizeof *o->cand);
  S->cand_ts = util_xmalloc((size_t)total * sizeof *S->cand_ts);
  S->alive = util_xmalloc((size_t)total * sizeof *S->alive);
  for (int t = 0; t < S->nts; t++) {
    S->ts[t].feat = tf[t];
    text_corpus_init(&S->ts[t].docs, &tf[t]);
    for (int b = 0; b < nb; b++)
      for (int c = 0; c < nc; c++) {
        ml_candidate_t *cd = &o->cand[o->ncand];
        cd->feat = tf[t];
        cd->balanced = fixed & ML_FIX_BALANCED ? S->base->balanced : grid_bal[b];
        cd->C = fixed & ML_FIX_C ? S->base->C : grid_C[c];
        cd->rung = -1;
        S->cand_ts[o->ncand] = t;
        S->alive[o->ncand++] = 1;
      }
  }
}

/* ---- features, grown with the samples ------------------------------------------ */

typedef struct {
  const search_t *S;
  size_t from, to;        /* permutation positions [from, to) */
  const int *need;        /* [nts] 1: extract this text setting */
  text_corpus_t *part;    /* [nts] this chunk's documents */
} grow_chunk_t;

static void *grow_run(void *arg) {
  grow_chunk_t *g = arg;
  const search_t *S = g->S;
  text_ctx_t *ctx = text_ctx_new();
  text_doc_t d;
  text_feats_t fs;
  text_doc_init(&d);
  text_feats_init(&fs);
  int stem = 0; /* analyse with stems when a setting uses them: the folded forms are there too */
  for (int t = 0; t < S->nts; t++) stem |= g->need[t] && S->ts[t].feat.stem;
  for (size_t r = g->from; r < g->to; r++) {
    size_t i = S->perm[r];
    const char *s = S->texts[i] ? S->texts[i] : "";
    if (ctx) text_analyse_opt(ctx, s, strlen(s), S->langs ? S->langs[i] : -1, stem, &d);
    for (int t = 0; t < S->nts; t++) {
      if (!g->need[t]) continue;
      text_features(&d, &S->ts[t].feat, &fs);
      text_corpus_add(&g->part[t], &d, &fs);
    }
  }
  text_feats_clear(&fs);
  text_doc_clear(&d);
  text_ctx_free(&ctx);
  return NULL;
}

/* Extends every live text setting to the first nr documents, on up to
 * threads threads (chunks appended in order: the result does not depend on
 * the threads). */
static void grow(search_t *S, size_t nr, int threads) {
  int *need = util_xcalloc((size_t)S->nts, sizeof *need);
  size_t have = nr;
  for (int t = 0; t < S->nts; t++)
    if (S->ts[t].live && S->ts[t].docs.n < nr) {
      need[t] = 1;
      if (S->ts[t].docs.n < have) have = S->ts[t].docs.n;
    }
  /* every live setting has either all nr or the same shorter prefix */
  if (have < nr) {
    if (threads < 1) threads = 1;
    if (threads > 16) threads = 16;
    grow_chunk_t ch[16];
    pthread_t th[16];
    int started[16] = {0};
    for (int c = 0; c < threads; c++) {
      ch[c] = (grow_chunk_t){S, have + (nr - have) * (size_t)c / (size_t)threads,
                             have + (nr - have) * (size_t)(c + 1) / (size_t)threads, need,
                             util_xcalloc((size_t)S->nts, sizeof(text_corpus_t))};
      for (int t = 0; t < S->nts; t++) text_corpus_init(&ch[c].part[t], &S->ts[t].feat);
      if (c > 0 && pthread_create(&th[c], NULL, grow_run, &ch[c]) == 0) started[c] = 1;
    }
    grow_run(&ch[0]);
    for (int c = 1; c < threads; c++) {
      if (started[c]) pthread_join(th[c], NULL);
      else grow_run(&ch[c]);
    }
    for (int c = 0; c < threads; c++) {
      for (int t = 0; t < S->nts; t++) {
        for (size_t i = 0; need[t] && i < ch[c].part[t].n; i++)
          text_corpus_append(&S->ts[t].docs, &ch[c].part[t], i);
        text_corpus_clear(&ch[c].part[t]);
      }
      free(ch[c].part);
    }
  }
  free(need);
}

/* ---- one text setting's candidates on one sample ---------------------------------- */

/* Cross-validates the live candidates of text setting t on the first nr
 * documents (fold of position r: r % folds); sets their scores. */
static void cv_text_setting(search_t *S, int t, size_t nr, int rung) {
  const ml_params_t *p = S->base;
  int K = S->K, folds = p->folds;
  if (folds < 2) return; /* ml_check_params refused it already */
  const text_corpus_t *docs = &S->ts[t].docs;
  text_vocab_t *v = text_vocab_fit(docs, p->min_df);
  uint32_t D = text_vocab_size(v);
  struct feature_node *block, **x = ml_rows_build(docs, v, &block);
  /* each fold's training rows, and its labels for each class */
  struct feature_node ***xf = util_xmalloc((size_t)folds * sizeof *xf);
  double **yf = util_xmalloc((size_t)folds * (size_t)K * sizeof *yf);
  int *lf = util_xcalloc((size_t)folds, sizeof *lf), *pos = util_xcalloc((size_t)folds * (size_t)K, sizeof *pos);
  double *cw = util_xmalloc((size_t)K * sizeof *cw), one = 1.0;
  size_t *cnt = util_xcalloc((size_t)K, sizeof *cnt);
  for (size_t r = 0; r < nr; r++) cnt[S->label[S->perm[r]]]++;
  for (int k = 0; k < K; k++) cw[k] = cnt[k] ? (double)nr / ((double)K * (double)cnt[k]) : 1.0;
  for (int f = 0; f < folds; f++) {
    xf[f] = util_xmalloc(nr * sizeof(struct feature_node *));
    for (int k = 0; k < K; k++) yf[f * K + k] = util_xmalloc(nr * sizeof **yf);
    for (size_t r = 0; r < nr; r++) {
      if ((int)(r % (size_t)folds) == f) continue;
      int lab = S->label[S->perm[r]];
      for (int k = 0; k < K; k++) pos[f * K + k] += (yf[f * K + k][lf[f]] = lab == k ? +1 : -1) > 0;
      xf[f][lf[f]++] = x[r];
    }
  }
  /* the jobs: every live candidate of t, fold and class */
  /* C grows as the sample shrinks (C · n / nr), so that every sample's fit
   * weighs its loss against the norm of w as the whole set's does: else a
   * small sample favours the settings that regularise least. */
  double cscale = (double)S->n / (double)nr;
  static int plus_one = +1;
  int nc = 0;
  for (int c = 0; c < S->out->ncand; c++) nc += S->alive[c] && S->cand_ts[c] == t;
  int per = folds * K, nj = nc * per;
  ml_job_t *jobs = util_xcalloc((size_t)(nj ? nj : 1), sizeof *jobs);
  int *which = util_xmalloc((size_t)(nc ? nc : 1) * sizeof *which);
  nc = 0;
  for (int c = 0; c < S->out->ncand; c++) {
    if (!S->alive[c] || S->cand_ts[c] != t) continue;
    const ml_candidate_t *cd = &S->out->cand[c];
    for (int f = 0; f < folds; f++)
      for (int k = 0; k < K; k++) {
        ml_job_t *jb = &jobs[nc * per + f * K + k];
        jb->prob = (struct problem){.l = lf[f], .n = (int)D + 1, .y = yf[f * K + k], .x = xf[f], .bias = 1.0};
        jb->skip = pos[f * K + k] == 0 || pos[f * K + k] == lf[f];
        jb->param = (struct parameter){.solver_type = p->solver, .eps = p->eps, .C = cd->C * cscale,
                                       .nr_weight = 1, .weight_label = &plus_one,
                                       .weight = cd->balanced ? &cw[k] : &one};
        jb->seed = p->seed * 131 + (uint64_t)(f * K + k);
      }
    which[nc++] = c;
  }
  ml_pool_t pool;
  ml_pool_start(&pool, jobs, nj, nj, p->threads);
  ml_pool_finish(&pool);
  /* held-out predictions of each candidate, scored */
  int *truth = util_xmalloc(nr * sizeof *truth), *pred = util_xmalloc(nr * sizeof *pred);
  double *conf = util_xmalloc(nr * sizeof *conf);
  for (int q = 0; q < nc; q++) {
    for (size_t r = 0; r < nr; r++) {
      int f = (int)(r % (size_t)folds), best = 0;
      double top = -INFINITY;
      for (int k = 0; k < K; k++) {
        const ml_job_t *jb = &jobs[q * per + f * K + k];
        double s = jb->skip || jb->model ? ml_job_score(jb, x[r], D) : -INFINITY;
        if (s > top) top = s, best = k;
      }
      truth[r] = S->label[S->perm[r]];
      pred[r] = best;
      conf[r] = 1.0;
    }
    ml_metrics_t mt;
    ml_metrics_compute(K, nr, truth, pred, conf, &mt);
    ml_candidate_t *cd = &S->out->cand[which[q]];
    cd->macro_f1 = mt.macro_f1;
    cd->accuracy = mt.accuracy;
    cd->rung = rung;
    ml_metrics_clear(&mt);
  }
  for (int j = 0; j < nj; j++)
    if (jobs[j].model) free_and_destroy_model(&jobs[j].model);
  for (int f = 0; f < folds; f++) {
    free(xf[f]);
    for (int k = 0; k < K; k++) free(yf[f * K + k]);
  }
  free(truth);
  free(pred);
  free(conf);
  free(which);
  free(jobs);
  free(xf);
  free(yf);
  free(lf);
  free(pos);
  free(cw);
  free(cnt);
  free(x);
  free(block);
  text_vocab_free(&v);
}

/* ---- rungs ------------------------------------------------------------------------- */

/* 1 when candidate a ranks before b. */
static int ranks_before(const ml_search_t *o, int a, int b) {
  const ml_candidate_t *x = &o->cand[a], *y = &o->cand[b];
  if (x->rung != y->rung) return x->rung > y->rung;
  if (x->macro_f1 != y->macro_f1) return x->macro_f1 > y->macro_f1;
  if (x->accuracy != y->accuracy) return x->accuracy > y->accuracy;
  return a < b;
}

/* Keeps the best keep of the live candidates; the others leave the race,
 * and so do the text settings no live candidate uses. */
static void cull(search_t *S, int keep) {
  int n = S->out->ncand;
  int *order = util_xmalloc((size_t)n * sizeof *order), m = 0;
  for (int c = 0; c < n; c++)
    if (S->alive[c]) order[m++] = c;
  for (int i = 1; i < m; i++) { /* insertion sort: a hundred candidates at most */
    int v = order[i], j = i;
    for (; j > 0 && ranks_before(S->out, v, order[j - 1]); j--) order[j] = order[j - 1];
    order[j] = v;
  }
  for (int i = keep; i < m; i++) S->alive[order[i]] = 0;
  if (m) S->out->best = order[0];
  for (int t = 0; t < S->nts; t++) S->ts[t].live = 0;
  for (int c = 0; c < n; c++)
    if (S->alive[c]) S->ts[S->cand_ts[c]].live = 1;
  for (int t = 0; t < S->nts; t++)
    if (!S->ts[t].live) {
      text_corpus_clear(&S->ts[t].docs);
      text_corpus_init(&S->ts[t].docs, &S->ts[t].feat);
    }
  free(order);
}

/* The samples: the whole set last, each rung before a third of the next,
 * none under SEARCH_MIN_DOCS or SEARCH_MIN_PER_CLASS documents for each
 * of the K classes, and no more rungs than halving the grid down to one
 * candidate takes. */
static int plan_rungs(size_t n, int ncand, int K, size_t *sizes) {
  int R = 1;
  size_t s = n, least = (size_t)K * SEARCH_MIN_PER_CLASS;
  if (least < SEARCH_MIN_DOCS) least = SEARCH_MIN_DOCS;
  for (int c = ncand; c > 1 && R < ML_SEARCH_MAX_RUNGS && s / SEARCH_ETA >= least;
       c = (c + SEARCH_ETA - 1) / SEARCH_ETA) {
    s /= SEARCH_ETA;
    R++;
  }
  for (int r = R - 1; r >= 0; r--, n /= SEARCH_ETA) sizes[r] = n;
  return R;
}

static void search_free(search_t *S) {
  for (int t = 0; S->ts && t < S->nts; t++) text_corpus_clear(&S->ts[t].docs);
  free(S->ts);
  free(S->cand_ts);
  free(S->alive);
  free(S->perm);
  free(S->label);
}

/* Class indexes of the labels (first appearance order); -1 for none. */
static int index_labels(search_t *S, const char *const *labels) {
  char **names = NULL;
  int K = 0, cap = 0;
  S->label = util_xmalloc((S->n ? S->n : 1) * sizeof *S->label);
  for (size_t i = 0; i < S->n; i++) {
    int k = 0;
    while (k < K && strcmp(names[k], labels[i]) != 0) k++;
    if (k == K) {
      if (K == cap) names = util_xrealloc(names, (size_t)(cap = cap ? cap * 2 : 16) * sizeof *names);
      names[K++] = (char *)labels[i];
    }
    S->label[i] = k;
  }
  free(names);
  return K;
}

int ml_search(size_t n, const char *const *texts, const int *langs, const char *const *labels,
              const ml_params_t *base, unsigned fixed, ml_search_t *out, char *err,
              size_t errlen) {
  double t0 = util_monotonic();
  memset(out, 0, sizeof *out);
  const char *bad = ml_check_params(base);
  if (bad) {
    snprintf(err, errlen, "%s", bad);
    return UTIL_E_INVALID;
  }
  search_t S = {.n = n, .texts = texts, .langs = langs, .base = base, .out = out};
  S.K = index_labels(&S, labels);
  if (S.K < 2 || n < 4 * (size_t)base->folds) {
    snprintf(err, errlen, "the search needs at least 2 classes and %d documents (found %d and %zu)",
             4 * base->folds, S.K, n);
    search_free(&S);
    return UTIL_E_INVALID;
  }
  S.perm = util_xmalloc(n * sizeof *S.perm);
  for (size_t i = 0; i < n; i++) S.perm[i] = i;
  uint64_t rs = base->seed ^ 0x5ea2c4ull;
  util_shuffle(S.perm, n, &rs);
  set_print_string_function(ml_quiet);
  grid_build(&S, fixed);
  for (int t = 0; t < S.nts; t++) S.ts[t].live = 1;
  out->folds = base->folds;
  out->rungs = plan_rungs(n, out->ncand, S.K, out->rung_n);
  int live = out->ncand;
  for (int r = 0; r < out->rungs; r++) {
    grow(&S, out->rung_n[r], base->threads);
    for (int t = 0; t < S.nts; t++)
      if (S.ts[t].live) cv_text_setting(&S, t, out->rung_n[r], r);
    live = r + 1 < out->rungs ? (live + SEARCH_ETA - 1) / SEARCH_ETA : 1;
    cull(&S, live);
  }
  out->seconds = util_monotonic() - t0;
  search_free(&S);
  return 0;
}

void ml_search_apply(const ml_search_t *s, ml_params_t *p) {
  if (!s->cand || s->best < 0 || s->best >= s->ncand) return;
  const ml_candidate_t *c = &s->cand[s->best];
  p->feat = c->feat;
  p->balanced = c->balanced;
  p->C = c->C;
}

size_t ml_candidate_describe(const ml_candidate_t *c, char *out, size_t cap) {
  char chars[40] = "no character n-grams";
  if (c->feat.char_min > 0)
    snprintf(chars, sizeof chars, "character %d-%d-grams", c->feat.char_min, c->feat.char_max);
  int w = snprintf(out, cap, "%s, stop words %s, bigrams x%.2g, head words x%.2g, %s, classes %s, C %g",
                   c->feat.stem ? "stems" : "whole words", c->feat.stopwords ? "dropped" : "kept",
                   (double)c->feat.pair_weight, (double)c->feat.head_weight, chars,
                   c->balanced ? "balanced" : "unweighted", c->C);
  return w < 0 ? 0 : (size_t)w < cap ? (size_t)w : cap - 1;
}

void ml_search_clear(ml_search_t *s) {
  free(s->cand);
  memset(s, 0, sizeof *s);
}
