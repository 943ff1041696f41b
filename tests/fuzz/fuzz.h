/* What the fuzz targets share: an in-memory database (SQLite's memdb VFS)
 * kept alive by one connection of the target's own, users of every role
 * with API tokens, and a check that stops the run loudly. Each target is
 * one libFuzzer program (tests/fuzz/README.md); its helpers are static. */
#ifndef RELAIS_FUZZ_H
#define RELAIS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "store/store.h"

/* A property a target checks broke: say which, with the input's size, and
 * abort so that libFuzzer keeps the input as a crash. */
#define FUZZ_CHECK(cond, ...)                                                         \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__, #cond);                \
      fprintf(stderr, __VA_ARGS__);                                                   \
      fputc('\n', stderr);                                                            \
      abort();                                                                        \
    }                                                                                 \
  } while (0)

typedef struct {
  char path[96];          /* the memdb URI every connection opens */
  store_t *keep;          /* holds the database in memory */
  int64_t user[4];        /* by role index: 0 none, 1 requester, 2 agent, 3 admin */
  char *token[4];         /* "Bearer …" for each; [0] NULL */
} fuzz_db_t;

/* Opens a fresh in-memory database named after name and generation (a new
 * generation is a new, empty database), with a requester, an agent and an
 * admin, their tokens, a group and two tickets, and the write limit raised
 * so that the requester's writes are not all refused with 429. */
static inline void fuzz_db_open(fuzz_db_t *f, const char *name, unsigned generation) {
  memset(f, 0, sizeof *f);
  snprintf(f->path, sizeof f->path, "file:/%s-%u?vfs=memdb", name, generation);
  char err[256];
  FUZZ_CHECK(store_open(f->path, &f->keep, err, sizeof err) == 0, "%s", err);
  static const char *const email[4] = {NULL, "req@fuzz.invalid", "agent@fuzz.invalid",
                                       "admin@fuzz.invalid"};
  static const store_role_t role[4] = {STORE_ROLE_NONE, STORE_ROLE_REQUESTER, STORE_ROLE_AGENT,
                                       STORE_ROLE_ADMIN};
  for (int r = 1; r < 4; r++) {
    store_user_t u = {.email = (char *)email[r], .name = (char *)email[r], .role = role[r],
                      .lang = "", .active = 1};
    FUZZ_CHECK(store_user_insert(f->keep, &u, NULL, &f->user[r]) == 0, "user %d", r);
    char *tok = NULL;
    FUZZ_CHECK(api_token_create(f->keep, f->user[r], "fuzz", 0, NULL, NULL, &tok) == 0, "token");
    size_t n = strlen(tok) + 8;
    f->token[r] = malloc(n);
    snprintf(f->token[r], n, "Bearer %s", tok);
    free(tok);
  }
  store_group_t g = {0, "Network", "Switches, Wi-Fi and VPN"};
  int64_t gid = 0;
  FUZZ_CHECK(store_group_insert(f->keep, &g, &gid) == 0, "group");
  FUZZ_CHECK(store_setting_set(f->keep, "limits.writes_per_minute", "100000") == 0, "setting");
  for (int i = 0; i < 2; i++) {
    store_ticket_t t;
    store_ticket_init(&t);
    store_ticket_set_text(&t, STORE_TF_TITLE, i ? "VPN drops every hour" : "Printer jam");
    store_ticket_set_text(&t, STORE_TF_DESCRIPTION, "The office printer is jammed since Monday.");
    store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, f->user[1]);
    store_actor_t a = {STORE_ACTOR_PERSON, f->user[1], NULL, 0};
    int64_t id = 0;
    FUZZ_CHECK(store_ticket_insert(f->keep, &t, &a, &id) == 0, "ticket");
    store_ticket_clear(&t);
  }
}

static inline void fuzz_db_close(fuzz_db_t *f) {
  store_close(&f->keep);
  for (int r = 0; r < 4; r++) free(f->token[r]);
  memset(f, 0, sizeof *f);
}

#endif
