/* The search module: the knowledge base's rules, the safe rendering of
 * its Markdown, the differences between two versions of a text, and the
 * full-text expressions the store's indexes are queried with. */
#ifndef RELAIS_SEARCH_H
#define RELAIS_SEARCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

/* ---- Articles (kb.c) ------------------------------------------------------------ */
#define SEARCH_KB_TITLE_MAX 200    /* bytes of a title (one line) */
#define SEARCH_KB_BODY_MAX 100000  /* bytes of a body (Markdown) */

/* The states, in their order: draft, review, published, archived. */
extern const char *const search_kb_states[];
/* 1 if s is one of search_kb_states. */
int search_kb_state_ok(const char *s);
/* 1 if an article may move from state from to state to: draft → review or
 * published; review → draft or published; published → draft or archived;
 * archived → draft. */
int search_kb_transition_ok(const char *from, const char *to);
/* 1 if an article in state may have its text or tags changed (any but
 * archived: restore it to draft first). */
int search_kb_editable(const char *state);

/* "fr" or "en": the language title and body are written in (either may
 * be NULL). */
const char *search_lang_of(const char *title, const char *body);
/* The Markdown of a draft article made from a solved ticket: its
 * description as the problem, its resolution as the solution (either may
 * be NULL or empty), with headings in French (fr) or English. Owned. */
char *search_kb_draft_body(int fr, const char *description, const char *resolution);

/* The HTML of Markdown text md[0..n) (CommonMark, cmark): raw HTML is
 * left out and links or images to javascript:, vbscript:, file: and
 * data: (but images of PNG, GIF, JPEG or WebP) lose their target, so the
 * result is inert whatever the text. Owned; NULL only if md is not UTF-8. */
char *search_markdown_html(const char *md, size_t n);

/* The same text as a tree for readers that build their own nodes: the
 * document {"t":"doc","c":[…]}; containers {"t": "p", "h" (with "level"),
 * "quote", "ul", "ol" (with "start"), "li", "em", "strong", "a" (with
 * "href" when it may be followed), "img" (with "src" likewise; its "c"
 * are its description)} holding their children in "c"; leaves: a string
 * (text; "\n" a soft line break), {"t":"br"}, {"t":"hr"}, {"t":"code",
 * "s"}, {"t":"pre", "s"}. Raw HTML is left out; at most SEARCH_DOC_DEPTH
 * levels. New reference; NULL only if md is not UTF-8. */
#define SEARCH_DOC_DEPTH 24
json_t *search_markdown_doc(const char *md, size_t n);

/* An FTS5 expression that matches rows holding every word of q (each as a
 * prefix when prefix is set), words being q's runs between spaces (and the
 * bytes " * ( ) of FTS5's syntax) stripped of the punctuation around them,
 * holding a letter or digit (any byte of a multibyte character counts as
 * a letter); at most 16 of them, each quoted whole so that the index's
 * tokenizer reads it as it reads documents ("srv-web-01" stays one IT
 * string). Owned; NULL when q has none. */
char *search_match_all(const char *q, int prefix);

/* ---- What a person typed, as search words (words.c) ----------------------------
 * The words a suggestion looks for in a person's text (a problem being
 * typed, a ticket): the folded forms (case, accents, French elision: what
 * src/text makes of them) of its tokens that are not stop words of its
 * language and have two bytes or more, the first SEARCH_WORDS_MAX distinct
 * ones. */
#define SEARCH_WORDS_MAX 24
typedef struct {
  char *word[SEARCH_WORDS_MAX]; /* owned */
  int n;
  char lang[3];                 /* the text's language: "fr" or "en" */
  char *match;                  /* owned: an FTS5 expression matching any of them */
} search_words_t;
/* Fills w from text; 0, or -1 (w empty) when the text has no such word. */
int search_words_of(const char *text, search_words_t *w);
void search_words_clear(search_words_t *w);
/* An FTS5 expression matching any of w's words i with keep[i] set (keep
 * NULL: all of them; w->match is that). Owned; "" when none is kept. */
char *search_words_match(const search_words_t *w, const int *keep);
/* Which of w's words text holds (found[i] set to 1 or 0); returns how many. */
int search_words_found(const search_words_t *w, const char *text, int *found);

/* ---- Texts alike (words.c) ----------------------------------------------------------
 * A text's search words held for scoring many others against it: the
 * similarity of a document is the cosine of the two texts' word sets
 * (each word counted once), in [0, 1]; shared says which of the query's
 * words the document holds. */
typedef struct search_alike search_alike_t;
/* NULL when text has no search word. Owned: search_alike_free. */
search_alike_t *search_alike_new(const char *text);
void search_alike_free(search_alike_t **a);
const search_words_t *search_alike_words(const search_alike_t *a);
/* shared: SEARCH_WORDS_MAX flags (may be NULL). */
double search_alike_score(search_alike_t *a, const char *doc, int *shared);

/* ---- Ranking similar tickets (rank.c) --------------------------------------------
 * A candidate's features against the query, each in [0, 1]:
 *   bm25_title, bm25_body  its BM25 on the title (on the description) over
 *                          the best of the candidates' (0: no match there)
 *   tfidf                  cosine of the TF-IDF rows (the shared vectoriser
 *                          of the category model; 0 without a model)
 *   words                  cosine of the two texts' search-word sets
 *   chars                  cosine of their character trigram sets
 *   category, service, ci  the chance both hold the same value: 1 or 0 when
 *                          the query's is known, the model's probability of
 *                          the candidate's value when predicted, 0 unknown
 *   requester              1: the same person asked
 *   recency                0.5 ^ (days between the two / 30)
 * The ranker's score is a probability: 1 / (1 + exp(-(w·f + bias))). */
typedef enum {
  SEARCH_RF_BM25_TITLE, SEARCH_RF_BM25_BODY, SEARCH_RF_TFIDF, SEARCH_RF_WORDS, SEARCH_RF_CHARS,
  SEARCH_RF_CATEGORY, SEARCH_RF_SERVICE, SEARCH_RF_CI, SEARCH_RF_REQUESTER, SEARCH_RF_RECENCY,
  SEARCH_RF_COUNT
} search_rf_t;
extern const char *const search_rf_names[SEARCH_RF_COUNT];
#define SEARCH_RECENCY_HALF_LIFE_DAYS 30.0
/* Fewer chosen candidates than this: the default stays. */
#define SEARCH_RANK_MIN_SIGNALS 30

typedef struct {
  double w[SEARCH_RF_COUNT], bias;
  int trained;                /* 0: the stated default */
  int64_t rows, positives;    /* what it was fitted on */
} search_ranker_t;
void search_ranker_default(search_ranker_t *r);
double search_ranker_prob(const search_ranker_t *r, const double *f);
/* Fits r on n rows of SEARCH_RF_COUNT features (x row-major) and their
 * outcome y (1: the person took that candidate; 0: shown, or a candidate,
 * and not taken). UTIL_E_INVALID (r untouched) under
 * SEARCH_RANK_MIN_SIGNALS taken or none left aside. */
int search_ranker_fit(size_t n, const double *x, const int *y, search_ranker_t *r);
/* {"weights": {name: w…}, "bias", "trained", "rows", "positives"}; new reference. */
json_t *search_ranker_json(const search_ranker_t *r);
/* The reverse; UTIL_E_INVALID (r untouched) when a weight is missing or not finite. */
int search_ranker_from_json(const json_t *j, search_ranker_t *r);

/* A text's character trigrams (folded; words padded with a space), the
 * distinct hashes sorted, from its first SEARCH_GRAMS_TEXT bytes. */
#define SEARCH_GRAMS_TEXT 2000
#define SEARCH_GRAMS_MAX (SEARCH_GRAMS_TEXT + 1)
typedef struct {
  uint32_t h[SEARCH_GRAMS_MAX];
  size_t n;
} search_grams_t;
void search_grams_of(const char *text, search_grams_t *g);
/* |a ∩ b| / sqrt(|a| |b|), 0 when either is empty. */
double search_grams_overlap(const search_grams_t *a, const search_grams_t *b);
/* 0.5 ^ (|query_at - at| in days / SEARCH_RECENCY_HALF_LIFE_DAYS). */
double search_recency(int64_t query_at, int64_t at);

/* ---- Differences between two texts (diff.c) ---------------------------------- */
typedef enum { SEARCH_DIFF_SAME = ' ', SEARCH_DIFF_DEL = '-', SEARCH_DIFF_ADD = '+' } search_diff_op_t;
/* Calls fn for each line of a shortest edit script from text a to text b
 * (lines end at '\n'; line borrowed, len bytes without the newline), in
 * order; stops when fn returns non-zero. Beyond 4 million line pairs after
 * the common head and tail are set aside, the middles are given as all
 * deleted then all added. Returns what fn returned last, or 0. */
int search_diff_lines(const char *a, const char *b,
                      int (*fn)(search_diff_op_t op, const char *line, size_t len, void *arg),
                      void *arg);

#endif
