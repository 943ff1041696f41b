/* The FTS5 tokenizer "relais" (src/store/tokenizer.c) on any bytes, in an
 * index of its own (tokenize='relais') in an in-memory database.
 *
 * Properties: any bytes are indexed and removed again without an error,
 * and FTS5's integrity-check passes after each (removing a row tokenizes
 * its text again and must give the same tokens); a valid UTF-8 text is
 * then found by the expression search_match_all makes of it, exact and (no
 * word stemming to one byte) as prefixes, when its words are short enough to be quoted whole and each
 * holds a token (documents and queries agree on every word); within 2 s. */
#include "fuzz.h"
#include "search/search.h"
#include "store/store_int.h" /* the connection, to reach FTS5 directly */
#include "text/text.h"
#include "util/util.h"

static fuzz_db_t db;
static sqlite3_stmt *ins, *del, *find;
static text_ctx_t *ctx;
static text_doc_t doc;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  util_log_set_level(UTIL_LOG_ERROR);
  ctx = text_ctx_new();
  FUZZ_CHECK(ctx != NULL, "no stemmer");
  text_doc_init(&doc);
  fuzz_db_open(&db, "tokenizer", 0);
  sqlite3 *h = db.keep->db;
  FUZZ_CHECK(sqlite3_exec(h, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='relais')", 0, 0, 0) == 0,
             "%s", sqlite3_errmsg(h));
  FUZZ_CHECK(sqlite3_prepare_v2(h, "INSERT INTO t(rowid, x) VALUES (1, ?)", -1, &ins, NULL) == 0, "ins");
  FUZZ_CHECK(sqlite3_prepare_v2(h, "DELETE FROM t WHERE rowid = 1", -1, &del, NULL) == 0, "del");
  FUZZ_CHECK(sqlite3_prepare_v2(h, "SELECT count(*) FROM t WHERE t MATCH ?", -1, &find, NULL) == 0, "find");
  return 0;
}

static void run(sqlite3_stmt *st, const char *what) {
  int r = sqlite3_step(st);
  FUZZ_CHECK(r == SQLITE_DONE, "%s: %s", what, sqlite3_errmsg(db.keep->db));
  sqlite3_reset(st);
}

static void check(void) {
  int r = sqlite3_exec(db.keep->db, "INSERT INTO t(t) VALUES ('integrity-check')", 0, 0, 0);
  FUZZ_CHECK(r == SQLITE_OK, "integrity-check: %s", sqlite3_errmsg(db.keep->db));
}

static int run_end(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '"' ||
         c == '*' || c == '(' || c == ')';
}

/* 1 if search_match_all quotes every run of q whole (under 48 bytes: a
 * longer one it cuts, and a cut word is another) and each holds a token
 * (a phrase of none, a lone combining mark, matches no row). */
static int words_to_find(const char *q) {
  for (const char *p = q; *p;) {
    if (run_end(*p)) {
      p++;
      continue;
    }
    const char *e = p;
    while (*e && !run_end(*e)) e++;
    text_analyse(ctx, p, (size_t)(e - p), -1, &doc);
    if (e - p >= 48 || doc.n == 0) return 0;
    p = e;
  }
  return 1;
}

/* 1 if no word of q stems to a single byte in either language: the
 * tokenizer leaves such a stem out of a prefix (tokenizer.c). */
static int stems_to_prefix(const char *q) {
  for (int lang = 0; lang < TEXT_LANG_COUNT; lang++) {
    text_analyse(ctx, q, strlen(q), lang, &doc);
    for (size_t i = 0; i < doc.n; i++)
      if (doc.tok[i].stem_len < 2 && doc.tok[i].form_len >= 2) return 0;
  }
  return 1;
}

static void found_by_its_words(const char *q, int prefix) {
  char *m = search_match_all(q, prefix);
  if (!m) return;
  sqlite3_bind_text(find, 1, m, -1, SQLITE_STATIC);
  int r = sqlite3_step(find);
  FUZZ_CHECK(r == SQLITE_ROW, "MATCH %s: %s", m, sqlite3_errmsg(db.keep->db));
  FUZZ_CHECK(sqlite3_column_int(find, 0) == 1, "the text is not found by %s", m);
  sqlite3_reset(find);
  free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  double t0 = util_monotonic();
  sqlite3_bind_text(ins, 1, (const char *)data, (int)size, SQLITE_STATIC);
  run(ins, "insert");
  check();
  char *q = malloc(size + 1);
  memcpy(q, data, size);
  q[size] = '\0';
  if (strlen(q) == size && util_utf8_valid(q, size, NULL) && words_to_find(q)) {
    found_by_its_words(q, 0);
    if (stems_to_prefix(q)) found_by_its_words(q, 1);
  }
  free(q);
  run(del, "delete");
  check();
  double secs = util_monotonic() - t0;
  FUZZ_CHECK(secs < 2.0, "%zu bytes took %.2f s", size, secs);
  return 0;
}
