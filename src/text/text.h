/* text: from raw ticket text to tokens and hashed features.
 *
 * Pipeline: UTF-8 scan (invalid bytes are separators, never errors) →
 * tokens that keep IT strings whole (0x80070005, 10.2.3.4, srv-web-01,
 * j.dupont@corp.fr, C:\Temp\a.log) → case folding and accent stripping with
 * utf8proc for matching → French/English identification from stop words →
 * Snowball stemming in that language → hashed features (word unigrams,
 * bigrams, character n-grams) with sublinear term frequency → the shared
 * vectoriser: a vocabulary fitted on a corpus (document frequencies,
 * min-df, smoothed IDF) turns a document into an L2-normalised TF-IDF row,
 * the one that triage, similar-ticket search and clustering all use.
 *
 * Every token remembers where it sits in the original text, so that an
 * explanation can point at the words as the user wrote them.
 *
 * Thread safety: a text_ctx_t holds the stemmers and scratch space; use one
 * per thread. A corpus has one writer; a fitted vocabulary is read-only and
 * shared. Everything else here is pure. */
#ifndef RELAIS_TEXT_H
#define RELAIS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

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
  int16_t kind;      /* TEXT_FEAT_WORD, _PAIR, _CHAR or _HEAD */
  uint8_t gram_off;  /* a character n-gram: its bytes in "<folded word>" */
  uint8_t gram_len;
} text_feat_t;

enum { TEXT_FEAT_WORD = 0, TEXT_FEAT_PAIR = 1, TEXT_FEAT_CHAR = 2, TEXT_FEAT_HEAD = 3 };

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

/* The text of feature f of document d, for people (explanations, a
 * cluster's concept words): a word or head word as its stem (its folded
 * form when o->stem is 0), a pair as "a b", a character n-gram as its bytes
 * of "<folded word>". Writes at most cap-1 bytes, NUL-terminated; returns the
 * length written. Borrows d and f. */
size_t text_feat_term(const text_doc_t *d, const text_feat_opts_t *o, const text_feat_t *f,
                      char *out, size_t cap);

/* ---- the shared vectoriser: corpus, vocabulary, TF-IDF rows --------------
 *
 * A corpus holds documents as their hashed features (text_features). A
 * vocabulary is fitted on a corpus: the features found in at least min_df of
 * its N documents, in ascending hash order (feature j is the j-th smallest
 * hash), each with its document frequency df_j and its smoothed IDF
 * idf_j = ln((1 + N) / (1 + df_j)) + 1. The row of a document is then
 *   val_i = tf_i × idf_j   (tf: 1 + ln(count) times the weight of its kind)
 * over its features j the vocabulary knows, with its scale 1 / ||val||_2, so
 * that the unit (L2-normalised) row is val_i × scale. This is the row the
 * triage classifier is trained and predicts on; search (cosine between
 * tickets) and clustering use the same one.
 *
 * Thread safety: a corpus has one writer. A fitted vocabulary is immutable:
 * any number of threads may transform with it at once, each into its own
 * row (and with its own text_ctx_t, text_doc_t, text_feats_t: the per-thread
 * scratch, as for liblinear's predict). */

typedef struct {
  text_feat_opts_t feat;  /* how its documents' features were extracted */
  size_t n;               /* documents */
  size_t *start;          /* [n + 1]: document i is pool entries [start[i], start[i+1]) */
  uint64_t *hash;         /* [start[n]] feature hashes, ascending within a document */
  float *val;             /* [start[n]] their values (text_feat_t.value) */
  size_t doc_cap, pool_cap;
  struct text_terms *terms; /* hash → term, when text_corpus_keep_terms asked; else NULL */
  text_doc_t doc;         /* scratch of text_corpus_add_text */
  text_feats_t feats;
} text_corpus_t;

/* feat borrowed (copied). Free with text_corpus_clear. */
void text_corpus_init(text_corpus_t *c, const text_feat_opts_t *feat);
void text_corpus_clear(text_corpus_t *c); /* frees and leaves it empty, unusable until init */
/* From now on, remember the text of each feature hash added (the first
 * document's wins), so that a vocabulary fitted on it can name its
 * features. Costs memory: the triage classifier does not use it. */
void text_corpus_keep_terms(text_corpus_t *c);
/* Adds one document: d analysed, fs its features with c->feat (both
 * borrowed; d is read only when terms are kept). Returns its index. */
size_t text_corpus_add(text_corpus_t *c, const text_doc_t *d, const text_feats_t *fs);
/* Analyses text (borrowed) with ctx and adds it; lang < 0: identify. */
size_t text_corpus_add_text(text_corpus_t *c, text_ctx_t *ctx, const char *text, size_t n, int lang);
/* Appends document i of src to c (same feature options; terms copied when
 * both keep them). For corpora built in parts on several threads. */
size_t text_corpus_append(text_corpus_t *c, const text_corpus_t *src, size_t i);

typedef struct text_vocab text_vocab_t;

/* Fits a vocabulary on c (borrowed): features of at least min_df (>= 1)
 * documents. Returns owned; free with text_vocab_free. Deterministic: the
 * same corpus gives the same vocabulary whatever the order of fitting. */
text_vocab_t *text_vocab_fit(const text_corpus_t *c, int min_df);
void text_vocab_free(text_vocab_t **v);

uint32_t text_vocab_size(const text_vocab_t *v);            /* D */
uint64_t text_vocab_ndocs(const text_vocab_t *v);           /* N of the fit */
const text_feat_opts_t *text_vocab_feat_opts(const text_vocab_t *v); /* borrowed */
int64_t text_vocab_lookup(const text_vocab_t *v, uint64_t hash); /* index j, or -1 */
uint64_t text_vocab_hash(const text_vocab_t *v, uint32_t j);
uint32_t text_vocab_df(const text_vocab_t *v, uint32_t j);
float text_vocab_idf(const text_vocab_t *v, uint32_t j);
/* The text of feature j (text_feat_term), or NULL when the corpus kept no
 * terms. Borrowed from v. */
const char *text_vocab_term(const text_vocab_t *v, uint32_t j);

/* A sparse TF-IDF row of shape (1 × D): n entries, idx ascending in
 * [0, D), raw values val (see above) and scale, the unit row being
 * val[i] × scale. A row either grows as needed (text_row_init) or lives in
 * the caller's arrays of cap entries (text_row_wrap): a document's row never
 * has more entries than it has features. */
typedef struct {
  uint32_t *idx;
  double *val;
  size_t n, cap;
  double scale;  /* 1 / L2 norm of val; 0 for an empty row */
  int fixed;     /* 1: the caller's arrays, never reallocated */
} text_row_t;

void text_row_init(text_row_t *r);
/* idx[cap] and val[cap] borrowed for the row's life. */
void text_row_wrap(text_row_t *r, uint32_t *idx, double *val, size_t cap);
void text_row_clear(text_row_t *r); /* frees what the row allocated */

/* The row of a document's features fs (borrowed; extracted with the
 * vocabulary's options) into r (previous content dropped). Returns 0, or
 * UTIL_E_TOOBIG when a wrapped row is too small (r is then empty). */
int text_vocab_transform(const text_vocab_t *v, const text_feats_t *fs, text_row_t *r);
/* The same from raw arrays: nf hashes with their values (a corpus entry). */
int text_vocab_transform_raw(const text_vocab_t *v, const uint64_t *hash, const float *val,
                             size_t nf, text_row_t *r);

/* One thread's scratch for vectorising texts: the analysed document, its
 * features and its row. Callers keep one per thread (with a text_ctx_t). */
typedef struct {
  text_doc_t doc;
  text_feats_t feats;
  text_row_t row;
} text_vec_scratch_t;

void text_vec_scratch_init(text_vec_scratch_t *s);
void text_vec_scratch_clear(text_vec_scratch_t *s);
/* Analyses text (borrowed; lang < 0: identify) with the vocabulary's
 * options and makes its row in s->row; returns s->row (borrowed from s,
 * valid until the next call on s). The text's words are in s->doc and its
 * features in s->feats, for explanations. */
const text_row_t *text_vocab_vectorise(const text_vocab_t *v, text_ctx_t *ctx,
                                       text_vec_scratch_t *s, const char *text, size_t n,
                                       int lang);

/* Dot product of the unit rows: the cosine similarity of two documents
 * (0 when either is empty). Both rows from the same vocabulary. */
double text_row_cosine(const text_row_t *a, const text_row_t *b);
/* Σ unit(r)_j × dense[j]: a unit row against a dense vector of D entries
 * (a centroid, a weight vector). */
double text_row_dot_dense(const text_row_t *r, const double *dense);
/* dense[j] += alpha × unit(r)_j: sums unit rows into a centroid. */
void text_row_add_to(const text_row_t *r, double alpha, double *dense);

/* Saves the vocabulary (its options, N, hashes, df, idf and terms if any)
 * by appending to out; little-endian whatever the host. Returns 0 or
 * UTIL_E_TOOBIG when out's cap is reached. */
#define TEXT_VOCAB_MAGIC 0x56534C52u /* "RLSV" */
#define TEXT_VOCAB_FORMAT 1
int text_vocab_save(const text_vocab_t *v, util_buf_t *out);
/* Loads a vocabulary from data[0..n). With used NULL the bytes must be
 * exactly one vocabulary; otherwise *used receives how many it took (for a
 * vocabulary inside a larger file). Returns 0 and an owned vocabulary, or
 * UTIL_E_INVALID with a message in err (foreign, other format, truncated,
 * out of range); never trusts a length it has not checked. */
int text_vocab_load(const void *data, size_t n, size_t *used, text_vocab_t **out, char *err,
                    size_t errlen);

/* ---- little-endian files ---------------------------------------------------
 * The byte codec of the vectoriser's and the models' files: explicit
 * little-endian, whatever the host, so a database file moves between
 * machines. Puts return 0 or UTIL_E_TOOBIG (out's cap); gets return 0, or -1
 * when fewer bytes are left than asked (nothing consumed). */
typedef struct {
  const unsigned char *p; /* borrowed */
  size_t left;
} text_le_reader_t;

int text_le_put_u32(util_buf_t *b, uint32_t v);
int text_le_put_u64(util_buf_t *b, uint64_t v);
int text_le_put_f32(util_buf_t *b, float v);
int text_le_put_f64(util_buf_t *b, double v);
int text_le_put_f32s(util_buf_t *b, const float *v, size_t n);
int text_le_get_u32(text_le_reader_t *r, uint32_t *v);
int text_le_get_u64(text_le_reader_t *r, uint64_t *v);
int text_le_get_f32(text_le_reader_t *r, float *v);
int text_le_get_f64(text_le_reader_t *r, double *v);
/* n values into a new array (owned; free()), or NULL when the data is
 * short; n = 0 gives a 1-byte allocation, never NULL. */
float *text_le_get_f32s(text_le_reader_t *r, size_t n);

/* The hash used for features, exposed for tests and vocabularies. */
uint64_t text_hash(uint64_t seed, const char *s, size_t n);

#endif
