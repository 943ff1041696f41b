/* What the store's unit tests share: a temporary folder per run, fresh
 * databases in it, and users and tickets made in one call. Included by
 * one test file each (its functions are static; the helpers inline, so
 * that a file need not use them all). */
#ifndef RELAIS_TEST_STORE_FIXTURE_H
#define RELAIS_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "store/store_int.h" /* store_search_register, for raw_open */

static char dir[64];

static int setup(void **state) {
  snprintf(dir, sizeof dir, "/tmp/relais-unit-XXXXXX");
  assert_non_null(mkdtemp(dir));
  return 0;
}

static int teardown(void **state) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd);
}

/* A plain SQLite connection to the file at path, with what reading the
 * full-text indexes takes (store_search_register: the tokenizer "relais"
 * and the ranking functions), for tests that check the store against SQL
 * of their own. */
static inline int raw_open(const char *path, sqlite3 **db) {
  int rc = sqlite3_open(path, db);
  return rc ? rc : store_search_register(*db);
}

static inline store_t *fresh(const char *name) {
  char path[128], err[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  store_t *s = NULL;
  assert_int_equal(store_open(path, &s, err, sizeof err), 0);
  return s;
}

static inline int64_t add_user_active(store_t *s, const char *email, store_role_t role, int active) {
  store_user_t u = {.email = (char *)email, .name = (char *)email, .role = role, .lang = "", .active = active};
  int64_t id = 0;
  assert_int_equal(store_user_insert(s, &u, NULL, &id), 0);
  return id;
}

static inline int64_t add_user(store_t *s, const char *email, store_role_t role) {
  return add_user_active(s, email, role, 1);
}

static inline int64_t add_ticket(store_t *s, int64_t req, const char *title, const char *desc, int64_t at) {
  store_ticket_t t;
  store_ticket_init(&t);
  store_ticket_set_text(&t, STORE_TF_TITLE, title);
  store_ticket_set_text(&t, STORE_TF_DESCRIPTION, desc);
  store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, req);
  if (at) store_ticket_set_int(&t, STORE_TF_CREATED_AT, at);
  store_actor_t a = {STORE_ACTOR_PERSON, req, NULL, 0};
  int64_t id = 0;
  assert_int_equal(store_ticket_insert(s, &t, &a, &id), 0);
  store_ticket_clear(&t);
  return id;
}

#endif
