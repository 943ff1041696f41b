/* Periodic work on a thread of its own, stopped promptly. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

struct util_ticker {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop, interval_ms;
  void (*fn)(void *);
  void *arg;
};

static void *ticker_main(void *p) {
  util_ticker_t *t = p;
  pthread_mutex_lock(&t->mu);
  while (!t->stop) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += t->interval_ms / 1000;
    until.tv_nsec += (long)(t->interval_ms % 1000) * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    /* wake-ups without a stop or the deadline are spurious: wait on */
    while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &until) == 0) {
    }
    if (t->stop) break;
    pthread_mutex_unlock(&t->mu);
    t->fn(t->arg);
    pthread_mutex_lock(&t->mu);
  }
  pthread_mutex_unlock(&t->mu);
  return NULL;
}

util_ticker_t *util_ticker_start(void (*fn)(void *), void *arg, int interval_ms) {
  util_ticker_t *t = util_xcalloc(1, sizeof *t);
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  t->fn = fn;
  t->arg = arg;
  t->interval_ms = interval_ms > 0 ? interval_ms : 1000;
  if (pthread_create(&t->th, NULL, ticker_main, t)) {
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
    return NULL;
  }
  return t;
}

void util_ticker_stop(util_ticker_t **tp) {
  util_ticker_t *t = *tp;
  if (!t) return;
  pthread_mutex_lock(&t->mu);
  t->stop = 1;
  pthread_cond_signal(&t->cv);
  pthread_mutex_unlock(&t->mu);
  pthread_join(t->th, NULL);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  free(t);
  *tp = NULL;
}
