/* Private to the http module: the connection watch (watch.c). */
#ifndef RELAIS_HTTP_INT_H
#define RELAIS_HTTP_INT_H

#include <microhttpd.h>

#include "http.h"

typedef struct http_watch_conn http_watch_conn_t;

/* Every open connection, timed: a request (headers and body) must be
 * whole within deadline seconds of the connection's opening or of the end
 * of its previous request. */
typedef struct {
  double deadline;
  http_watch_conn_t *head;
  long open; /* connections in the list */
  long cut;  /* connections the sweep has shut down, in all */
} http_watch_t;

void http_watch_init(http_watch_t *w, double deadline);
/* MHD_OPTION_NOTIFY_CONNECTION's callback (cls: the watch): times each
 * connection from its start and forgets it when closed. */
void http_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);
/* A request is whole (1): its connection is not timed while it is answered;
 * its reply is done (0): the clock starts again for the next request. */
void http_watch_answering(struct MHD_Connection *conn, int answering);
/* Shuts down each connection past the deadline; called about once a second. */
void http_watch_sweep(http_watch_t *w);

#endif
