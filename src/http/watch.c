/* The connection watch: a deadline on every request, headers and body.
 *
 * libmicrohttpd closes a connection that sends nothing for its idle
 * timeout, but one that sends a byte now and then stays open for ever; a
 * few hundred of those hold every slot. Here each connection is timed from
 * its opening, or from the end of its last request, until its request is
 * whole; one past the deadline is shut down (shutdown(2): the server's own
 * thread then sees the socket end and frees the connection). A reply being
 * sent is not timed: a slow reader is the idle timeout's business.
 *
 * The list is shared by the server's threads (which add, remove and mark
 * entries) and the sweeping thread, under one mutex; the library reports a
 * connection closed before it closes its socket, so the descriptor the
 * sweep shuts down is always the connection's own. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "http_int.h"

struct http_watch_conn {
  int fd;
  double since;  /* opened, or last request finished */
  int answering; /* the request is whole: its reply is being made or sent */
  int cut;       /* shut down by the sweep */
  struct http_watch_conn *prev, *next;
};

static pthread_mutex_t watch_mu = PTHREAD_MUTEX_INITIALIZER;

void http_watch_init(http_watch_t *w, double deadline) {
  w->deadline = deadline;
  w->head = NULL;
  w->open = 0;
  w->cut = 0;
}

void http_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code) {
  http_watch_t *w = cls;
  http_watch_conn_t *c = *socket_context;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    c = calloc(1, sizeof *c);
    if (!c || !fd) { /* untimed, like before: the idle timeout still holds */
      free(c);
      *socket_context = NULL;
      return;
    }
    c->fd = fd->connect_fd;
    c->since = util_monotonic();
    pthread_mutex_lock(&watch_mu);
    c->next = w->head;
    if (w->head) w->head->prev = c;
    w->head = c;
    w->open++;
    pthread_mutex_unlock(&watch_mu);
    *socket_context = c;
    return;
  }
  if (!c) return;
  pthread_mutex_lock(&watch_mu);
  if (c->prev)
    c->prev->next = c->next;
  else
    w->head = c->next;
  if (c->next) c->next->prev = c->prev;
  w->open--;
  pthread_mutex_unlock(&watch_mu);
  free(c);
  *socket_context = NULL;
}

/* The connection's entry, or NULL when it is untimed. */
static http_watch_conn_t *watch_entry(struct MHD_Connection *conn) {
  const union MHD_ConnectionInfo *i =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return i ? i->socket_context : NULL;
}

void http_watch_answering(struct MHD_Connection *conn, int answering) {
  http_watch_conn_t *c = watch_entry(conn);
  if (!c) return;
  pthread_mutex_lock(&watch_mu);
  c->answering = answering;
  if (!answering) c->since = util_monotonic();
  pthread_mutex_unlock(&watch_mu);
}

void http_watch_sweep(http_watch_t *w) {
  double now = util_monotonic();
  pthread_mutex_lock(&watch_mu);
  for (http_watch_conn_t *c = w->head; c; c = c->next) {
    if (c->answering || c->cut || now - c->since <= w->deadline) continue;
    shutdown(c->fd, SHUT_RDWR);
    c->cut = 1;
    w->cut++;
  }
  pthread_mutex_unlock(&watch_mu);
}
