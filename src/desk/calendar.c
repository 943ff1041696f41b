/* The desk's business calendar: a time zone, the working hours of each
 * weekday and the holidays. SLA clocks run only inside it: a P3 filed on
 * Friday evening is due on Monday, not on Saturday. Parsed from the three
 * settings (calendar.timezone, calendar.hours, calendar.holidays); every
 * refusal names the setting and the words it could not read. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "desk.h"

#define CAL_MAX_DAYS 3660 /* how far a walk goes: ten years of days */

static int cal_fail(desk_err_t *e, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cal_fail(desk_err_t *e, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  e->code = UTIL_E_INVALID;
  e->why = (util_why_t){.reason = UTIL_WHY_NONE}; /* the message says what the setting holds wrong */
  snprintf(e->field, sizeof e->field, "%s", key);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return UTIL_E_INVALID;
}

/* ---- Reading the settings ---------------------------------------------------- */
/* Weekday of a three-letter name, English or French; 0 = Monday, -1 if none. */
static int cal_weekday(const char *s, size_t n) {
  static const char *const en[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  static const char *const fr[7] = {"lun", "mar", "mer", "jeu", "ven", "sam", "dim"};
  for (int d = 0; n == 3 && d < 7; d++)
    if (strncasecmp(s, en[d], 3) == 0 || strncasecmp(s, fr[d], 3) == 0) return d;
  return -1;
}

/* "08:00" or "24:00" at s (5 bytes) as minutes, or -1. */
static int cal_minutes(const char *s, size_t n) {
  if (n != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
      !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
    return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m)) return -1;
  return h * 60 + m;
}

/* The days of "mon-fri" or "mon,wed,sat" (a range may wrap: "fri-mon")
 * as bits of *days. */
static int cal_days(const char *s, size_t n, unsigned *days, desk_err_t *e) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != ',') j++;
    const char *dash = memchr(s + i, '-', j - i);
    int a = cal_weekday(s + i, dash ? (size_t)(dash - s) - i : j - i);
    int b = dash ? cal_weekday(dash + 1, s + j - dash - 1) : a;
    if (a < 0 || b < 0)
      return cal_fail(e, "calendar.hours", "'%.*s' is not a day or a range of days (mon-fri, sat)",
                      (int)(j - i), s + i);
    for (int d = a;; d = (d + 1) % 7) {
      *days |= 1u << d;
      if (d == b) break;
    }
    i = j + 1;
  }
  return 0;
}

/* Adds the periods of "08:00-12:00,13:30-17:30" to each day of days. */
static int cal_periods(desk_cal_t *c, unsigned days, const char *s, size_t n, desk_err_t *e) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != ',') j++;
    int a = j - i == 11 && s[i + 5] == '-' ? cal_minutes(s + i, 5) : -1;
    int b = a >= 0 ? cal_minutes(s + i + 6, 5) : -1;
    if (a < 0 || b < 0 || a >= b)
      return cal_fail(e, "calendar.hours",
                      "'%.*s' is not a period of the day such as 08:00-18:00 (start before end)",
                      (int)(j - i), s + i);
    for (int d = 0; d < 7; d++) {
      if (!(days & 1u << d)) continue;
      if (c->nspan[d] == DESK_CAL_SPANS)
        return cal_fail(e, "calendar.hours", "a day has at most %d working periods", DESK_CAL_SPANS);
      c->span[d][c->nspan[d]][0] = (uint16_t)a;
      c->span[d][c->nspan[d]++][1] = (uint16_t)b;
    }
    i = j + 1;
  }
  return 0;
}

/* Sorts each day's periods and refuses overlaps. */
static int cal_settle(desk_cal_t *c, desk_err_t *e) {
  static const char *const names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  int any = 0;
  for (int d = 0; d < 7; d++) {
    for (int i = 1; i < c->nspan[d]; i++) /* insertion sort: four at most */
      for (int k = i; k > 0 && c->span[d][k][0] < c->span[d][k - 1][0]; k--) {
        uint16_t t0 = c->span[d][k][0], t1 = c->span[d][k][1];
        memcpy(c->span[d][k], c->span[d][k - 1], sizeof c->span[d][k]);
        c->span[d][k - 1][0] = t0;
        c->span[d][k - 1][1] = t1;
      }
    for (int i = 1; i < c->nspan[d]; i++)
      if (c->span[d][i][0] < c->span[d][i - 1][1])
        return cal_fail(e, "calendar.hours", "the working periods of %s overlap", names[d]);
    any |= c->nspan[d] > 0;
  }
  return any ? 0 : cal_fail(e, "calendar.hours", "no working hours: name at least one day");
}

/* calendar.hours: "24x7" (or empty) for around the clock, else groups
 * "DAYS PERIODS" separated by ";", e.g. "mon-fri 08:00-12:00,13:30-17:30; sat 09:00-12:00". */
static int cal_hours(desk_cal_t *c, const char *s, desk_err_t *e) {
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) n--;
  if (n == 0 || (n == 4 && strncasecmp(s, "24x7", 4) == 0)) {
    c->always = 1;
    return 0;
  }
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != ';') j++;
    size_t a = i, b = j;
    while (a < b && isspace((unsigned char)s[a])) a++;
    while (b > a && isspace((unsigned char)s[b - 1])) b--;
    size_t sp = a;
    while (sp < b && !isspace((unsigned char)s[sp])) sp++;
    size_t t = sp;
    while (t < b && isspace((unsigned char)s[t])) t++;
    unsigned days = 0;
    if (a == b || t == b)
      return cal_fail(e, "calendar.hours", "'%.*s' needs days then periods, e.g. mon-fri 08:00-18:00",
                      (int)(b - a), s + a);
    int rc = cal_days(s + a, sp - a, &days, e);
    if (!rc) rc = cal_periods(c, days, s + t, b - t, e);
    if (rc) return rc;
    i = j + 1;
  }
  return cal_settle(c, e);
}

static int cal_cmp32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static int cal_cmp16(const void *a, const void *b) {
  return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* One holiday: "2026-12-25" (that day) or "12-25" (every year). */
static int cal_holiday(desk_cal_t *c, const char *s, size_t n, desk_err_t *e) {
  char buf[16];
  int64_t t;
  int m, d;
  if (n == 10 && (memcpy(buf, s, n), buf[n] = '\0', util_time_parse(buf, &t) == 0)) {
    if (c->nholiday == DESK_CAL_HOLIDAYS) goto full;
    c->holiday[c->nholiday++] = (int32_t)(t / 86400);
    return 0;
  }
  if (n == 5 && s[2] == '-' && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
      isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4])) {
    m = (s[0] - '0') * 10 + (s[1] - '0');
    d = (s[3] - '0') * 10 + (s[4] - '0');
    /* the day must exist in a leap year */
    memcpy(buf, "2000-", 5);
    memcpy(buf + 5, s, 5);
    buf[10] = '\0';
    if (util_time_parse(buf, &t) == 0) {
      if (c->nyearly == DESK_CAL_HOLIDAYS) goto full;
      c->yearly[c->nyearly++] = (uint16_t)(m * 100 + d);
      return 0;
    }
  }
  return cal_fail(e, "calendar.holidays",
                  "'%.*s' is not a date: write 2026-12-25 for one day, 12-25 for every year",
                  (int)(n > 40 ? 40 : n), s);
full:
  return cal_fail(e, "calendar.holidays", "at most %d dates of each kind", DESK_CAL_HOLIDAYS);
}

static int cal_holidays(desk_cal_t *c, const char *s, desk_err_t *e) {
  size_t i = 0, n = strlen(s);
  while (i < n) {
    while (i < n && (s[i] == ',' || s[i] == ';' || isspace((unsigned char)s[i]))) i++;
    size_t j = i;
    while (j < n && !(s[j] == ',' || s[j] == ';' || isspace((unsigned char)s[j]))) j++;
    if (j > i) {
      int rc = cal_holiday(c, s + i, j - i, e);
      if (rc) return rc;
    }
    i = j;
  }
  qsort(c->holiday, (size_t)c->nholiday, sizeof *c->holiday, cal_cmp32);
  qsort(c->yearly, (size_t)c->nyearly, sizeof *c->yearly, cal_cmp16);
  return 0;
}

int desk_cal_parse(const char *zone, const char *hours, const char *holidays, desk_cal_t *c,
                   desk_err_t *e) {
  memset(c, 0, sizeof *c);
  if (util_tz_get(zone && *zone ? zone : "UTC", &c->tz))
    return cal_fail(e, "calendar.timezone",
                    "'%.64s' is not a time zone of the tz database (e.g. Europe/Paris, UTC)",
                    zone);
  int rc = cal_hours(c, hours ? hours : "", e);
  if (!rc) rc = cal_holidays(c, holidays ? holidays : "", e);
  return rc;
}

/* ---- Counting working time ------------------------------------------------------ */
/* Month * 100 + day of a day number (1970-01-01 = 0), proleptic Gregorian. */
static int cal_month_day(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  return m * 100 + d;
}

static int cal_off(const desk_cal_t *c, int64_t day) {
  int32_t d32 = (int32_t)day;
  uint16_t md = (uint16_t)cal_month_day(day);
  return bsearch(&d32, c->holiday, (size_t)c->nholiday, sizeof d32, cal_cmp32) ||
         bsearch(&md, c->yearly, (size_t)c->nyearly, sizeof md, cal_cmp16);
}

static int64_t cal_floor_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The local day of UTC time t. */
static int64_t cal_day(const desk_cal_t *c, int64_t t) {
  return cal_floor_div(t + util_tz_offset(c->tz, t), 86400);
}

/* Period k of local day `day` as UTC times [*a, *b); 0 if the day has no
 * period k (a holiday, or fewer periods). */
static int cal_period(const desk_cal_t *c, int64_t day, int k, int64_t *a, int64_t *b) {
  int wd = (int)((day % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
  if (k >= c->nspan[wd] || cal_off(c, day)) return 0;
  *a = util_tz_from_local(c->tz, day * 86400 + (int64_t)c->span[wd][k][0] * 60);
  *b = util_tz_from_local(c->tz, day * 86400 + (int64_t)c->span[wd][k][1] * 60);
  return *b > *a;
}

int64_t desk_cal_add(const desk_cal_t *c, int64_t t, int64_t secs) {
  if (c->always || secs <= 0) return t + (secs > 0 ? secs : 0);
  int64_t left = secs, day = cal_day(c, t);
  for (int n = 0; n < CAL_MAX_DAYS; n++, day++)
    for (int k = 0; k < DESK_CAL_SPANS; k++) {
      int64_t a, b;
      if (!cal_period(c, day, k, &a, &b) || b <= t) continue;
      if (a < t) a = t;
      if (left <= b - a) return a + left;
      left -= b - a;
    }
  return t + secs; /* no working time for ten years: the clock's own time */
}

int64_t desk_cal_between(const desk_cal_t *c, int64_t from, int64_t to) {
  if (to <= from) return 0;
  if (c->always) return to - from;
  int64_t sum = 0, day = cal_day(c, from), last = cal_day(c, to);
  for (int n = 0; n < CAL_MAX_DAYS && day <= last; n++, day++)
    for (int k = 0; k < DESK_CAL_SPANS; k++) {
      int64_t a, b;
      if (!cal_period(c, day, k, &a, &b)) continue;
      if (a < from) a = from;
      if (b > to) b = to;
      if (b > a) sum += b - a;
    }
  return sum;
}
