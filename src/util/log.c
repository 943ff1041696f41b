/* Line-oriented logging on stderr, rate-limited. The level is set once at
 * start-up, before threads exist, so reading it unlocked is safe. */
#include <pthread.h>

#include "util.h"

static util_log_level_t log_level = UTIL_LOG_INFO;

void util_log_set_level(util_log_level_t lvl) {
  log_level = lvl;
}

/* Two limits keep a failing disk from filling the log: the same line is
 * written at most once a minute (the next one says how many were held
 * back), and at most LOG_BURST lines at once, LOG_RATE a second after that
 * (the next line that passes says how many were dropped). */
#define LOG_RATE 10.0
#define LOG_BURST 50.0
#define LOG_REPEAT_SECS 60.0
#define LOG_RECENT 16
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static double log_tokens = LOG_BURST, log_at;
static long log_dropped;
static struct {
  uint64_t hash;
  double at;  /* when it was last written */
  long held;  /* repeats not written since */
} log_recent[LOG_RECENT];

static uint64_t log_hash(const char *s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
  return h;
}

/* Under log_mu: whether line may be written now; *held and *dropped get
 * the counts to report with it. */
static int log_admit(const char *line, double now, long *held, long *dropped) {
  uint64_t h = log_hash(line);
  int slot = 0;
  for (int i = 0; i < LOG_RECENT; i++) {
    if (log_recent[i].hash == h) {
      slot = i;
      break;
    }
    if (log_recent[i].at < log_recent[slot].at) slot = i; /* the oldest, to reuse */
  }
  if (log_recent[slot].hash == h && now - log_recent[slot].at < LOG_REPEAT_SECS) {
    log_recent[slot].held++;
    return 0;
  }
  log_tokens += (now - log_at) * LOG_RATE;
  if (log_tokens > LOG_BURST) log_tokens = LOG_BURST;
  log_at = now;
  if (log_tokens < 1.0) {
    log_dropped++;
    return 0;
  }
  log_tokens -= 1.0;
  *held = log_recent[slot].hash == h ? log_recent[slot].held : 0;
  *dropped = log_dropped;
  log_dropped = 0;
  log_recent[slot].hash = h;
  log_recent[slot].at = now;
  log_recent[slot].held = 0;
  return 1;
}

void util_log(util_log_level_t lvl, const char *fmt, ...) {
  static const char *names[] = {"debug", "info", "warn", "error"};
  if (lvl < log_level) return;
  char ts[UTIL_ISO_LEN], line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  long held = 0, dropped = 0;
  pthread_mutex_lock(&log_mu);
  int pass = log_admit(line, util_monotonic(), &held, &dropped);
  pthread_mutex_unlock(&log_mu);
  if (!pass) return;
  util_time_iso(util_now(), ts);
  /* one fprintf a line, so that lines from different threads do not mix */
  if (dropped) fprintf(stderr, "%s warn %ld log lines dropped (over %g a second)\n", ts, dropped, LOG_RATE);
  if (held) fprintf(stderr, "%s %s %s (and %ld times more in the last minute)\n", ts, names[lvl], line, held);
  else fprintf(stderr, "%s %s %s\n", ts, names[lvl], line);
}
