/* Unit tests of the search module's knowledge-base rules (src/search/):
 * the lifecycle's moves, Markdown made inert (as HTML and as a tree), the full-text expression
 * of a reader's words, the draft of a solved ticket, and the line diff,
 * whose script must rebuild the new text from the old one and be as
 * short as the longest common subsequence allows (checked against a
 * plain dynamic program on random texts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "search/search.h"

static void lifecycle(void **state) {
  assert_true(search_kb_transition_ok("draft", "review"));
  assert_true(search_kb_transition_ok("review", "published"));
  assert_true(search_kb_transition_ok("published", "archived"));
  assert_true(search_kb_transition_ok("archived", "draft"));
  assert_false(search_kb_transition_ok("draft", "archived"));
  assert_false(search_kb_transition_ok("archived", "published"));
  assert_false(search_kb_transition_ok("draft", "draft"));
  assert_true(search_kb_state_ok("review"));
  assert_false(search_kb_state_ok("Review"));
  assert_false(search_kb_state_ok(NULL));
  assert_false(search_kb_editable("archived"));
  assert_true(search_kb_editable("published"));
}

static void markdown_is_inert(void **state) {
  const char *md = "# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) "
                   "![i](data:image/png;base64,AAAA) [y](JaVaScRiPt:alert(3))\n\n<b onclick=x>b</b>";
  char *h = search_markdown_html(md, strlen(md));
  assert_non_null(h);
  assert_non_null(strstr(h, "<h1>Title</h1>"));
  assert_null(strstr(h, "<script"));
  assert_null(strstr(h, "javascript:"));
  assert_null(strstr(h, "JaVaScRiPt:"));
  assert_null(strstr(h, "onclick"));
  assert_non_null(strstr(h, "data:image/png")); /* images of a safe type stay */
  free(h);
  assert_null(search_markdown_html("\xff\xfe", 2)); /* not UTF-8 */
}

static json_t *kid(json_t *n, size_t i) { return json_array_get(json_object_get(n, "c"), i); }
static const char *type(json_t *n) { return json_string_value(json_object_get(n, "t")); }

/* The tree: its nodes, links kept only where they may be followed, raw
 * HTML left out, and nesting capped with the deep text kept. */
static void markdown_tree(void **state) {
  const char *md = "## Steps\n\n1. Open [the portal](https://example.org/a) or [this](javascript:x)\n"
                   "2. Type `vpn`\n\n<div>raw</div>\n\n![logo](/static/logo.png)\n";
  json_t *d = search_markdown_doc(md, strlen(md));
  assert_string_equal(type(d), "doc");
  json_t *h = kid(d, 0), *ol = kid(d, 1);
  assert_string_equal(type(h), "h");
  assert_int_equal(json_integer_value(json_object_get(h, "level")), 2);
  assert_string_equal(json_string_value(kid(h, 0)), "Steps");
  assert_string_equal(type(ol), "ol");
  json_t *p = kid(kid(ol, 0), 0);
  assert_string_equal(type(p), "p");
  json_t *good = kid(p, 1), *bad = kid(p, 3);
  assert_string_equal(json_string_value(json_object_get(good, "href")), "https://example.org/a");
  assert_string_equal(type(bad), "a");
  assert_null(json_object_get(bad, "href"));
  json_t *code = kid(kid(kid(ol, 1), 0), 1);
  assert_string_equal(json_string_value(json_object_get(code, "s")), "vpn");
  json_t *img = kid(kid(d, 2), 0); /* the raw <div> left no node */
  assert_string_equal(type(img), "img");
  assert_string_equal(json_string_value(json_object_get(img, "src")), "/static/logo.png");
  json_decref(d);
  /* 200 nested quotes: 24 levels, the text still there */
  char deep[512] = "";
  for (int i = 0; i < 200; i++) strcat(deep, ">");
  strcat(deep, " bottom");
  d = search_markdown_doc(deep, strlen(deep));
  json_t *n = d;
  int levels = 0;
  while (kid(n, 0) && json_is_object(kid(n, 0))) {
    n = kid(n, 0);
    levels++;
  }
  assert_true(levels <= SEARCH_DOC_DEPTH);
  assert_string_equal(json_string_value(kid(n, 0)), "bottom");
  json_decref(d);
  assert_null(search_markdown_doc("\xc3", 1));
}

static void match_expressions(void **state) {
  char *m = search_match_all("  Imprimante, l'écran * \"NEAR(x\" OR-", 1);
  assert_string_equal(m, "\"Imprimante\"* \"l'écran\"* \"NEAR\"* \"x\"* \"OR\"*");
  free(m);
  m = search_match_all("srv-web-01: (10.2.3.4)", 0);
  assert_string_equal(m, "\"srv-web-01\" \"10.2.3.4\"");
  free(m);
  m = search_match_all("vpn", 0);
  assert_string_equal(m, "\"vpn\"");
  free(m);
  assert_null(search_match_all(" *-\"() ", 1));
  assert_null(search_match_all(NULL, 1));
  char many[400] = "";
  for (int i = 0; i < 30; i++) strcat(many, "word ");
  m = search_match_all(many, 0);
  int n = 0;
  for (const char *p = m; (p = strstr(p, "word")) != NULL; p++) n++;
  assert_int_equal(n, 16);
  free(m);
}

static void draft_of_a_ticket(void **state) {
  char *b = search_kb_draft_body(1, "Le VPN coupe.", "Client mis à jour.");
  assert_string_equal(b, "## Problème\n\nLe VPN coupe.\n\n## Solution\n\nClient mis à jour.\n");
  free(b);
  b = search_kb_draft_body(0, NULL, "");
  assert_non_null(strstr(b, "## Problem\n\n(to be written)"));
  free(b);
  assert_string_equal(search_lang_of("Imprimante en panne", "Elle ne marche plus depuis le matin"), "fr");
  assert_string_equal(search_lang_of("Printer down", "It stopped working this morning"), "en");
}

/* ---- the diff --------------------------------------------------------------- */

typedef struct {
  char out[4096];   /* the new text rebuilt from SAME and ADD lines */
  char old[4096];   /* the old text rebuilt from SAME and DEL lines */
  int same;
} rebuild_t;

static int rebuild(search_diff_op_t op, const char *line, size_t len, void *arg) {
  rebuild_t *r = arg;
  if (op != SEARCH_DIFF_DEL) {
    strncat(r->out, line, len);
    strcat(r->out, "\n");
  }
  if (op != SEARCH_DIFF_ADD) {
    strncat(r->old, line, len);
    strcat(r->old, "\n");
  }
  r->same += op == SEARCH_DIFF_SAME;
  return 0;
}

/* Length of the LCS of the lines of a and b (each line one letter). */
static int lcs(const char *a, const char *b) {
  int n = (int)strlen(a), m = (int)strlen(b), t[40][40] = {{0}};
  for (int i = n - 1; i >= 0; i--)
    for (int j = m - 1; j >= 0; j--)
      t[i][j] = a[i] == b[j] ? t[i + 1][j + 1] + 1 : (t[i + 1][j] > t[i][j + 1] ? t[i + 1][j] : t[i][j + 1]);
  return t[0][0];
}

static void lines_of(const char *letters, char *text) {
  text[0] = 0;
  for (const char *p = letters; *p; p++) {
    size_t k = strlen(text);
    text[k] = *p;
    text[k + 1] = '\n';
    text[k + 2] = 0;
  }
}

static void diff_is_a_shortest_script(void **state) {
  unsigned seed = 12345;
  for (int round = 0; round < 300; round++) {
    char la[32], lb[32], a[80], b[80];
    int n = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 20, m = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 20;
    for (int i = 0; i < n; i++) la[i] = (char)('a' + ((seed = seed * 1103515245u + 12345u) >> 16) % 4);
    for (int i = 0; i < m; i++) lb[i] = (char)('a' + ((seed = seed * 1103515245u + 12345u) >> 16) % 4);
    la[n] = lb[m] = 0;
    lines_of(la, a);
    lines_of(lb, b);
    rebuild_t r = {.out = "", .old = "", .same = 0};
    search_diff_lines(a, b, rebuild, &r);
    assert_string_equal(r.out, b);
    assert_string_equal(r.old, a);
    assert_int_equal(r.same, lcs(la, lb));
  }
  /* a last line without its newline is a line; empty texts have none */
  rebuild_t r = {.out = "", .old = "", .same = 0};
  search_diff_lines("one\ntwo", "one\ntwo\nthree", rebuild, &r);
  assert_string_equal(r.out, "one\ntwo\nthree\n");
  assert_int_equal(r.same, 2);
  rebuild_t e = {.out = "", .old = "", .same = 0};
  search_diff_lines("", NULL, rebuild, &e);
  assert_string_equal(e.out, "");
}

static int count_ops(search_diff_op_t op, const char *line, size_t len, void *arg) {
  int *n = arg;
  n[op == SEARCH_DIFF_SAME ? 0 : op == SEARCH_DIFF_DEL ? 1 : 2]++;
  return 0;
}

/* Beyond the table's size the middles are replaced whole, the common
 * head and tail kept: 3,000 different lines each side. */
static void huge_middles_are_replaced(void **state) {
  enum { N = 3000 };
  size_t cap = N * 12 + 32;
  char *a = malloc(cap), *b = malloc(cap);
  size_t la = (size_t)snprintf(a, cap, "head\n"), lb = (size_t)snprintf(b, cap, "head\n");
  for (int i = 0; i < N; i++) {
    la += (size_t)snprintf(a + la, cap - la, "a%d\n", i);
    lb += (size_t)snprintf(b + lb, cap - lb, "b%d\n", i);
  }
  snprintf(a + la, cap - la, "tail\n");
  snprintf(b + lb, cap - lb, "tail\n");
  int n[3] = {0};
  search_diff_lines(a, b, count_ops, n);
  assert_int_equal(n[0], 2);
  assert_int_equal(n[1], N);
  assert_int_equal(n[2], N);
  free(a);
  free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lifecycle),
      cmocka_unit_test(markdown_is_inert),
      cmocka_unit_test(markdown_tree),
      cmocka_unit_test(match_expressions),
      cmocka_unit_test(draft_of_a_ticket),
      cmocka_unit_test(diff_is_a_shortest_script),
      cmocka_unit_test(huge_middles_are_replaced),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
