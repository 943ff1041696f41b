/* SIGKILL during a migration: a child process opens (and so migrates) a
 * database and is killed at a random moment, again and again. After each
 * kill the file passes integrity_check and is at one version exactly,
 * with that version's tables and columns and all its data (each step is
 * all or nothing), and the next open finishes the migration. Two cases: a
 * new file (every step from nothing) and one at version 10 holding 60,000
 * API tokens, whose step 11 copies them into a new table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store_fixture.h"
#include "util/util.h"

#define TOKENS 60000

static int64_t one_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

/* The file after a kill: whole, and at one version with what it has. */
static int check_state(const char *path, int64_t tokens) {
  if (access(path, F_OK) != 0) return 0; /* killed before the file was made */
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
  sqlite3_finalize(st);
  int v = (int)one_int(db, "PRAGMA user_version");
  int64_t tables = one_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
  assert_true(v >= 0 && v <= STORE_SCHEMA_VERSION);
  if (v == 0) assert_int_equal(tables, 0);
  if (v >= 1) assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'tickets'"), 1);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'"), v >= 12);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'api_tokens_new'"), 0);
  if (v >= 9) assert_int_equal(one_int(db, "SELECT count(*) FROM pragma_table_info('tickets') WHERE name = 'version'"), 1);
  assert_int_equal(one_int(db, "SELECT count(*) FROM pragma_table_info('tickets') WHERE name = 'resolve_due_at'"), v >= 13);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'attachments'"), v >= 16);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'tickets_changes_au'"), v >= 8);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'catalog'"), v >= 14);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'ratings'"), v >= 15);
  assert_int_equal(one_int(db, "SELECT count(*) FROM pragma_table_info('tickets') WHERE name = 'awaiting_since'"), v >= 17);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('views', 'tickets_live')"),
                   v >= 17 ? 2 : 0);
  /* 18: macros, templates and the forms tickets keep, all or none */
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('macros', 'templates',"
                               " 'ticket_forms', 'ticket_fields')"), v >= 18 ? 4 : 0);
  /* 19: the quality reports and the labels people confirmed, both or none */
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('quality_reports',"
                               " 'label_confirmations')"), v >= 19 ? 2 : 0);
  if (v >= 10) {
    assert_int_equal(one_int(db, "SELECT count(*) FROM pragma_table_info('api_tokens') WHERE name = 'id'"), v >= 11);
    if (tokens) assert_int_equal(one_int(db, "SELECT count(*) FROM api_tokens"), tokens);
  }
  sqlite3_close(db);
  return v;
}

/* Opens path in a child killed after delay_us; returns 1 if the child had
 * finished before the kill. */
static int open_and_kill(const char *path, long delay_us) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    store_t *s = NULL;
    _exit(store_open(path, &s, NULL, 0) == 0 ? 0 : 3); /* no cleanup: as if killed */
  }
  struct timespec ts = {delay_us / 1000000, (delay_us % 1000000) * 1000};
  nanosleep(&ts, NULL);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) assert_int_equal(WEXITSTATUS(status), 0);
  return WIFEXITED(status);
}

/* How long a whole open takes in a child, from its fork to its end. */
static double time_open(const char *path) {
  double t0 = util_monotonic();
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    store_t *s = NULL;
    _exit(store_open(path, &s, NULL, 0) == 0 ? 0 : 3);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return util_monotonic() - t0;
}

static void remove_db(const char *path) {
  static const char *const suffix[] = {"", "-wal", "-shm"};
  char p[160];
  for (size_t i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s%s", path, suffix[i]);
    unlink(p);
  }
}

static void kill_fresh_migrations(void **state) {
  char path[128];
  snprintf(path, sizeof path, "%s/fresh.db", dir);
  double full = time_open(path);
  int seen[STORE_SCHEMA_VERSION + 1] = {0}, killed = 0;
  srand(20261203);
  for (int round = 0; round < 120; round++) {
    remove_db(path);
    long delay = (long)(full * 1e6 * (rand() / (double)RAND_MAX));
    killed += !open_and_kill(path, delay);
    seen[check_state(path, 0)]++;
    store_t *s = NULL; /* the next open finishes the job */
    assert_int_equal(store_open(path, &s, NULL, 0), 0);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    store_close(&s);
  }
  int middle = 0;
  for (int v = 1; v < STORE_SCHEMA_VERSION; v++) middle += seen[v];
  printf("# fresh file: %d of 120 opens killed, %d left between versions (full open %.1f ms)\n",
         killed, middle, full * 1e3);
  assert_true(killed >= 30);
}

/* A database at version 10 with TOKENS tokens (the old table, no id). */
static void make_v10(const char *path) {
  remove_db(path);
  store_t *s = NULL;
  assert_int_equal(store_open_at(path, 10, &s, NULL, 0), 0);
  store_close(&s);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
      "INSERT INTO users(email, name, role, lang, vip, active, created_at)"
      " VALUES ('a@b.c', 'a', 'agent', '', 0, 1, 1);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)"
      " INSERT INTO api_tokens(token_hash, user_id, name, created_at)"
      " SELECT printf('%064x', i), 1, 'token ' || i, 1700000000 + i FROM n;", NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close(db);
}

static void kill_migration_with_data(void **state) {
  char path[128], copy[160];
  snprintf(path, sizeof path, "%s/v10.db", dir);
  snprintf(copy, sizeof copy, "%s/v10-copy.db", dir);
  make_v10(copy);
  make_v10(path);
  double full = time_open(path);
  int at10 = 0, after = 0;
  srand(11);
  for (int round = 0; round < 24; round++) {
    char cmd[400];
    remove_db(path);
    snprintf(cmd, sizeof cmd, "cp %s %s", copy, path);
    assert_int_equal(system(cmd), 0);
    long delay = (long)(full * 1e6 * (rand() / (double)RAND_MAX));
    open_and_kill(path, delay);
    int v = check_state(path, TOKENS);
    at10 += v == 10;
    after += v > 10;
    store_t *s = NULL;
    assert_int_equal(store_open(path, &s, NULL, 0), 0);
    store_close(&s);
    assert_int_equal(check_state(path, TOKENS), STORE_SCHEMA_VERSION);
  }
  printf("# version 10 with %d tokens: %d kills left it at 10, %d after (full open %.1f ms)\n",
         TOKENS, at10, after, full * 1e3);
  assert_true(at10 > 0 && after > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kill_fresh_migrations),
      cmocka_unit_test(kill_migration_with_data),
  };
  return cmocka_run_group_tests_name("crash", tests, setup, teardown);
}
