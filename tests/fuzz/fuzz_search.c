/* The full-text query guard (store_search_check) and the search behind
 * it, on an in-memory database of 200 tickets.
 *
 * Properties: the guard never reads past its input and, when it refuses,
 * says why; a query it lets through runs as a search (ranked, with facets
 * and without) and ends with rows or a clean refusal (UTIL_E_BADQUERY with
 * a reason), never a database error, within 2 s. */
#include "fuzz.h"
#include "util/util.h"

static fuzz_db_t db;

static const char *const words[] = {"vpn",    "printer", "imprimante", "outlook", "password",
                                    "réseau", "wifi",    "écran",      "laptop",  "badge"};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  util_log_set_level(UTIL_LOG_ERROR);
  fuzz_db_open(&db, "search", 0);
  store_actor_t a = {STORE_ACTOR_PERSON, db.user[1], NULL, 0};
  for (int i = 0; i < 200; i++) {
    char title[128], desc[256];
    snprintf(title, sizeof title, "%s %s %d", words[i % 10], words[(i / 10) % 10], i);
    snprintf(desc, sizeof desc, "%s ne marche plus; %s is down since %d", words[(i * 7) % 10],
             words[(i * 3) % 10], i);
    store_ticket_t t;
    store_ticket_init(&t);
    store_ticket_set_text(&t, STORE_TF_TITLE, title);
    store_ticket_set_text(&t, STORE_TF_DESCRIPTION, desc);
    store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, db.user[1]);
    int64_t id = 0;
    FUZZ_CHECK(store_ticket_insert(db.keep, &t, &a, &id) == 0, "ticket");
    store_ticket_clear(&t);
  }
  return 0;
}

static void search(const char *q, int facets, store_sort_t sort) {
  store_search_facets(db.keep, facets);
  store_query_t sq = {.q = q, .sort = sort, .desc = 1, .limit = 25};
  store_page_t page = {0};
  double t0 = util_monotonic();
  int rc = store_ticket_list(db.keep, &sq, &page);
  double secs = util_monotonic() - t0;
  FUZZ_CHECK(rc == 0 || rc == UTIL_E_BADQUERY, "search answered %s: %s", util_err_code(rc),
             store_errmsg(db.keep));
  FUZZ_CHECK(rc == 0 || store_list_error(db.keep)[0] != '\0', "a refusal without a reason");
  FUZZ_CHECK(secs < 2.0, "the search took %.2f s", secs);
  FUZZ_CHECK(page.n <= 25, "%zu rows for a limit of 25", page.n);
  store_page_clear(&page);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *q = malloc(size + 1); /* the guard and the search take a C string */
  memcpy(q, data, size);
  q[size] = '\0';
  char why[160] = "";
  int rc = store_search_check(q, why, sizeof why);
  FUZZ_CHECK(rc == 0 || rc == UTIL_E_BADQUERY, "the guard answered %s", util_err_code(rc));
  FUZZ_CHECK(rc == 0 || why[0] != '\0', "a refusal without a reason");
  if (rc == 0 && util_utf8_valid(q, strlen(q), NULL)) {
    search(q, 1, STORE_SORT_RANK);
    search(q, 0, STORE_SORT_RANK);
    search(q, 1, STORE_SORT_CREATED);
  }
  free(q);
  return 0;
}
