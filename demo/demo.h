/* demo — writes a realistic, deterministic service-desk history into a
 * database: users, groups, and tickets in French and English over a period,
 * with weekly and daily rhythm and one hidden incident burst. */
#ifndef RELAIS_DEMO_H
#define RELAIS_DEMO_H

#include <stdint.h>

#include "../src/store/store.h"

typedef struct {
  uint64_t seed;     /* same seed, same data */
  int days;          /* length of the period, ending at end_day */
  int tickets;       /* ordinary tickets (the burst comes on top) */
  int64_t end_day;   /* epoch seconds of the day after the last one (UTC) */
  int passwords;     /* 0: skip argon2 hashing (tests); accounts cannot sign in */
} demo_config_t;

typedef struct {
  int users, groups, tickets, burst, duplicates, comments, articles;
} demo_counts_t;

/* The demo accounts that can sign in, with their passwords. */
typedef struct {
  const char *email, *password, *role;
} demo_login_t;
extern const demo_login_t demo_logins[]; /* ends with a NULL email */

/* Fills s (which must hold no users yet: UTIL_E_CONFLICT otherwise) in one
 * transaction. out (optional) receives what was written. */
int demo_generate(store_t *s, const demo_config_t *cfg, demo_counts_t *out);

#endif
