/* Hashed features of an analysed document.
 *
 * Three kinds, each hashed with its own seed so that they never collide by
 * construction: stems (unigrams), pairs of consecutive content stems
 * (bigrams, stop words skipped), and byte n-grams of each folded word framed
 * as "<word>" (they catch typos, compounds and inflections the stemmer
 * misses). Values are sublinear term frequencies, 1 + ln(count), times the
 * weight of their kind: bigrams count less than words (0.6: measured by
 * 3-fold CV on the topic set's training part, +0.2 point of accuracy and
 * +0.4 of macro-F1 over 1). The first words of the first line (a ticket's
 * title, or the subject that starts a mail) are also features of their own,
 * "head words", at half weight (same CV: +0.2 point of accuracy).
 * Weighting by IDF and normalising belong to the vectoriser (vocab.c),
 * which knows the corpus. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text_int.h"

static const uint64_t SEED_WORD = 0x9e3779b97f4a7c15ull, SEED_PAIR = 0xc2b2ae3d27d4eb4full,
                      SEED_CHAR = 0x165667b19e3779f9ull, SEED_HEAD = 0x85ebca77c2b2ae63ull;

uint64_t text_hash(uint64_t seed, const char *s, size_t n) {
  /* FNV-1a, then the MurmurHash3 finaliser so that low bits mix well. */
  uint64_t h = 0xcbf29ce484222325ull ^ seed;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

void text_feat_defaults(text_feat_opts_t *o) {
  o->word_ngrams = 2;
  o->char_min = 0; /* measured: +0.1 to +0.3 point of macro-F1 for 4x the training time */
  o->char_max = 5;
  o->stem = 1;
  o->stopwords = 1;
  o->pair_weight = 0.6f;
  o->char_weight = 1.0f;
  o->head_tokens = 6;
  o->head_weight = 0.5f;
}

void text_feats_init(text_feats_t *fs) { memset(fs, 0, sizeof *fs); }

void text_feats_clear(text_feats_t *fs) {
  free(fs->f);
  text_feats_init(fs);
}

static void push(text_feats_t *fs, uint64_t h, int32_t a, int32_t b, int kind) {
  if (fs->n == fs->cap) {
    fs->cap = fs->cap ? fs->cap * 2 : 256;
    fs->f = util_xrealloc(fs->f, fs->cap * sizeof *fs->f);
  }
  fs->f[fs->n++] = (text_feat_t){h, 1.0f, a, b, (int16_t)kind, 0, 0};
}

/* Order of features: by hash, then first occurrence first. */
static inline int feat_less(const text_feat_t *a, const text_feat_t *b) {
  return a->hash != b->hash ? a->hash < b->hash : a->tok_a < b->tok_a;
}

/* Sorts a document's features (a few dozen to a few hundred): quicksort
 * with a median-of-three pivot down to short runs, then one insertion
 * pass. qsort's indirect comparisons made it the costliest step of feature
 * extraction. Equal keys are identical features, so stability is moot. */
static void feat_sort(text_feat_t *f, size_t n) {
  while (n > 16) {
    size_t mid = n / 2, last = n - 1;
    text_feat_t t;
    if (feat_less(&f[mid], &f[0])) t = f[mid], f[mid] = f[0], f[0] = t;
    if (feat_less(&f[last], &f[0])) t = f[last], f[last] = f[0], f[0] = t;
    if (feat_less(&f[last], &f[mid])) t = f[last], f[last] = f[mid], f[mid] = t;
    text_feat_t pivot = f[mid];
    size_t i = 0, j = last;
    for (;;) { /* Hoare partition: f[0..j] <= pivot <= f[j+1..] */
      while (feat_less(&f[i], &pivot)) i++;
      while (feat_less(&pivot, &f[j])) j--;
      if (i >= j) break;
      t = f[i], f[i] = f[j], f[j] = t;
      i++, j--;
    }
    /* recurse into the smaller side, loop on the larger: O(log n) depth */
    if (j + 1 < n - j - 1) {
      feat_sort(f, j + 1);
      f += j + 1, n -= j + 1;
    } else {
      feat_sort(f + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  for (size_t i = 1; i < n; i++) {
    text_feat_t v = f[i];
    size_t k = i;
    for (; k > 0 && feat_less(&v, &f[k - 1]); k--) f[k] = f[k - 1];
    f[k] = v;
  }
}

static int kept(const text_token_t *t, const text_feat_opts_t *o) {
  return !(t->stop && o->stopwords) && t->form_len >= 2;
}

static void char_grams(const text_doc_t *d, const text_token_t *t, int32_t ti,
                       const text_feat_opts_t *o, text_feats_t *fs) {
  char w[TEXT_MAX_TOKEN + 3];
  size_t n = t->form_len;
  w[0] = '<';
  memcpy(w + 1, d->arena + t->form, n);
  w[n + 1] = '>';
  n += 2;
  for (int g = o->char_min; g <= o->char_max; g++) {
    if ((size_t)g > n) break;
    for (size_t i = 0; i + (size_t)g <= n; i++) {
      /* whole code points only: no gram starts or ends inside one */
      if (((unsigned char)w[i] & 0xC0) == 0x80) continue;
      if (i + g < n && ((unsigned char)w[i + g] & 0xC0) == 0x80) continue;
      push(fs, text_hash(SEED_CHAR, w + i, (size_t)g), ti, -1, TEXT_FEAT_CHAR);
      fs->f[fs->n - 1].gram_off = (uint8_t)i; /* n <= TEXT_MAX_TOKEN + 2 < 256 */
      fs->f[fs->n - 1].gram_len = (uint8_t)g;
    }
  }
}

void text_features(const text_doc_t *d, const text_feat_opts_t *o, text_feats_t *fs) {
  fs->n = 0;
  int head = 0;
  int32_t prev = -1;
  for (size_t i = 0; i < d->n; i++) {
    const text_token_t *t = &d->tok[i];
    if (!kept(t, o)) continue;
    const char *stem = d->arena + (o->stem ? t->stem : t->form);
    size_t tn = o->stem ? t->stem_len : t->form_len;
    push(fs, text_hash(SEED_WORD, stem, tn), (int32_t)i, -1, TEXT_FEAT_WORD);
    if (o->head_weight > 0 && head < o->head_tokens && t->off < d->line1_end) {
      push(fs, text_hash(SEED_HEAD, stem, tn), (int32_t)i, -1, TEXT_FEAT_HEAD);
      head++;
    }
    if (o->word_ngrams >= 2 && prev >= 0) {
      const text_token_t *p = &d->tok[prev];
      char pair[2 * TEXT_MAX_TOKEN * 3 + 2];
      size_t pn = o->stem ? p->stem_len : p->form_len;
      memcpy(pair, d->arena + (o->stem ? p->stem : p->form), pn);
      pair[pn] = ' ';
      memcpy(pair + pn + 1, stem, tn);
      push(fs, text_hash(SEED_PAIR, pair, pn + 1 + tn), prev, (int32_t)i, TEXT_FEAT_PAIR);
    }
    if (o->char_min > 0 && t->kind == TEXT_TOK_WORD) char_grams(d, t, (int32_t)i, o, fs);
    prev = (int32_t)i;
  }
  if (fs->n == 0) return;
  feat_sort(fs->f, fs->n);
  size_t w = 0;
  for (size_t i = 0; i < fs->n;) {
    size_t j = i + 1;
    while (j < fs->n && fs->f[j].hash == fs->f[i].hash) j++;
    fs->f[w] = fs->f[i];
    int kd = fs->f[w].kind;
    float kw = kd == TEXT_FEAT_PAIR   ? o->pair_weight
               : kd == TEXT_FEAT_CHAR ? o->char_weight
               : kd == TEXT_FEAT_HEAD ? o->head_weight
                                      : 1.0f;
    fs->f[w].value = (1.0f + logf((float)(j - i))) * kw;
    w++;
    i = j;
  }
  fs->n = w;
}

size_t text_feat_term(const text_doc_t *d, const text_feat_opts_t *o, const text_feat_t *f,
                      char *out, size_t cap) {
  if (!cap) return 0;
  out[0] = '\0';
  if (f->tok_a < 0 || (size_t)f->tok_a >= d->n) return 0;
  const text_token_t *a = &d->tok[f->tok_a];
  const char *as = d->arena + (o->stem ? a->stem : a->form);
  int an = o->stem ? a->stem_len : a->form_len, w = 0;
  if (f->kind == TEXT_FEAT_PAIR && f->tok_b >= 0 && (size_t)f->tok_b < d->n) {
    const text_token_t *b = &d->tok[f->tok_b];
    w = snprintf(out, cap, "%.*s %.*s", an, as, o->stem ? b->stem_len : b->form_len,
                 d->arena + (o->stem ? b->stem : b->form));
  } else if (f->kind == TEXT_FEAT_CHAR) {
    char framed[TEXT_MAX_TOKEN + 3];
    int n = snprintf(framed, sizeof framed, "<%.*s>", a->form_len, d->arena + a->form);
    int off = f->gram_off < n ? f->gram_off : n, len = f->gram_len;
    if (off + len > n) len = n - off;
    w = snprintf(out, cap, "%.*s", len, framed + off);
  } else {
    w = snprintf(out, cap, "%.*s", an, as);
  }
  return w < 0 ? 0 : (size_t)w < cap ? (size_t)w : cap - 1;
}
