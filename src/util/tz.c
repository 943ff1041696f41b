/* Time zones from the system's tz database: the TZif files (RFC 8536)
 * under $TZDIR or /usr/share/zoneinfo. A zone is read once, checked as it
 * is parsed (every count and offset against the file's size), and kept
 * for the life of the process: zones are immutable, shared by every
 * thread, and few (a desk names one), so the cache is a short list under
 * a mutex. "UTC" needs no file. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define TZ_MAX_FILE ((size_t)256 * 1024) /* Debian's largest zone is under 4 KiB */
#define TZ_MAX_CACHED 64         /* names that loaded; a bad name is never kept */

struct util_tz {
  char name[UTIL_TZ_NAME_MAX + 1];
  int64_t *at;     /* transition times, ascending */
  int32_t *off;    /* offset in force from at[i] on */
  int n;           /* transitions */
  int32_t before;  /* offset before the first transition (and of a zone with none) */
  struct util_tz *next;
};

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct util_tz *tz_cache;
static int tz_ncached;
static struct util_tz tz_utc = {"UTC", NULL, NULL, 0, 0, NULL};

/* A name is letters, digits and "_+-" in parts separated by single "/",
 * none of them "." or ".." nor starting with "-": it can never leave the
 * zone folder. */
static int tz_name_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > UTIL_TZ_NAME_MAX || s[0] == '/' || s[n - 1] == '/') return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int part_start = i == 0 || s[i - 1] == '/';
    if (c == '/' && part_start) return 0;
    if (part_start && (c == '-' || c == '.')) return 0;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '+' || c == '-' || c == '/'))
      return 0;
  }
  return 1;
}

static uint32_t tz_be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t tz_be64(const unsigned char *p) {
  return (int64_t)((uint64_t)tz_be32(p) << 32 | tz_be32(p + 4));
}

/* The six counts of a TZif header at p (44 bytes): isut, isstd, leap,
 * time, type, char. 0, or -1 when p is no TZif header. */
static int tz_header(const unsigned char *p, size_t avail, uint32_t cnt[6]) {
  if (avail < 44 || memcmp(p, "TZif", 4) != 0) return -1;
  for (int i = 0; i < 6; i++) cnt[i] = tz_be32(p + 20 + (size_t)4 * i);
  /* each count fits the file many times over; this keeps sums in range */
  for (int i = 0; i < 6; i++)
    if (cnt[i] > TZ_MAX_FILE) return -1;
  return cnt[4] == 0 ? -1 : 0;
}

/* Size of a data block with the header's counts, tsize bytes a time. */
static size_t tz_block(const uint32_t c[6], size_t tsize) {
  return c[3] * tsize + c[3] + (size_t)c[4] * 6 + c[5] + c[2] * (tsize + 4) + c[1] + c[0];
}

/* Reads the transitions of the file's data (version 2 and later: the
 * 64-bit block after the 32-bit one). 0, or -1 when the file is no
 * well-formed TZif file. */
static int tz_parse(const unsigned char *d, size_t n, struct util_tz *z) {
  uint32_t c[6];
  if (tz_header(d, n, c)) return -1;
  size_t pos = 44, tsize = 4;
  if (d[4] >= '2') { /* skip the 32-bit block: the 64-bit one follows */
    pos += tz_block(c, 4);
    if (pos > n || tz_header(d + pos, n - pos, c)) return -1;
    pos += 44;
    tsize = 8;
  }
  if (tz_block(c, tsize) > n - pos) return -1;
  const unsigned char *times = d + pos, *idx = times + c[3] * tsize, *types = idx + c[3];
  z->n = (int)c[3];
  z->at = util_xcalloc(c[3], sizeof *z->at);
  z->off = util_xcalloc(c[3], sizeof *z->off);
  for (uint32_t i = 0; i < c[3]; i++) {
    if (idx[i] >= c[4]) return -1;
    z->at[i] = tsize == 8 ? tz_be64(times + (size_t)8 * i) : (int32_t)tz_be32(times + (size_t)4 * i);
    if (i && z->at[i] <= z->at[i - 1]) return -1;
    z->off[i] = (int32_t)tz_be32(types + (size_t)6 * idx[i]);
  }
  z->before = (int32_t)tz_be32(types); /* type 0 (RFC 8536 3.2) */
  for (int i = 0; i < z->n; i++)
    if (z->off[i] < -26 * 3600 || z->off[i] > 26 * 3600) return -1;
  return z->before < -26 * 3600 || z->before > 26 * 3600 ? -1 : 0;
}

/* Reads the file of zone name into a new zone; NULL when it cannot. */
static struct util_tz *tz_load(const char *name) {
  const char *dir = getenv("TZDIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char *d = util_xmalloc(TZ_MAX_FILE);
  size_t n = fread(d, 1, TZ_MAX_FILE, f);
  int too_big = n == TZ_MAX_FILE;
  fclose(f);
  struct util_tz *z = util_xcalloc(1, sizeof *z);
  snprintf(z->name, sizeof z->name, "%s", name);
  if (too_big || tz_parse(d, n, z)) {
    free(z->at);
    free(z->off);
    free(z);
    z = NULL;
  }
  free(d);
  return z;
}

int util_tz_get(const char *name, const util_tz_t **out) {
  *out = NULL;
  if (!name || !tz_name_ok(name)) return UTIL_E_INVALID;
  if (strcmp(name, "UTC") == 0) {
    *out = &tz_utc;
    return 0;
  }
  pthread_mutex_lock(&tz_lock);
  struct util_tz *z = tz_cache;
  while (z && strcmp(z->name, name) != 0) z = z->next;
  /* past TZ_MAX_CACHED distinct zones a new one is refused: a desk names
   * one, and the memory of a process stays bounded whatever is asked */
  if (!z && tz_ncached < TZ_MAX_CACHED && (z = tz_load(name))) {
    z->next = tz_cache;
    tz_cache = z;
    tz_ncached++;
  }
  pthread_mutex_unlock(&tz_lock);
  *out = z;
  return z ? 0 : UTIL_E_INVALID;
}

const char *util_tz_name(const util_tz_t *tz) { return tz->name; }

int32_t util_tz_offset(const util_tz_t *tz, int64_t t) {
  if (tz->n == 0 || t < tz->at[0]) return tz->before;
  int lo = 0, hi = tz->n - 1; /* the last transition at or before t */
  while (lo < hi) {
    int mid = lo + (hi - lo + 1) / 2;
    if (tz->at[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return tz->off[lo];
}

int64_t util_tz_from_local(const util_tz_t *tz, int64_t local) {
  /* the offset in force at the guess; a second look settles a guess that
   * fell on the other side of a transition */
  int64_t t = local - util_tz_offset(tz, local);
  return local - util_tz_offset(tz, t);
}
