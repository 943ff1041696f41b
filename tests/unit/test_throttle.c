/* Unit tests of the API's failure throttle (src/api/throttle.c): whole
 * keys, even when every key falls in one bucket; locks that grow; and a
 * full table that never drops a lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "api/api_int.h"

#define T0 1800000000

/* All keys share one bucket: a counter belongs to its whole key. */
static void colliding_keys_keep_their_own_counters(void **state) {
  api_throttle_t *t = api_throttle_new(100, 1);
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < 4 && round * 4 + i < 5; i++) {
      assert_int_equal(api_throttle_wait(t, "account:victim", T0), 0);
      api_throttle_record(t, "account:victim", 0, 5, T0);
    }
    api_throttle_record(t, "account:other", 0, 5, T0);
    api_throttle_record(t, "account:third", 1, 5, T0);
  }
  assert_int_equal(api_throttle_wait(t, "account:victim", T0), 60);
  assert_int_equal(api_throttle_wait(t, "account:other", T0), 0); /* 4 misses */
  api_throttle_free(&t);
  assert_null(t);
}

/* A lock lasts a minute, then two, four…, never over an hour; a success
 * clears the count and the locks; misses outside 15 minutes start afresh. */
static void locks_grow_and_clear(void **state) {
  api_throttle_t *t = api_throttle_new(10, 4);
  int64_t now = T0, expect = 60;
  for (int lock = 0; lock < 9; lock++) {
    for (int i = 0; i < 3; i++) api_throttle_record(t, "k", 0, 3, now);
    assert_int_equal(api_throttle_wait(t, "k", now), expect);
    now += expect;
    assert_int_equal(api_throttle_wait(t, "k", now), 0);
    expect = expect * 2 > 3600 ? 3600 : expect * 2;
  }
  api_throttle_record(t, "k", 1, 3, now);
  for (int i = 0; i < 3; i++) api_throttle_record(t, "k", 0, 3, now);
  assert_int_equal(api_throttle_wait(t, "k", now), 60);
  /* two misses, then a third 16 minutes on: a new window */
  now += 60;
  api_throttle_record(t, "j", 0, 3, now);
  api_throttle_record(t, "j", 0, 3, now);
  api_throttle_record(t, "j", 0, 3, now + 960);
  assert_int_equal(api_throttle_wait(t, "j", now + 960), 0);
  api_throttle_free(&t);
}

/* A flood of new keys takes the places of unlocked ones, never a lock's;
 * when only locks are left, unknown keys wait too. */
static void a_full_table_keeps_its_locks(void **state) {
  api_throttle_t *t = api_throttle_new(8, 2);
  for (int i = 0; i < 5; i++) api_throttle_record(t, "account:victim", 0, 5, T0);
  char key[32];
  for (int i = 0; i < 1000; i++) {
    snprintf(key, sizeof key, "flood%d", i);
    api_throttle_record(t, key, 0, 5, T0);
  }
  assert_int_equal(api_throttle_wait(t, "account:victim", T0), 60);
  /* lock every other entry: the table is all locks */
  for (int i = 993; i < 1000; i++) {
    snprintf(key, sizeof key, "flood%d", i);
    for (int k = 0; k < 5; k++) api_throttle_record(t, key, 0, 5, T0);
  }
  assert_int_equal(api_throttle_wait(t, "someone-new", T0), 60);
  api_throttle_record(t, "someone-new", 0, 5, T0); /* no room: not counted */
  assert_int_equal(api_throttle_wait(t, "account:victim", T0), 60);
  /* the locks end: room again */
  assert_int_equal(api_throttle_wait(t, "someone-new", T0 + 61), 0);
  api_throttle_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(colliding_keys_keep_their_own_counters),
      cmocka_unit_test(locks_grow_and_clear),
      cmocka_unit_test(a_full_table_keeps_its_locks),
  };
  return cmocka_run_group_tests_name("throttle", tests, NULL, NULL);
}
