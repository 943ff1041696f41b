/* Unit tests of the FTS5 tokenizer "relais" (src/store/tokenizer.c): its
 * tokens are src/text's stems with their offsets, queries find documents
 * of either language and words being typed, hostile texts index whole and
 * cheaply, and a database of schema 21 migrates to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "search/search.h"
#include "store/store.h"
#include "store/store_int.h" /* the connection, to reach FTS5 directly */
#include "text/text.h"
#include "store_fixture.h"

/* ---- the tokenizer called directly, as FTS5 calls it ------------------------ */
#define MAX_SEEN 256
typedef struct {
  int n;
  char tok[MAX_SEEN][72];
  int colocated[MAX_SEEN], start[MAX_SEEN], end[MAX_SEEN];
} seen_t;

static int seen_cb(void *ctx, int tflags, const char *tok, int ntok, int start, int end) {
  seen_t *s = ctx;
  if (s->n >= MAX_SEEN) return SQLITE_OK;
  snprintf(s->tok[s->n], sizeof s->tok[s->n], "%.*s", ntok, tok);
  s->colocated[s->n] = (tflags & FTS5_TOKEN_COLOCATED) != 0;
  s->start[s->n] = start;
  s->end[s->n++] = end;
  return SQLITE_OK;
}

static fts5_api *fts_api(sqlite3 *db) {
  fts5_api *fts = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
  sqlite3_step(st);
  sqlite3_finalize(st);
  assert_non_null(fts);
  return fts;
}

/* Tokenizes text with the store's tokenizer "relais" into out. */
static void tokenize(store_t *s, int flags, const char *text, seen_t *out) {
  fts5_api *fts = fts_api(s->db);
  void *user = NULL;
  fts5_tokenizer tk;
  assert_int_equal(fts->xFindTokenizer(fts, "relais", &user, &tk), SQLITE_OK);
  Fts5Tokenizer *t = NULL;
  assert_int_equal(tk.xCreate(user, NULL, 0, &t), SQLITE_OK);
  memset(out, 0, sizeof *out);
  assert_int_equal(tk.xTokenize(t, out, flags, text, (int)strlen(text), seen_cb), SQLITE_OK);
  tk.xDelete(t);
}

/* A document's tokens are text_analyse's stems (language found), at the
 * bytes the words sit at. */
static void document_tokens_are_text_stems(void **state) {
  store_t *s = fresh("doc.db");
  const char *texts[] = {
      "L'imprimante du 2e étage n'imprime plus : bourrage papier récurrent depuis la mise à jour.",
      "The printers on floor 2 stopped printing after the update; error 0x80070005 on srv-web-01.",
  };
  text_ctx_t *ctx = text_ctx_new();
  text_doc_t d;
  text_doc_init(&d);
  for (int k = 0; k < 2; k++) {
    seen_t got;
    tokenize(s, FTS5_TOKENIZE_DOCUMENT, texts[k], &got);
    text_analyse(ctx, texts[k], strlen(texts[k]), -1, &d);
    assert_int_equal(d.lang, k == 0 ? TEXT_LANG_FR : TEXT_LANG_EN);
    /* the elided articles (L', n') are left out, the other tokens kept;
     * colocated ones (an accented word's folded stem) aside */
    int j = 0;
    for (size_t i = 0; i < d.n; i++) {
      const char *stem = d.arena + d.tok[i].stem;
      if (k == 0 && (strcmp(stem, "l") == 0 || strcmp(stem, "n") == 0)) continue;
      while (j < got.n && got.colocated[j]) j++;
      assert_true(j < got.n);
      assert_string_equal(got.tok[j], stem);
      assert_int_equal(got.start[j], (int)d.tok[i].off);
      assert_int_equal(got.end[j], (int)(d.tok[i].off + d.tok[i].len));
      j++;
    }
    while (j < got.n && got.colocated[j]) j++;
    assert_int_equal(j, got.n);
  }
  {
    seen_t sec;
    tokenize(s, FTS5_TOKENIZE_DOCUMENT, "La sécurité du réseau", &sec);
    assert_int_equal(sec.n, 5);
    assert_string_equal(sec.tok[1], "secur"); /* Snowball on "sécurité" */
    assert_string_equal(sec.tok[2], "securit"); /* on "securite" */
    assert_int_equal(sec.colocated[2], 1);
    assert_int_equal(sec.start[2], 3);
  }
  seen_t got;
  tokenize(s, FTS5_TOKENIZE_DOCUMENT, texts[0], &got);
  assert_string_equal(got.tok[0], "imprim"); /* "imprimante", after the elided "L'" */
  assert_int_equal(got.start[0], 2);
  text_doc_clear(&d);
  text_ctx_free(&ctx);
  store_close(&s);
}

/* A query asks for the French stem and the English one, colocated; a
 * prefix also for the folded word, and never for a stem too short. */
static void query_tokens_in_both_languages(void **state) {
  store_t *s = fresh("query.db");
  seen_t got;
  tokenize(s, FTS5_TOKENIZE_QUERY, "imprimantes", &got);
  assert_int_equal(got.n, 2);
  assert_string_equal(got.tok[0], "imprim");  /* French */
  assert_string_equal(got.tok[1], "imprimant"); /* English */
  assert_int_equal(got.colocated[0], 0);
  assert_int_equal(got.colocated[1], 1);
  tokenize(s, FTS5_TOKENIZE_QUERY, "vpn", &got);
  assert_int_equal(got.n, 1); /* the same stem once */
  assert_string_equal(got.tok[0], "vpn");
  tokenize(s, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "Imprima", &got);
  assert_string_equal(got.tok[0], "imprima"); /* folded, unstemmed */
  assert_int_equal(got.colocated[0], 0);
  int has_stem = 0;
  for (int i = 1; i < got.n; i++) {
    assert_int_equal(got.colocated[i], 1);
    has_stem |= strcmp(got.tok[i], "imprim") == 0;
  }
  assert_true(has_stem);
  /* only the phrase's last token is a prefix: the others as in a query */
  tokenize(s, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "serveurs impri", &got);
  assert_string_equal(got.tok[0], "serveur");
  assert_int_equal(got.colocated[0], 0);
  int firsts = 0;
  for (int i = 0; i < got.n; i++) firsts += !got.colocated[i];
  assert_int_equal(firsts, 2); /* two positions */
  store_close(&s);
}

/* ---- searches through the store ------------------------------------------ */
static int list_has(store_t *s, const char *q, int64_t id) {
  store_query_t lq = {.q = q, .sort = STORE_SORT_RANK, .limit = 50};
  store_page_t p;
  int rc = store_ticket_list(s, &lq, &p);
  if (rc) print_error("q=%s: %s\n", q, store_errmsg(s));
  assert_int_equal(rc, 0);
  int found = 0;
  for (size_t i = 0; i < p.n; i++) found |= p.items[i].v[STORE_TF_ID].i == id;
  store_page_clear(&p);
  return found;
}

static int first_id(const store_similar_row_t *row, void *arg) {
  *(int64_t *)arg = row->id;
  return 1;
}

static void searches_find_stems(void **state) {
  store_t *s = fresh("search.db");
  int64_t u = add_user(s, "a@example.org", STORE_ROLE_AGENT);
  int64_t en = add_ticket(s, u, "Printer jammed", "The printer on floor 3 jams.", 0);
  int64_t fr = add_ticket(s, u, "Imprimantes en panne", "Les imprimantes du 2e étage sont bloquées.", 0);
  int64_t sec = add_ticket(s, u, "Alerte securite", "antivirus", 0);
  int64_t it = add_ticket(s, u, "Call the IT desk", "It is about the VPN tunnel.", 0);
  int64_t ph = add_ticket(s, u, "Mot de passe oublié", "Je ne peux plus me connecter.", 0);
  int64_t other = add_ticket(s, u, "Passe-partout", "un mot pour la clé", 0);
  assert_true(list_has(s, "printers", en));
  assert_true(list_has(s, "Sécurité", sec));
  int64_t sec2 = add_ticket(s, u, "Sécurité du réseau", "Le pare-feu bloque tout.", 0);
  assert_true(list_has(s, "securite", sec2));
  assert_true(list_has(s, "reseau", sec2));
  assert_true(list_has(s, "imprima*", fr));
  assert_true(list_has(s, "\"imprima\"*", fr));
  assert_true(list_has(s, "bloque", fr));
  assert_true(list_has(s, "vpn", it));
  assert_true(list_has(s, "it", it));
  assert_false(list_has(s, "printers", fr));
  /* a phrase keeps its stop words: "mot de passe" in a row only */
  assert_true(list_has(s, "\"mot de passe\"", ph));
  assert_false(list_has(s, "\"mot de passe\"", other));
  assert_true(list_has(s, "mot passe", other));
  int64_t acc = add_ticket(s, u, "Mot d’accès perdu", "", 0);
  assert_true(list_has(s, "\"mot d'accès\"", acc));
  assert_true(list_has(s, "\"l'imprimante\"", fr)); /* the article is no word */
  assert_true(list_has(s, "\"une imprimante\"", fr) == 0);
  /* similar tickets' expression: folded, unstemmed words, any of them */
  search_words_t w;
  assert_int_equal(search_words_of("Mes imprimantes ne marchent plus", &w), 0);
  int64_t cand = 0;
  assert_int_equal(store_similar_candidates(s, w.match, 0, 0, 0, 10, first_id, &cand), 0);
  assert_int_equal(cand, fr);
  search_words_clear(&w);
  store_close(&s);
}

static int kb_seen(const store_kb_article_t *a, void *arg) {
  *(int64_t *)arg = a->id;
  return 0;
}

/* The knowledge base's search: search_match_all's quoted prefixes. */
static void kb_search_through_tokenizer(void **state) {
  store_t *s = fresh("kb.db");
  int64_t u = add_user(s, "a@example.org", STORE_ROLE_AGENT);
  store_kb_article_t a = {.lang = "fr", .title = "Configurer le VPN",
                          .body = "Installez le client puis connectez-vous aux serveurs"
                                  " (srv-vpn-01, 10.2.3.4) depuis l'écran d'accueil. Vérifiez le DNS des PCs.",
                          .author_id = u};
  assert_int_equal(store_kb_insert(s, &a, u), 0);
  const char *queries[] = {"vpn", "VPN configuration", "serveur", "connect", "configur",
                           "srv-vpn-01", "srv-vpn-0", "10.2.3.4", "l'écran", "ecrans", "accueil,",
                           "dns", "pcs"};
  for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
    char *m = search_match_all(queries[i], 1);
    store_kb_query_t q = {.match = m, .limit = 10};
    int64_t got = 0;
    int more = 0;
    assert_int_equal(store_kb_list(s, &q, kb_seen, &got, &more), 0);
    if (got != a.id) print_error("not found: %s (%s)\n", queries[i], m);
    assert_int_equal(got, a.id);
    free(m);
  }
  store_close(&s);
}

static int64_t one_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void insert_doc(sqlite3 *db, int64_t id, const char *text, size_t n) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (?, ?)", -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, text, (int)n, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
}

/* Invalid UTF-8, a megabyte of text, a 64 KB word, an empty text: indexed
 * without a crash, in bounded time; a text past TEXT_MAX_TOKENS tokens is
 * found by its last word, highlighted where it is. */
static void hostile_and_long_texts(void **state) {
  store_t *s = fresh("hostile.db");
  assert_int_equal(sqlite3_exec(s->db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='relais')", 0, 0, 0), 0);
  size_t n = 1u << 20;
  char *big = malloc(n + 1);
  unsigned seed = 7;
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    big[i] = (char)(seed >> 16); /* any byte: mostly invalid UTF-8 */
    if (big[i] == 0) big[i] = ' ';
  }
  big[n] = 0;
  clock_t t0 = clock();
  insert_doc(s->db, 1, big, n);
  memset(big, 'a', n); /* one word of a megabyte */
  insert_doc(s->db, 2, big, n);
  memset(big, 0xC3, n); /* lead bytes only */
  insert_doc(s->db, 3, big, n);
  insert_doc(s->db, 4, "", 0);
  insert_doc(s->db, 5, "\xff\xfe imprimante \xe9t\xe9", 16);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  assert_true(secs < 30.0); /* under sanitizers; a second or so optimised */
  assert_int_equal(one_int(s->db, "SELECT rowid FROM t WHERE t MATCH 'imprimantes'"), 5);
  /* 5,000 words, then one more: the last is found and highlighted */
  size_t len = 0;
  for (int i = 0; i < 5000; i++) len += (size_t)snprintf(big + len, n - len, "mot%d ", i);
  len += (size_t)snprintf(big + len, n - len, "zebulon.");
  insert_doc(s->db, 6, big, len);
  assert_int_equal(one_int(s->db, "SELECT rowid FROM t WHERE t MATCH 'zebulon'"), 6);
  assert_int_equal(one_int(s->db, "SELECT rowid FROM t WHERE t MATCH 'mot4999'"), 6);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'zebulon'",
                                      -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  const char *h = (const char *)sqlite3_column_text(st, 0);
  assert_non_null(strstr(h, "mot4999 [zebulon]."));
  sqlite3_finalize(st);
  /* every row is indexed whole: 5,001 tokens */
  assert_int_equal(one_int(s->db, "SELECT count(*) FROM t WHERE t MATCH 'mot0 AND mot2500 AND zebulon'"), 1);
  assert_int_equal(sqlite3_exec(s->db, "INSERT INTO t(t) VALUES ('integrity-check')", 0, 0, 0), 0);
  free(big);
  store_close(&s);
}

/* A database of schema 21 (unicode61 indexes) migrates: its old tickets
 * and articles are found by their stems, and its index is sound. */
static void schema_21_migrates(void **state) {
  char path[128], err[256];
  snprintf(path, sizeof path, "%s/v21.db", dir);
  store_t *s = NULL;
  assert_int_equal(store_open_at(path, 21, &s, err, sizeof err), 0);
  assert_int_equal(store_schema_version(s), 21);
  int64_t u = add_user(s, "old@example.org", STORE_ROLE_AGENT);
  int64_t id = add_ticket(s, u, "Les imprimantes sont bloquées", "bourrage papier", 0);
  store_kb_article_t a = {.lang = "en", .title = "Printers", .body = "Clearing paper jams.", .author_id = u};
  assert_int_equal(store_kb_insert(s, &a, u), 0);
  assert_false(list_has(s, "imprimante", id)); /* unicode61: whole words only */
  store_close(&s);
  assert_int_equal(store_open(path, &s, err, sizeof err), 0);
  assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
  assert_true(list_has(s, "imprimante", id));
  assert_true(list_has(s, "bloque", id));
  char *m = search_match_all("printer jam", 1);
  store_kb_query_t q = {.match = m, .limit = 10};
  int64_t got = 0;
  int more = 0;
  assert_int_equal(store_kb_list(s, &q, kb_seen, &got, &more), 0);
  assert_int_equal(got, a.id);
  free(m);
  assert_int_equal(sqlite3_exec(s->db, "INSERT INTO tickets_fts(tickets_fts) VALUES ('integrity-check')", 0, 0, 0), 0);
  /* later writes keep the index in step: an edit, a bulk load */
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, STORE_TF_TITLE, "Écrans noirs");
  store_actor_t act = {STORE_ACTOR_PERSON, u, NULL, 0};
  assert_int_equal(store_ticket_update(s, id, &ch, 1u << STORE_TF_TITLE, &act, NULL), 0);
  store_ticket_clear(&ch);
  assert_true(list_has(s, "ecran", id));
  assert_int_equal(store_begin(s), 0);
  int64_t mark = 0;
  assert_int_equal(store_bulk_begin(s, &mark), 0);
  int64_t bulk = add_ticket(s, u, "Serveurs indisponibles", "", 0);
  assert_int_equal(store_bulk_end(s, mark), 0);
  assert_int_equal(store_commit(s), 0);
  assert_true(list_has(s, "serveur", bulk));
  assert_int_equal(sqlite3_exec(s->db, "INSERT INTO tickets_fts(tickets_fts) VALUES ('integrity-check')", 0, 0, 0), 0);
  store_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(document_tokens_are_text_stems),
      cmocka_unit_test(query_tokens_in_both_languages),
      cmocka_unit_test(searches_find_stems),
      cmocka_unit_test(kb_search_through_tokenizer),
      cmocka_unit_test(hostile_and_long_texts),
      cmocka_unit_test(schema_21_migrates),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
