/* The CSV reader and the import built on it.
 *
 * Input: the first line is the column map given to --map
 * ("Subject=title,Body=description"), the rest the CSV file.
 *
 * Properties of the reader, on the file with a 256-byte record cap: it
 * ends, every record has a field, no field is longer than the cap, and a
 * field's length covers its C string. Of the import (relais import, on an
 * in-memory database): it exits 0, 1 or 2, never loses a committed ticket,
 * and leaves a database that passes integrity_check. */
#include <fcntl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuzz.h"
#include "util/util.h"

#define FUZZ_GENERATION 2000
#define FUZZ_CAP 256

static fuzz_db_t db;
static unsigned runs, generation;
static char file[64];

static void reader(const uint8_t *data, size_t size) {
  FILE *f = fmemopen((void *)data, size, "rb");
  if (!f) return; /* fmemopen refuses an empty buffer on some C libraries */
  util_csv_t *c = util_csv_open(f, FUZZ_CAP);
  char **fields;
  size_t nf, records = 0;
  int r;
  while ((r = util_csv_next(c, &fields, &nf)) != 0) {
    FUZZ_CHECK(++records <= size + 1, "more records than bytes");
    if (r < 0) {
      FUZZ_CHECK(util_csv_error(c)[0] != '\0', "an error without a message");
      continue;
    }
    FUZZ_CHECK(nf >= 1, "a record without a field");
    for (size_t i = 0; i < nf; i++) {
      size_t len = util_csv_field_len(c, i);
      FUZZ_CHECK(len <= FUZZ_CAP, "field %zu is %zu bytes, over the cap", i, len);
      FUZZ_CHECK(strlen(fields[i]) <= len, "field %zu's string runs past its length", i);
    }
  }
  util_csv_close(&c);
  fclose(f);
}

static void add_count(const char *status, int64_t n, void *arg) { *(int64_t *)arg += n; }

static int64_t count_tickets(void) {
  int64_t n = 0;
  FUZZ_CHECK(store_ticket_count_by_status(db.keep, add_count, &n) == 0, "count");
  return n;
}

/* relais import with its messages sent to /dev/null (they are one line per
 * refused row); a crash inside still leaves libFuzzer's crash file. */
static int import(const char *map) {
  char *argv[] = {"import", file, "--map", (char *)map, "--db", db.path, NULL};
  fflush(stdout);
  fflush(stderr);
  int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY);
  dup2(null, 1);
  dup2(null, 2);
  int rc = cli_import(6, argv);
  fflush(stdout);
  fflush(stderr);
  dup2(out, 1);
  dup2(err, 2);
  close(out);
  close(err);
  close(null);
  return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  util_log_set_level(UTIL_LOG_ERROR);
  snprintf(file, sizeof file, "/dev/shm/relais-fuzz-csv-%d.csv", (int)getpid());
  fuzz_db_open(&db, "csv", generation++);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  reader(data, size);
  const uint8_t *nl = memchr(data, '\n', size);
  if (!nl) return 0;
  size_t mlen = (size_t)(nl - data);
  if (mlen == 0 || mlen > 512 || memchr(data, '\0', mlen)) return 0;
  if (++runs % FUZZ_GENERATION == 0) {
    fuzz_db_close(&db);
    fuzz_db_open(&db, "csv", generation++);
  }
  char map[513];
  memcpy(map, data, mlen);
  map[mlen] = '\0';
  FILE *f = fopen(file, "wb");
  FUZZ_CHECK(f != NULL, "cannot write %s", file);
  fwrite(nl + 1, 1, size - mlen - 1, f);
  fclose(f);
  int64_t before = count_tickets();
  int rc = import(map);
  FUZZ_CHECK(rc >= 0 && rc <= 2, "relais import exited %d", rc);
  FUZZ_CHECK(count_tickets() >= before, "tickets were lost");
  if (runs % 100 == 0) FUZZ_CHECK(store_integrity_ok(db.keep), "integrity_check failed");
  unlink(file);
  return 0;
}
