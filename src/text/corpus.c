/* Corpora: documents kept as their hashed features (the text itself is not
 * kept), in one pool with an offset per document, and optionally the text
 * of each feature hash for naming a vocabulary's features. */
#include <stdlib.h>
#include <string.h>

#include "text_int.h"

void text_corpus_init(text_corpus_t *c, const text_feat_opts_t *feat) {
  memset(c, 0, sizeof *c);
  c->feat = *feat;
  c->start = util_xcalloc(1, sizeof *c->start);
  text_doc_init(&c->doc);
  text_feats_init(&c->feats);
}

static void terms_free(struct text_terms *t) {
  if (!t) return;
  free(t->key);
  free(t->off);
  free(t->arena);
  free(t);
}

void text_corpus_clear(text_corpus_t *c) {
  free(c->start);
  free(c->hash);
  free(c->val);
  terms_free(c->terms);
  text_doc_clear(&c->doc);
  text_feats_clear(&c->feats);
  memset(c, 0, sizeof *c);
}

/* ---- terms ------------------------------------------------------------------ */

static void terms_alloc(struct text_terms *t, size_t cap) {
  t->key = util_xcalloc(cap, sizeof *t->key);
  t->off = util_xcalloc(cap, sizeof *t->off);
  t->mask = cap - 1;
  t->used = 0;
}

void text_corpus_keep_terms(text_corpus_t *c) {
  if (c->terms) return;
  c->terms = util_xcalloc(1, sizeof *c->terms);
  terms_alloc(c->terms, 1024);
}

const char *text_terms_get(const struct text_terms *t, uint64_t h) {
  if (!h) h = 1;
  for (size_t i = h & t->mask; t->key[i]; i = (i + 1) & t->mask)
    if (t->key[i] == h) return t->arena + t->off[i];
  return NULL;
}

static void terms_grow(struct text_terms *t) {
  uint64_t *key = t->key;
  uint32_t *off = t->off;
  size_t old = t->mask + 1;
  terms_alloc(t, old * 2);
  for (size_t i = 0; i < old; i++) {
    if (!key[i]) continue;
    size_t j = key[i] & t->mask;
    while (t->key[j]) j = (j + 1) & t->mask;
    t->key[j] = key[i];
    t->off[j] = off[i];
    t->used++;
  }
  free(key);
  free(off);
}

/* Records term s[0..n) for hash h unless h already has one. */
static void terms_put(struct text_terms *t, uint64_t h, const char *s, size_t n) {
  if (!h) h = 1;
  size_t i = h & t->mask;
  while (t->key[i] && t->key[i] != h) i = (i + 1) & t->mask;
  if (t->key[i]) return; /* the first document's text wins */
  if (n > TEXT_VOCAB_MAX_TERM) n = TEXT_VOCAB_MAX_TERM;
  if (t->alen + n + 1 > t->acap) {
    t->acap = (t->alen + n + 1) * 2 + 4096;
    t->arena = util_xrealloc(t->arena, t->acap);
  }
  memcpy(t->arena + t->alen, s, n);
  t->arena[t->alen + n] = '\0';
  t->key[i] = h;
  t->off[i] = (uint32_t)t->alen;
  t->alen += n + 1;
  if (++t->used * 2 > t->mask) terms_grow(t);
}

/* ---- documents ---------------------------------------------------------------- */

/* Makes room for one more document of nf features; returns where they go. */
static size_t reserve(text_corpus_t *c, size_t nf) {
  if (c->n + 1 >= c->doc_cap) {
    c->doc_cap = c->doc_cap ? c->doc_cap * 2 : 1024;
    c->start = util_xrealloc(c->start, (c->doc_cap + 1) * sizeof *c->start);
  }
  size_t at = c->start[c->n], need = at + nf;
  if (need > c->pool_cap) {
    size_t cap = c->pool_cap ? c->pool_cap : 1 << 16;
    while (cap < need) cap *= 2;
    c->hash = util_xrealloc(c->hash, cap * sizeof *c->hash);
    c->val = util_xrealloc(c->val, cap * sizeof *c->val);
    c->pool_cap = cap;
  }
  return at;
}

size_t text_corpus_add(text_corpus_t *c, const text_doc_t *d, const text_feats_t *fs) {
  size_t at = reserve(c, fs->n);
  char term[TEXT_VOCAB_MAX_TERM];
  for (size_t i = 0; i < fs->n; i++) {
    c->hash[at + i] = fs->f[i].hash;
    c->val[at + i] = fs->f[i].value;
    if (c->terms && !text_terms_get(c->terms, fs->f[i].hash)) {
      size_t tn = text_feat_term(d, &c->feat, &fs->f[i], term, sizeof term);
      terms_put(c->terms, fs->f[i].hash, term, tn);
    }
  }
  c->start[c->n + 1] = at + fs->n;
  return c->n++;
}

size_t text_corpus_add_text(text_corpus_t *c, text_ctx_t *ctx, const char *text, size_t n,
                            int lang) {
  text_analyse_opt(ctx, text, n, lang, c->feat.stem, &c->doc);
  text_features(&c->doc, &c->feat, &c->feats);
  return text_corpus_add(c, &c->doc, &c->feats);
}

size_t text_corpus_append(text_corpus_t *c, const text_corpus_t *src, size_t i) {
  size_t a = src->start[i], nf = src->start[i + 1] - a;
  size_t at = reserve(c, nf);
  memcpy(c->hash + at, src->hash + a, nf * sizeof *c->hash);
  memcpy(c->val + at, src->val + a, nf * sizeof *c->val);
  for (size_t f = 0; c->terms && src->terms && f < nf; f++) {
    const char *t = text_terms_get(src->terms, src->hash[a + f]);
    if (t) terms_put(c->terms, src->hash[a + f], t, strlen(t));
  }
  c->start[c->n + 1] = at + nf;
  return c->n++;
}
