/* text: internals shared by its files. Not part of the interface. */
#ifndef RELAIS_TEXT_INT_H
#define RELAIS_TEXT_INT_H

#include "../util/util.h"
#include "text.h"

/* The language with more stop-word votes; English on a tie. */
text_lang_t text_lang_vote(const int votes[TEXT_LANG_COUNT]);

/* Feature hash → term: open addressing on the hash (0 stored as 1, as in
 * the vocabulary), each term NUL-terminated in one arena. */
struct text_terms {
  uint64_t *key;   /* [mask + 1], 0 = empty */
  uint32_t *off;   /* [mask + 1] offset of the term in arena */
  size_t mask, used;
  char *arena;
  size_t alen, acap;
};

/* The term of hash h, or NULL. Borrowed from t. */
const char *text_terms_get(const struct text_terms *t, uint64_t h);

/* A fitted vocabulary (see text.h); vocab.c fits it, vocab_io.c reads and
 * writes it. */
struct text_vocab {
  text_feat_opts_t feat;
  uint32_t nfeat;        /* D */
  uint64_t ndocs;        /* N */
  uint64_t *keys;        /* [D] feature hashes (0 stored as 1), ascending; index = position */
  uint32_t *df;          /* [D] */
  float *idf;            /* [D] */
  uint64_t *tab_key;     /* open addressing: hash → index, 0 = empty */
  uint32_t *tab_val;
  uint32_t tab_mask;
  char *terms;           /* NULL, or the D terms, each NUL-terminated ... */
  uint32_t *term_off;    /* ... [D] at these offsets */
  size_t terms_len;
};

/* Builds the lookup table from keys (nfeat, keys set). */
void text_vocab_index(text_vocab_t *v);

/* Caps of a saved vocabulary that the loader enforces. */
#define TEXT_VOCAB_MAX_FEATURES (1u << 26)
#define TEXT_VOCAB_MAX_TERM 1024

#endif
