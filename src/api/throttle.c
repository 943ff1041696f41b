/* Failure counters with locks, keyed by whole strings (sign-in throttling).
 *
 * Each key (an account's folded e-mail, a client address) counts its
 * failures within a window; at the limit it is locked for a while, longer
 * at each new lock, up to an hour. Keys are compared whole, so two keys
 * never share a counter. The table holds at most max_keys entries: a new
 * key takes the place of the least recently seen entry that is not locked,
 * and a locked entry is never dropped before its lock ends. When every
 * entry is locked, an unknown key is treated as locked too: the flood that
 * filled the table slows everyone rather than letting anyone through. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

#define THROTTLE_WINDOW 900 /* seconds in which failures add up */
#define THROTTLE_LOCK 60    /* the first lock; doubles at each new one */
#define THROTTLE_LOCK_MAX 3600
#define THROTTLE_EVICT_SCAN 256 /* entries looked at for one to drop */

typedef struct throttle_entry {
  char *key;
  int64_t first, locked_until, seen;
  int fails, locks;
  double tokens, filled; /* the write bucket (api_throttle_take); filled 0: full */
  struct throttle_entry *chain;       /* next in the bucket */
  struct throttle_entry *newer, *older; /* the recency list */
} throttle_entry_t;

struct api_throttle {
  pthread_mutex_t mu;
  throttle_entry_t **bucket;
  size_t nbucket, n, max;
  throttle_entry_t *newest, *oldest;
};

api_throttle_t *api_throttle_new(size_t max_keys, size_t nbucket) {
  api_throttle_t *t = util_xcalloc(1, sizeof *t);
  pthread_mutex_init(&t->mu, NULL);
  t->nbucket = nbucket ? nbucket : 1;
  t->bucket = util_xcalloc(t->nbucket, sizeof(throttle_entry_t *));
  t->max = max_keys ? max_keys : 1;
  return t;
}

void api_throttle_free(api_throttle_t **tp) {
  api_throttle_t *t = *tp;
  if (!t) return;
  for (throttle_entry_t *e = t->newest, *next; e; e = next) {
    next = e->older;
    free(e->key);
    free(e);
  }
  free(t->bucket);
  pthread_mutex_destroy(&t->mu);
  free(t);
  *tp = NULL;
}

static size_t throttle_hash(const api_throttle_t *t, const char *key) {
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a: spreads, never decides */
  for (const char *p = key; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
  return (size_t)(h % t->nbucket);
}

static throttle_entry_t *throttle_find(api_throttle_t *t, const char *key) {
  for (throttle_entry_t *e = t->bucket[throttle_hash(t, key)]; e; e = e->chain)
    if (strcmp(e->key, key) == 0) return e;
  return NULL;
}

static void throttle_unlist(api_throttle_t *t, throttle_entry_t *e) {
  if (e->newer) e->newer->older = e->older;
  else t->newest = e->older;
  if (e->older) e->older->newer = e->newer;
  else t->oldest = e->newer;
  e->newer = e->older = NULL;
}

static void throttle_list_front(api_throttle_t *t, throttle_entry_t *e) {
  e->older = t->newest;
  if (t->newest) t->newest->newer = e;
  t->newest = e;
  if (!t->oldest) t->oldest = e;
}

static void throttle_drop(api_throttle_t *t, throttle_entry_t *e) {
  throttle_entry_t **pp = &t->bucket[throttle_hash(t, e->key)];
  while (*pp != e) pp = &(*pp)->chain;
  *pp = e->chain;
  throttle_unlist(t, e);
  free(e->key);
  free(e);
  t->n--;
}

/* Makes room for one more entry; 0, or -1 when every entry looked at is
 * locked. */
static int throttle_room(api_throttle_t *t, int64_t now) {
  if (t->n < t->max) return 0;
  throttle_entry_t *e = t->oldest;
  for (int i = 0; e && i < THROTTLE_EVICT_SCAN; i++, e = e->newer) {
    if (e->locked_until <= now) {
      throttle_drop(t, e);
      return 0;
    }
  }
  return -1;
}

int64_t api_throttle_wait(api_throttle_t *t, const char *key, int64_t now) {
  pthread_mutex_lock(&t->mu);
  throttle_entry_t *e = throttle_find(t, key);
  int64_t w = 0;
  if (e && e->locked_until > now) w = e->locked_until - now;
  else if (!e && t->n >= t->max && throttle_room(t, now)) w = THROTTLE_LOCK;
  pthread_mutex_unlock(&t->mu);
  return w;
}

/* key's entry, made when absent; NULL when the table has no room. */
static throttle_entry_t *throttle_entry(api_throttle_t *t, const char *key, int64_t now) {
  throttle_entry_t *e = throttle_find(t, key);
  if (!e && throttle_room(t, now)) return NULL;
  if (!e) {
    e = util_xcalloc(1, sizeof *e);
    e->key = util_xstrdup(key);
    e->first = now;
    size_t b = throttle_hash(t, key);
    e->chain = t->bucket[b];
    t->bucket[b] = e;
    t->n++;
  } else {
    throttle_unlist(t, e);
  }
  throttle_list_front(t, e);
  e->seen = now;
  return e;
}

int api_throttle_take(api_throttle_t *t, const char *key, int per_minute, double now) {
  if (per_minute <= 0) return 0;
  pthread_mutex_lock(&t->mu);
  throttle_entry_t *e = throttle_entry(t, key, (int64_t)now);
  int wait = 0;
  if (!e) {
    wait = 1; /* the table is all locks: a flood is on, everyone waits a little */
  } else {
    double rate = per_minute / 60.0;
    if (!e->filled) e->tokens = per_minute;
    else e->tokens += (now - e->filled) * rate;
    if (e->tokens > per_minute) e->tokens = per_minute;
    e->filled = now;
    if (e->tokens >= 1.0) e->tokens -= 1.0;
    else wait = (int)((1.0 - e->tokens) / rate) + 1;
  }
  pthread_mutex_unlock(&t->mu);
  return wait;
}

void api_throttle_record(api_throttle_t *t, const char *key, int ok, int max_fails,
                         int64_t now) {
  pthread_mutex_lock(&t->mu);
  throttle_entry_t *e = ok && !throttle_find(t, key) ? NULL : throttle_entry(t, key, now);
  if (!e) goto out; /* nothing to count, or no room */
  if (ok) {
    e->fails = e->locks = 0;
    goto out;
  }
  if (now - e->first > THROTTLE_WINDOW && e->locked_until <= now) {
    e->first = now; /* a new window; earlier locks still lengthen the next */
    e->fails = 0;
  }
  if (++e->fails >= (max_fails > 0 ? max_fails : 1)) {
    int64_t lock = (int64_t)THROTTLE_LOCK << (e->locks < 6 ? e->locks : 6);
    e->locked_until = now + (lock > THROTTLE_LOCK_MAX ? THROTTLE_LOCK_MAX : lock);
    e->locks++;
    e->fails = 0;
    e->first = now;
  }
out:
  pthread_mutex_unlock(&t->mu);
}
