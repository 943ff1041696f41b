/* UTC time helpers: the store keeps epoch seconds, the API shows ISO-8601. */
#include <ctype.h>
#include <string.h>

#include "util.h"

int64_t util_now(void) {
  return (int64_t)time(NULL);
}

double util_monotonic(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void util_time_iso(int64_t t, char out[UTIL_ISO_LEN]) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, UTIL_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads exactly n digits. */
static int time_digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)**p)) return -1;
    v = v * 10 + (**p - '0');
    (*p)++;
  }
  *out = v;
  return 0;
}

static int64_t time_days_from_civil(int y, int m, int d) {
  /* Days since 1970-01-01 in the proleptic Gregorian calendar. */
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int util_time_parse(const char *s, int64_t *out) {
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const char *p = s;
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!s) return UTIL_E_INVALID;
  if (time_digits(&p, 4, &y) || *p++ != '-' || time_digits(&p, 2, &mo) ||
      *p++ != '-' || time_digits(&p, 2, &d))
    return UTIL_E_INVALID;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) return UTIL_E_INVALID;
  if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return UTIL_E_INVALID;
  int64_t off = 0;
  if (*p == 'T' || *p == ' ') {
    p++;
    if (time_digits(&p, 2, &h) || *p++ != ':' || time_digits(&p, 2, &mi))
      return UTIL_E_INVALID;
    if (*p == ':') {
      p++;
      if (time_digits(&p, 2, &se)) return UTIL_E_INVALID;
      if (*p == '.') { /* fractional seconds are accepted and dropped */
        p++;
        if (!isdigit((unsigned char)*p)) return UTIL_E_INVALID;
        while (isdigit((unsigned char)*p)) p++;
      }
    }
    if (h > 23 || mi > 59 || se > 60) return UTIL_E_INVALID;
    if (*p == 'Z') {
      p++;
    } else if (*p == '+' || *p == '-') {
      int sign = *p++ == '-' ? -1 : 1, oh, om;
      if (time_digits(&p, 2, &oh) || *p++ != ':' || time_digits(&p, 2, &om) ||
          oh > 23 || om > 59)
        return UTIL_E_INVALID;
      off = (int64_t)sign * (oh * 3600 + om * 60);
    }
  }
  if (*p) return UTIL_E_INVALID;
  *out = time_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se - off;
  return 0;
}
