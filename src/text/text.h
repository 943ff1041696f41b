/* text: from raw ticket text to tokens and hashed features.
 *
 * Pipeline: UTF-8 scan (invalid bytes are separators, never errors) →
 * tokens that keep IT strings whole (0x80070005, 10.2.3.4, srv-web-01,
 * j.dupont@corp.fr, C:\Temp\a.log) → case folding and accent stripping with
 * utf8proc for matching → French/English identification from stop words →
 * Snowball stemming in that language → hashed features (word unigrams,
 * bigrams, character n-grams) with sublinear term frequency.
 *
 * Every token remembers where it sits in the original text, so that an
 * explanation can point at the words as the user wrote them.
 *
 * Thread safety: a text_ctx_t holds the stemmers and scratch space; use one
 * per thread. Everything else here is pure. */
#ifndef RELAIS_TEXT_H
#define RELAIS_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef enum { TEXT_LANG_EN = 0, TEXT_LANG_FR = 1, TEXT_LANG_COUNT } text_lang_t;

const char *text_lang_code(text_lang_t lang); /* "en" or "fr" */
int text_lang_parse(const char *code, text_lang_t *out); /* 0 or UTIL_E_INVALID */

typedef enum {
  TEXT_TOK_WORD,   /* letters only: stemmed */
  TEXT_TOK_NUMBER, /* digits only */
  TEXT_TOK_IT      /* mixed code, address, path, version: kept whole */
} text_tok_kind_t;

typedef struct {
  uint32_t off, len;   /* bytes of the original text */
  uint32_t form;       /* offset in doc->arena of the folded form */
  uint32_t stem;       /* offset in doc->arena of the feature form (stem) */
  uint16_t form_len, stem_len;
  uint8_t kind;        /* text_tok_kind_t */
  uint8_t stop;        /* 1: a stop word of the document's language */
} text_token_t;

/* One analysed document. The arena holds the NUL-terminated forms the tokens
 * point at. Reused across calls to text_analyse to avoid allocation. */
typedef struct {
  text_token_t *tok;
  size_t n, cap;
  char *arena;
  size_t alen, acap;
  text_lang_t lang;
  int lang_votes[TEXT_LANG_COUNT]; /* stop-word hits per language */
  uint32_t line1_end;              /* byte offset of the first line break (or the end) */
} text_doc_t;

typedef struct text_ctx text_ctx_t;

/* Returns owned; free with text_ctx_free. NULL if a stemmer is missing. */
text_ctx_t *text_ctx_new(void);
void text_ctx_free(text_ctx_t **ctx);

void text_doc_init(text_doc_t *d);
void text_doc_clear(text_doc_t *d); /* frees and re-inits */

/* Limits that keep hostile input cheap: tokens longer than this many bytes
 * are cut, and a document stops after this many tokens. */
#define TEXT_MAX_TOKEN 64
#define TEXT_MAX_TOKENS 4096

/* Tokenises s[0..n) into d (previous content dropped). lang < 0 means
 * identify the language; otherwise a text_lang_t to force it. Never fails
 * on content: invalid UTF-8 bytes act as separators. */
void text_analyse(text_ctx_t *ctx, const char *s, size_t n, int lang, text_doc_t *d);

/* The same; stem = 0 skips the stemmer (each word's stem is then its folded
 * form), for feature sets that do not use stems. */
void text_analyse_opt(text_ctx_t *ctx, const char *s, size_t n, int lang, int stem,
                      text_doc_t *d);

/* Language identification alone (same rules as text_analyse). */
text_lang_t text_detect_lang(text_ctx_t *ctx, const char *s, size_t n);

/* Folds s (case, accents, compatibility forms) into out, at most cap-1
 * bytes, NUL-terminated; returns the length written. For matching words
 * typed by a person against stored forms. */
size_t text_fold(const char *s, size_t n, char *out, size_t cap);

/* 1 if the folded word is a stop word of lang. */
int text_is_stop(text_lang_t lang, const char *folded, size_t len);

/* ---- features -------------------------------------------------------- */

/* Which features to extract; the defaults come from text_feat_defaults. */
typedef struct {
  int word_ngrams;   /* 1: unigrams, 2: + bigrams */
  int char_min;      /* character n-grams of each word, 0 = none */
  int char_max;
  int stem;          /* 1: words as Snowball stems, 0: as folded words */
  int stopwords;     /* 1: drop the stop words of the document's language */
  float pair_weight; /* bigram values are scaled by this (unigrams by 1) */
  float char_weight; /* character n-gram values are scaled by this */
  int head_tokens;   /* the first words of the first line (the title) also count */
  float head_weight; /* as features of their own, with this weight (0: none) */
} text_feat_opts_t;

void text_feat_defaults(text_feat_opts_t *o);

/* A hashed feature with its count, and the tokens it came from (for the
 * explanation: a bigram names both words, a character n-gram its word). */
typedef struct {
  uint64_t hash;
  float value;       /* sublinear tf × the weight of its kind */
  int32_t tok_a, tok_b; /* token indexes in the doc, tok_b = -1 if none */
  int32_t kind;      /* 0 word, 1 pair of words, 2 character n-gram, 3 head word */
} text_feat_t;

typedef struct {
  text_feat_t *f;
  size_t n, cap;
} text_feats_t;

void text_feats_init(text_feats_t *fs);
void text_feats_clear(text_feats_t *fs);

/* Extracts the features of an analysed document into fs (previous content
 * dropped), merges equal hashes (sorted by hash) and sets value to
 * 1 + ln(count). */
void text_features(const text_doc_t *d, const text_feat_opts_t *o, text_feats_t *fs);

/* The hash used for features, exposed for tests and vocabularies. */
uint64_t text_hash(uint64_t seed, const char *s, size_t n);

#endif
