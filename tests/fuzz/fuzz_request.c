/* The JSON request layer: one request through api_handle (routing, the
 * caller's role, query parameters, body → validation → the desk's intake →
 * the store) on an in-memory database, without the network.
 *
 * Input: byte 0 picks the caller (anonymous, requester, agent, admin),
 * byte 1 a route below, then the query string ("a=1&b=2", no decoding) up
 * to the first newline, and the body after it (JSON, or a file's raw
 * bytes for an upload, "filename=…&comment_id=…" in the query).
 *
 * Properties: never a crash or sanitizer report; never a 500 (every bad
 * input is the caller's error, answered 4xx); every JSON reply parses. */
#include <jansson.h>

#include "fuzz.h"

typedef struct {
  const char *method, *path;
} route_t;

/* Every route that reads a body or parameters, except those that hash a
 * password (argon2id costs 50 ms or more: the fuzzer would spend its time
 * there) and those that start work in the background (training). */
static const route_t routes[] = {
    {"POST", "/api/v1/tickets"},
    {"GET", "/api/v1/tickets"},
    {"GET", "/api/v1/tickets/1"},
    {"PATCH", "/api/v1/tickets/1"},
    {"PATCH", "/api/v1/tickets/2"},
    {"POST", "/api/v1/tickets/1/comments"},
    {"GET", "/api/v1/tickets/1/comments"},
    {"POST", "/api/v1/tickets/1/comments/1/hide"},
    {"POST", "/api/v1/tickets/1/comments/1/show"},
    {"GET", "/api/v1/tickets/1/history"},
    {"GET", "/api/v1/users"},
    {"PATCH", "/api/v1/users/1"},
    {"PATCH", "/api/v1/users/2"},
    {"POST", "/api/v1/groups"},
    {"PATCH", "/api/v1/groups/1"},
    {"PUT", "/api/v1/groups/1/members/2"},
    {"GET", "/api/v1/tokens"},
    {"POST", "/api/v1/tokens"},
    {"POST", "/api/v1/triage"},
    {"GET", "/api/v1/tickets/1/suggestions"},
    {"POST", "/api/v1/tickets/1/suggestions/category/override"},
    {"PUT", "/api/v1/models/category/thresholds"},
    {"PUT", "/api/v1/settings"},
    {"GET", "/api/v1/settings"},
    {"POST", "/api/v1/auth/logout"},
    {"GET", "/api/v1/auth/me"},
    {"GET", "/api/v1/audit"},
    {"DELETE", "/api/v1/tokens/2"},
    {"DELETE", "/api/v1/groups/1/members/2"},
    {"PUT", "/api/v1/models/category/active"},
    {"GET", "/api/v1/models/category/trend"},
    {"POST", "/api/v1/tickets/1/attachments"}, /* the body is a file's bytes */
    {"GET", "/api/v1/tickets/1/attachments"},
    {"GET", "/api/v1/tickets/1/attachments/1"},
    {"POST", "/api/v1/tickets/1/attachments/1/hide"},
    {"POST", "/api/v1/tickets/1/attachments/1/show"},
    /* 36 onwards: macros and request templates */
    {"POST", "/api/v1/macros"},
    {"PATCH", "/api/v1/macros/1"},
    {"DELETE", "/api/v1/macros/2"},
    {"GET", "/api/v1/tickets/1/macros/1/preview"},
    {"POST", "/api/v1/tickets/1/macros/1/apply"},
    {"POST", "/api/v1/templates"},
    {"PATCH", "/api/v1/templates/1"},
    /* 43 onwards: the knowledge base */
    {"POST", "/api/v1/kb/articles"},
    {"GET", "/api/v1/kb/articles"},
    {"PATCH", "/api/v1/kb/articles/1"},
    {"POST", "/api/v1/kb/articles/1/state"},
    {"GET", "/api/v1/kb/articles/1/diff"},
    {"POST", "/api/v1/kb/articles/1/vote"},
    {"POST", "/api/v1/tickets/1/kb"},
    {"GET", "/api/v1/kb/suggest"},
    {"GET", "/api/v1/search/similar"},
    {"GET", "/api/v1/tickets/1/similar"},
    {"POST", "/api/v1/tickets/1/similar/2/taken"},
    {"GET", "/api/v1/search/ranker"},
    {"GET", "/api/v1/tickets/1/duplicate"},
    {"POST", "/api/v1/tickets/1/duplicate/dismiss"},
    {"POST", "/api/v1/search/ranker/train"},
    /* 53 onwards: links between tickets and merges */
    {"GET", "/api/v1/tickets/1/links"},
    {"POST", "/api/v1/tickets/1/links"},
    {"DELETE", "/api/v1/tickets/1/links/2"},
    {"POST", "/api/v1/tickets/2/merge"},
};
#define NROUTES (sizeof routes / sizeof routes[0])

/* A new database every so many inputs keeps memory flat (tickets and
 * comments pile up otherwise). */
#define FUZZ_GENERATION 5000

static fuzz_db_t db;
static api_ctx_t *ctx;
static unsigned runs, generation;

static void open_all(void) {
  fuzz_db_open(&db, "request", generation++);
  api_config_t cfg = {.db_path = db.path};
  char err[256];
  FUZZ_CHECK(api_init(&cfg, &ctx, err, sizeof err) == 0, "%s", err);
}

static void close_all(void) {
  api_free(&ctx);
  fuzz_db_close(&db);
}

typedef struct {
  const char *q;
  size_t n;
  char value[512];
} query_t;

/* Finds key in "k=v&k=v"; the value is copied out (cut at 511 bytes). */
static const char *query_get(void *c, const char *key) {
  query_t *q = c;
  size_t klen = strlen(key);
  const char *p = q->q, *end = q->q + q->n;
  while (p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *stop = amp ? amp : end;
    const char *eq = memchr(p, '=', (size_t)(stop - p));
    const char *kend = eq ? eq : stop;
    if ((size_t)(kend - p) == klen && memcmp(p, key, klen) == 0) {
      size_t vn = eq ? (size_t)(stop - eq - 1) : 0;
      if (vn >= sizeof q->value) vn = sizeof q->value - 1;
      if (eq) memcpy(q->value, eq + 1, vn);
      q->value[vn] = '\0';
      return q->value;
    }
    p = stop + 1;
  }
  return NULL;
}

static void atexit_close(void) { close_all(); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  util_log_set_level(UTIL_LOG_ERROR + 1); /* quiet: the fuzzer's own lines matter */
  open_all();
  atexit(atexit_close);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  if (++runs % FUZZ_GENERATION == 0) {
    close_all();
    open_all();
  }
  int role = data[0] & 3;
  const route_t *rt = &routes[data[1] % NROUTES];
  const char *rest = (const char *)data + 2;
  size_t nrest = size - 2;
  const char *nl = memchr(rest, '\n', nrest);
  query_t q = {rest, nl ? (size_t)(nl - rest) : nrest, ""};
  size_t blen = nl ? nrest - q.n - 1 : 0;
  char *body = malloc(blen + 1); /* api_request_t wants it NUL-terminated */
  if (blen) memcpy(body, nl + 1, blen);
  body[blen] = '\0';
  /* an upload's body is a file (application/octet-stream), the others JSON */
  size_t plen = strlen(rt->path);
  int raw = !strcmp(rt->method, "POST") && plen > 12 && !strcmp(rt->path + plen - 12, "/attachments");
  api_request_t req = {.method = rt->method, .path = rt->path, .query = query_get,
                       .query_ctx = &q, .body = nl ? body : NULL, .body_len = blen,
                       .authorization = db.token[role],
                       .content_type = raw ? "application/octet-stream" : "application/json",
                       .client = "192.0.2.7"};
  api_response_t resp;
  api_response_init(&resp);
  api_handle(ctx, &req, &resp);
  FUZZ_CHECK(resp.status != 500, "%s %s answered 500: %.*s", rt->method, rt->path,
             (int)resp.body.len, resp.body.data ? resp.body.data : "");
  if (resp.body.len) {
    json_error_t je;
    json_t *j = json_loadb(resp.body.data, resp.body.len, 0, &je);
    FUZZ_CHECK(j != NULL, "%s %s: the reply is not JSON (%s)", rt->method, rt->path, je.text);
    json_decref(j);
  }
  api_response_free(&resp);
  free(body);
  return 0;
}
