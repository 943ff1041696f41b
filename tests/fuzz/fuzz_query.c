/* The query string, from the wire: libmicrohttpd's parse of the request
 * line, the transport's checks (a NUL byte, a parameter given twice), the
 * API's unknown-parameter check and every list's reading of its
 * parameters (status lists, sorts, cursors, limits, dates, ids, searches).
 * The real server runs in this process on a loopback port, over an
 * in-memory database; the target is its client, on one kept-alive
 * connection.
 *
 * Input: byte 0 picks the caller (anonymous, requester, agent, admin),
 * byte 1 the list, the rest is sent as the query string, byte for byte.
 *
 * Properties: the server always answers with an HTTP status line (or
 * closes the connection on a request line it cannot read), never 500, and
 * keeps serving. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "http/http.h"
#include "util/util.h"

static const char *const lists[] = {"/api/v1/tickets", "/api/v1/users",
                                    "/api/v1/tickets/1/comments", "/api/v1/tickets/1/history",
                                    "/api/v1/tokens", "/api/v1/tickets/1", "/api/v1/audit"};
#define NLISTS (sizeof lists / sizeof lists[0])

static fuzz_db_t db;
static api_ctx_t *ctx;
static char listen_at[32];
static int port, sock = -1;

static void *serve(void *arg) {
  http_config_t cfg = {.listen = listen_at, .max_body = 1 << 20, .threads = 2};
  http_serve(&cfg, ctx);
  return NULL;
}

/* A free loopback port, found by binding port 0 once. */
static int free_port(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  FUZZ_CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0, "bind");
  FUZZ_CHECK(getsockname(s, (struct sockaddr *)&a, &len) == 0, "getsockname");
  close(s);
  return ntohs(a.sin_port);
}

static int dial(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(s, (struct sockaddr *)&a, sizeof a)) {
    close(s);
    return -1;
  }
  struct linger l = {1, 0}; /* close with a reset: no TIME_WAIT pile-up */
  setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  return s;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  util_log_set_level(UTIL_LOG_ERROR);
  fuzz_db_open(&db, "query", 0);
  api_config_t cfg = {.db_path = db.path};
  char err[256];
  FUZZ_CHECK(api_init(&cfg, &ctx, err, sizeof err) == 0, "%s", err);
  port = free_port();
  snprintf(listen_at, sizeof listen_at, "127.0.0.1:%d", port);
  pthread_t t;
  FUZZ_CHECK(pthread_create(&t, NULL, serve, NULL) == 0, "thread");
  pthread_detach(t);
  for (int i = 0; i < 500 && sock < 0; i++) {
    sock = dial();
    if (sock < 0) usleep(10000);
  }
  FUZZ_CHECK(sock >= 0, "the server did not start on %s", listen_at);
  return 0;
}

/* Reads one reply: its headers, then Content-Length bytes of body.
 * Returns the status, 0 when the server closed the connection first. */
static int read_reply(int s) {
  static char buf[1 << 20];
  size_t n = 0;
  char *end = NULL;
  while (!end) {
    ssize_t r = recv(s, buf + n, sizeof buf - 1 - n, 0);
    if (r <= 0) return 0;
    n += (size_t)r;
    buf[n] = '\0';
    end = strstr(buf, "\r\n\r\n");
    FUZZ_CHECK(end || n < sizeof buf - 1, "headers over 1 MB");
  }
  int status = 0;
  FUZZ_CHECK(sscanf(buf, "HTTP/1.1 %d", &status) == 1, "not a status line: %.40s", buf);
  const char *cl = strstr(buf, "\r\nContent-Length:") /* as libmicrohttpd spells it */;
  size_t want = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
  size_t have = n - (size_t)(end + 4 - buf);
  while (have < want) {
    ssize_t r = recv(s, buf, sizeof buf, 0);
    if (r <= 0) return 0;
    have += (size_t)r;
  }
  return status;
}

static int send_all(int s, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(s, p, n, MSG_NOSIGNAL);
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2 || size > 8192) return 0;
  const char *auth = db.token[data[0] & 3];
  util_buf_t req;
  util_buf_init(&req, 1 << 20);
  util_buf_printf(&req, "GET %s?", lists[data[1] % NLISTS]);
  util_buf_append(&req, (const char *)data + 2, size - 2);
  util_buf_printf(&req, " HTTP/1.1\r\nHost: fuzz\r\n%s%s%s\r\n", auth ? "Authorization: " : "",
                  auth ? auth : "", auth ? "\r\n" : "");
  for (int attempt = 0; attempt < 2; attempt++) {
    if (sock < 0) sock = dial();
    FUZZ_CHECK(sock >= 0, "the server stopped accepting: %s", strerror(errno));
    int status = send_all(sock, req.data, req.len) ? 0 : read_reply(sock);
    if (status) {
      FUZZ_CHECK(status != 500, "500 for %s", util_buf_cstr(&req));
      break;
    }
    close(sock); /* closed on us: a request line it refused; try once more */
    sock = -1;
  }
  util_buf_free(&req);
  return 0;
}
