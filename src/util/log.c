/* Line-oriented logging on stderr. The level is set once at start-up, before
 * threads exist, so reading it unlocked is safe. */
#include "util.h"

static util_log_level_t log_level = UTIL_LOG_INFO;

void util_log_set_level(util_log_level_t lvl) {
  log_level = lvl;
}

void util_log(util_log_level_t lvl, const char *fmt, ...) {
  static const char *names[] = {"debug", "info", "warn", "error"};
  if (lvl < log_level) return;
  char ts[UTIL_ISO_LEN], line[1024];
  util_time_iso(util_now(), ts);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  /* One fprintf so that lines from different threads do not interleave. */
  fprintf(stderr, "%s %s %s\n", ts, names[lvl], line);
}
