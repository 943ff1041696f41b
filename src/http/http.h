/* http — the libmicrohttpd transport: accepts connections, collects bodies
 * under a cap, hands each request to api_handle and sends the reply. Knows
 * nothing of tickets or users. */
#ifndef RELAIS_HTTP_H
#define RELAIS_HTTP_H

#include <stddef.h>

#include "../api/api.h"

typedef struct {
  const char *listen;  /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks one */
  size_t max_body;     /* bytes; larger bodies get 413 */
  int threads;         /* worker threads; 0 → 4 */
  double drain_secs;   /* on SIGTERM/SIGINT, how long in-flight requests may
                          take to finish; 0 → 10 */
  int max_per_client;  /* open connections from one address; 0 → HTTP_PER_CLIENT */
  int forwarded_for;   /* take the client's address from X-Forwarded-For's
                          last hop (serve behind a reverse proxy only) */
  double request_deadline; /* seconds a request's headers and body may take,
                              from the connection's opening or the end of its
                              previous request; 0 → 30 */
  size_t upload_memory;    /* bytes that uploads being received (bodies over
                              max_body, see api_body_cap) may hold in all;
                              past it an upload answers 503; 0 → HTTP_UPLOAD_MEMORY */
} http_config_t;

/* The default of upload_memory: 256 MiB. */
#define HTTP_UPLOAD_MEMORY ((size_t)256 << 20)

/* Connections open at once, in all and from one client address: one client
 * (a flood of idle sockets) can hold no more than its share. Behind a
 * reverse proxy every client has the proxy's address: raise the second. */
#define HTTP_MAX_CONNECTIONS 1000
#define HTTP_PER_CLIENT 64

/* Serves ctx (borrowed; from api_init) until SIGTERM or SIGINT, then stops
 * accepting, lets in-flight requests finish, joins its threads and returns
 * 0; the caller then stops its jobs and frees ctx. Prints
 * "listening on http://ADDR:PORT" on stdout once bound. Returns a negative
 * UTIL_E_* code if it cannot start (message logged). */
int http_serve(const http_config_t *cfg, api_ctx_t *ctx);

#endif
