/* libmicrohttpd glue. Each connection gets a small state that accumulates
 * the body in a capped buffer; the final callback builds an api_request_t,
 * calls api_handle and queues the reply with security headers. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../api/api.h"
#include "http_int.h"

typedef struct {
  util_buf_t body;
  int too_large;
  int busy;        /* a large body found no room in the upload memory */
  size_t reserved; /* bytes of the upload memory this request holds */
  double started;
} http_conn_t;

typedef struct {
  const http_config_t *cfg;
  api_ctx_t *ctx;       /* borrowed */
  atomic_int in_flight; /* requests between first callback and completion */
  atomic_size_t uploads; /* bytes reserved by large bodies being received */
  http_watch_t watch;
} http_server_t;

/* Large bodies (uploads, up to limits.attachment_mb each) are held in
 * memory until answered; together they may take cfg->upload_memory bytes
 * (default HTTP_UPLOAD_MEMORY), so that many clients uploading at once, or
 * one with many connections, cannot take the server's memory. Each
 * reserves its Content-Length (the whole cap when it sends none) before
 * its first byte is read; 1 when there is room. */
static int http_reserve(http_server_t *srv, size_t n) {
  size_t limit = srv->cfg->upload_memory ? srv->cfg->upload_memory : HTTP_UPLOAD_MEMORY;
  size_t cur = atomic_load(&srv->uploads);
  do {
    if (n > limit || cur > limit - n) return 0;
  } while (!atomic_compare_exchange_weak(&srv->uploads, &cur, cur + n));
  return 1;
}

static const char *http_query(void *ctx, const char *key) {
  return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, key);
}

typedef struct {
  const char *const *known;
  const char *unknown;
} http_args_t;

static enum MHD_Result http_arg_check(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value) {
  http_args_t *a = cls;
  (void)kind;
  (void)value;
  for (const char *const *k = a->known; *k; k++)
    if (strcmp(*k, key) == 0) return MHD_YES;
  a->unknown = key;
  return MHD_NO; /* stop at the first unknown one */
}

typedef struct {
  char msg[160];
  const char *seen[32];
  size_t nseen;
} http_qcheck_t;

/* Stops at the first parameter with a NUL byte in its name or value, or
 * given twice ("status=new&status=open" would keep one silently). */
static enum MHD_Result http_arg_sane(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size) {
  http_qcheck_t *q = cls;
  (void)kind;
  int echo = strlen(key) == key_size && key_size <= 32 && util_utf8_valid(key, key_size, NULL);
  if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
    snprintf(q->msg, sizeof q->msg, "query parameter %s%s%s contains a NUL byte (%%00)",
             echo ? "'" : "", echo ? key : "(a name)", echo ? "'" : "");
    return MHD_NO;
  }
  for (size_t i = 0; i < q->nseen; i++) {
    if (strcmp(q->seen[i], key) == 0) {
      snprintf(q->msg, sizeof q->msg, "query parameter %s%s%s is given more than once",
               echo ? "'" : "", echo ? key : "(a name)", echo ? "'" : "");
      return MHD_NO;
    }
  }
  if (q->nseen < sizeof q->seen / sizeof q->seen[0]) q->seen[q->nseen++] = key;
  return MHD_YES;
}

static const char *http_query_unknown(void *ctx, const char *const *known) {
  http_args_t a = {known, NULL};
  MHD_get_connection_values(ctx, MHD_GET_ARGUMENT_KIND, http_arg_check, &a);
  return a.unknown;
}

static void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                           enum MHD_RequestTerminationCode toe) {
  http_server_t *srv = cls;
  http_conn_t *hc = *con_cls;
  if (!hc) return;
  if (hc->reserved) atomic_fetch_sub(&srv->uploads, hc->reserved);
  util_buf_free(&hc->body);
  free(hc);
  *con_cls = NULL;
  atomic_fetch_sub(&srv->in_flight, 1);
  http_watch_answering(conn, 0);
}

static void http_add_headers(struct MHD_Response *r, const api_response_t *ar) {
  MHD_add_response_header(r, "Content-Type", ar->content_type);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  /* The UI loads only its own files: no inline script, no third party.
   * A stored file brings its own, stricter one. */
  MHD_add_response_header(r, "Content-Security-Policy",
                          ar->csp ? ar->csp
                                  : "default-src 'self'; img-src 'self' data:; "
                                    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  if (ar->disposition[0]) {
    MHD_add_response_header(r, "Content-Disposition", ar->disposition);
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
  }
  MHD_add_response_header(r, "Cache-Control", ar->cache_control ? ar->cache_control
                                              : ar->static_body ? "no-cache" : "no-store");
  if (ar->set_cookie[0]) MHD_add_response_header(r, "Set-Cookie", ar->set_cookie);
  if (ar->allow[0]) MHD_add_response_header(r, "Allow", ar->allow);
  if (ar->etag[0]) MHD_add_response_header(r, "ETag", ar->etag);
  if (ar->retry_after > 0) {
    char secs[24];
    snprintf(secs, sizeof secs, "%d", ar->retry_after);
    MHD_add_response_header(r, "Retry-After", secs);
  }
}

static enum MHD_Result http_reply(http_server_t *srv, struct MHD_Connection *conn,
                                  http_conn_t *hc, const api_request_t *req) {
  api_response_t ar;
  api_response_init(&ar);
  http_watch_answering(conn, 1);
  api_handle(srv->ctx, req, &ar);
  struct MHD_Response *r;
  if (ar.static_body)
    r = MHD_create_response_from_buffer(ar.static_len, (void *)ar.static_body,
                                        MHD_RESPMEM_PERSISTENT);
  else if (ar.blob) { /* a stored file: its buffer goes to the reply as it is */
    r = MHD_create_response_from_buffer(ar.blob_len, ar.blob, MHD_RESPMEM_MUST_FREE);
    if (r) ar.blob = NULL;
  } else {
    size_t len = ar.body.len; /* read before steal resets it */
    r = MHD_create_response_from_buffer(len, util_buf_steal(&ar.body),
                                        MHD_RESPMEM_MUST_FREE);
  }
  enum MHD_Result ret = MHD_NO;
  if (r) {
    http_add_headers(r, &ar);
    ret = MHD_queue_response(conn, (unsigned)ar.status, r);
    MHD_destroy_response(r);
  }
  api_metrics_observe(srv->ctx, ar.route, ar.status, util_monotonic() - hc->started);
  api_response_free(&ar);
  return ret;
}

/* An IPv6 address's /64 prefix, the block one host usually holds. */
static void http_v6_prefix(const struct in6_addr *a, char *out, size_t len) {
  struct in6_addr p = *a;
  memset(p.s6_addr + 8, 0, 8);
  char txt[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &p, txt, sizeof txt);
  snprintf(out, len, "%s/64", txt);
}

/* The client's address, the key of per-client limits: the peer's, or with
 * forwarded_for the last hop of X-Forwarded-For (the one the proxy in
 * front of us added; earlier hops are the client's own word). */
static void http_client(struct MHD_Connection *conn, const http_config_t *cfg, char *out,
                        size_t len) {
  snprintf(out, len, "unknown");
  if (cfg->forwarded_for) {
    const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
    const char *last = xff ? strrchr(xff, ',') : NULL;
    last = last ? last + 1 : xff;
    while (last && *last == ' ') last++;
    struct in6_addr a6;
    struct in_addr a4;
    char hop[64];
    if (last && strlen(last) < sizeof hop) {
      snprintf(hop, sizeof hop, "%s", last);
      hop[strcspn(hop, " ")] = '\0';
      if (inet_pton(AF_INET, hop, &a4) == 1) inet_ntop(AF_INET, &a4, out, (socklen_t)len);
      else if (inet_pton(AF_INET6, hop, &a6) == 1) http_v6_prefix(&a6, out, len);
      return;
    }
  }
  const union MHD_ConnectionInfo *i = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *sa = i ? i->client_addr : NULL;
  if (sa && sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)len);
  } else if (sa && sa->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a)) inet_ntop(AF_INET, a->s6_addr + 12, out, (socklen_t)len);
    else http_v6_prefix(a, out, len);
  }
}

/* The request as far as its headers go (no body yet); client is the
 * buffer its address is written to. */
static void http_head(http_server_t *srv, struct MHD_Connection *conn, const char *url,
                      const char *method, api_request_t *req, char *client, size_t len) {
  memset(req, 0, sizeof *req);
  req->method = method;
  req->path = url;
  req->query = http_query;
  req->query_unknown = http_query_unknown;
  req->query_ctx = conn;
  req->session_cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "relais_session");
  req->authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
  req->csrf_token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
  req->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  req->if_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MATCH);
  req->if_none_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
  http_client(conn, srv->cfg, client, len);
  req->client = client;
  const char *proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
  req->https = proto && strcasecmp(proto, "https") == 0;
}

/* A new request: its body's cap (the upload's for a caller who may
 * upload, else --max-body) and, for a large one, its room in the upload
 * memory. Returns the first callback's answer. */
static enum MHD_Result http_start(http_server_t *srv, struct MHD_Connection *conn,
                                  const char *url, const char *method, void **con_cls) {
  http_conn_t *hc = util_xcalloc(1, sizeof *hc);
  hc->started = util_monotonic();
  *con_cls = hc;
  atomic_fetch_add(&srv->in_flight, 1);
  const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_CONTENT_LENGTH);
  unsigned long long len = cl ? strtoull(cl, NULL, 10) : 0;
  size_t cap = srv->cfg->max_body;
  int large = 0;
  if (strcmp(method, "POST") == 0) {
    api_request_t head;
    char client[INET6_ADDRSTRLEN + 4];
    http_head(srv, conn, url, method, &head, client, sizeof client);
    cap = api_body_cap(srv->ctx, &head, cap, &large);
  }
  util_buf_init(&hc->body, cap);
  /* An oversize body is read and thrown away so that the client, still
   * sending, gets to read the 413; only an absurd one (over 16 times the
   * cap) is answered at once, at the price of a possible reset. */
  if (len > cap) hc->too_large = 1;
  else if (large && !http_reserve(srv, cl ? (size_t)len : cap)) hc->busy = 1;
  else if (large) hc->reserved = cl ? (size_t)len : cap;
  return len <= 16ull * cap ? MHD_YES : MHD_NO;
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *conn,
                                   const char *url, const char *method,
                                   const char *version, const char *upload_data,
                                   size_t *upload_size, void **con_cls) {
  http_server_t *srv = cls;
  http_conn_t *hc = *con_cls;
  if (!hc && http_start(srv, conn, url, method, con_cls) == MHD_YES) return MHD_YES;
  hc = *con_cls;
  if (*upload_size) {
    if (!hc->too_large && !hc->busy && util_buf_append(&hc->body, upload_data, *upload_size))
      hc->too_large = 1;
    *upload_size = 0; /* consumed (or discarded once over the cap) */
    return MHD_YES;
  }
  api_request_t req;
  char client[INET6_ADDRSTRLEN + 4];
  http_head(srv, conn, url, method, &req, client, sizeof client);
  req.body = hc->busy ? NULL : hc->body.data;
  req.body_len = hc->busy ? 0 : hc->body.len;
  req.body_too_large = hc->too_large;
  req.body_busy = hc->busy;
  req.body_cap = hc->body.max;
  http_qcheck_t qc = {.nseen = 0};
  MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, http_arg_sane, &qc);
  req.query_error = qc.msg[0] ? qc.msg : NULL;
  return http_reply(srv, conn, hc, &req);
}

/* Parses "HOST:PORT" or "[V6]:PORT". */
static int http_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len) {
  char host[128];
  const char *colon;
  memset(ss, 0, sizeof *ss);
  if (s[0] == '[') {
    const char *end = strchr(s, ']');
    if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host) return -1;
    memcpy(host, s + 1, (size_t)(end - s - 1));
    host[end - s - 1] = '\0';
    colon = end + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
  }
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || end == colon + 1 || port < 0 || port > 65535) return -1;
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return AF_INET;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    *len = sizeof *v6;
    return AF_INET6;
  }
  return -1;
}

static void http_mhd_log(void *cls, const char *fmt, va_list ap) {
  char line[512];
  vsnprintf(line, sizeof line, fmt, ap);
  size_t n = strlen(line);
  while (n && line[n - 1] == '\n') line[--n] = '\0';
  util_log(UTIL_LOG_WARN, "http: %s", line);
}

/* Waits for SIGTERM or SIGINT, sweeping the connection watch meanwhile;
 * returns the signal. */
static int http_wait(http_server_t *srv, const sigset_t *sigs) {
  const struct timespec tick = {0, 250000000L};
  for (;;) {
    int sig = sigtimedwait(sigs, NULL, &tick);
    if (sig > 0) return sig;
    http_watch_sweep(&srv->watch);
  }
}

int http_serve(const http_config_t *cfg, api_ctx_t *ctx) {
  http_server_t srv = {.cfg = cfg, .ctx = ctx};
  http_watch_init(&srv.watch, cfg->request_deadline > 0 ? cfg->request_deadline : 30);
  struct sockaddr_storage ss;
  socklen_t sslen;
  int family = http_parse_listen(cfg->listen, &ss, &sslen);
  if (family < 0) {
    util_log(UTIL_LOG_ERROR, "--listen '%s' is not ADDRESS:PORT", cfg->listen);
    return UTIL_E_INVALID;
  }
  /* Signals are taken by this thread with sigtimedwait; block them before the
   * server's threads start so they inherit the mask. */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                   MHD_USE_ERROR_LOG;
  if (family == AF_INET6) flags |= MHD_USE_IPv6;
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, 0, NULL, NULL, http_access, &srv,
      MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 4),
      MHD_OPTION_NOTIFY_COMPLETED, http_completed, &srv,
      MHD_OPTION_NOTIFY_CONNECTION, http_watch_notify, &srv.watch,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNECTIONS,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      (unsigned)(cfg->max_per_client > 0 ? cfg->max_per_client : HTTP_PER_CLIENT),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
      MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
      MHD_OPTION_END);
  if (!d) {
    util_log(UTIL_LOG_ERROR, "cannot listen on %s (in use, or not an address of this host)",
             cfg->listen);
    return UTIL_E_IO;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  char host[64];
  const char *at = strrchr(cfg->listen, ':');
  snprintf(host, sizeof host, "%.*s", (int)(at - cfg->listen), cfg->listen);
  printf("listening on http://%s:%u\n", host, info ? info->port : 0);
  fflush(stdout);

  int sig = http_wait(&srv, &sigs);
  util_log(UTIL_LOG_INFO, "signal %d: finishing in-flight requests", sig);
  /* Stop accepting, then give running requests time to finish before the
   * threads are stopped and the database closed. */
  MHD_quiesce_daemon(d);
  double limit = util_monotonic() + (cfg->drain_secs > 0 ? cfg->drain_secs : 10);
  while (atomic_load(&srv.in_flight) > 0 && util_monotonic() < limit) usleep(10000);
  MHD_stop_daemon(d);
  util_log(UTIL_LOG_INFO, "stopped serving requests");
  return 0;
}
