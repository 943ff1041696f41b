/* Streaming RFC 4180 reader. One pass over a 64 KiB read buffer; a record's
 * fields are stored back to back (NUL-separated) in a capped buffer so that
 * memory never exceeds max_record whatever the input. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CSV_EOF (-1)

struct util_csv {
  FILE *f;                 /* borrowed */
  unsigned char in[65536]; /* read buffer */
  size_t ipos, ilen;
  int pushback;            /* a byte read ahead, or CSV_EOF-1 for none */
  int started;             /* BOM check done */
  util_buf_t rec;          /* the current record's fields, NUL-separated */
  size_t *offs;            /* field start offsets into rec */
  size_t noffs, capoffs;
  char **fields;           /* pointers handed to the caller */
  size_t capfields;
  long line;               /* current line number (1-based) */
  long rec_line;           /* line where the current record began */
  int overflow;            /* the current record exceeded max_record */
  char err[256];
};

#define CSV_NONE (CSV_EOF - 1)

util_csv_t *util_csv_open(FILE *f, size_t max_record) {
  util_csv_t *c = util_xcalloc(1, sizeof *c);
  c->f = f;
  c->pushback = CSV_NONE;
  c->line = 1;
  util_buf_init(&c->rec, max_record);
  return c;
}

void util_csv_close(util_csv_t **cp) {
  if (!cp || !*cp) return;
  util_csv_t *c = *cp;
  util_buf_free(&c->rec);
  free(c->offs);
  free(c->fields);
  free(c);
  *cp = NULL;
}

long util_csv_line(const util_csv_t *c) { return c->rec_line; }

size_t util_csv_field_len(const util_csv_t *c, size_t i) {
  if (i >= c->noffs) return 0;
  size_t end = i + 1 < c->noffs ? c->offs[i + 1] : c->rec.len;
  return end - c->offs[i] - 1; /* each field ends with the NUL csv_add put */
}
const char *util_csv_error(const util_csv_t *c) { return c->err; }

static int csv_getc(util_csv_t *c) {
  if (c->pushback != CSV_NONE) {
    int ch = c->pushback;
    c->pushback = CSV_NONE;
    return ch;
  }
  if (c->ipos == c->ilen) {
    c->ilen = fread(c->in, 1, sizeof c->in, c->f);
    c->ipos = 0;
    if (c->ilen == 0) return CSV_EOF;
  }
  return c->in[c->ipos++];
}

static void csv_add(util_csv_t *c, char ch) {
  if (c->overflow) return;
  if (util_buf_putc(&c->rec, ch)) c->overflow = 1;
}

static void csv_field_start(util_csv_t *c) {
  if (c->noffs == c->capoffs) {
    c->capoffs = c->capoffs ? c->capoffs * 2 : 32;
    c->offs = util_xrealloc(c->offs, c->capoffs * sizeof *c->offs);
  }
  c->offs[c->noffs++] = c->rec.len;
}

/* Consumes a line end that starts with ch ('\r' or '\n'). */
static void csv_eat_newline(util_csv_t *c, int ch) {
  if (ch == '\r') {
    int nx = csv_getc(c);
    if (nx != '\n') c->pushback = nx;
  }
  c->line++;
}

/* After an error, skips the rest of the physical line. */
static void csv_skip_line(util_csv_t *c) {
  int ch;
  do ch = csv_getc(c); while (ch != CSV_EOF && ch != '\n' && ch != '\r');
  if (ch != CSV_EOF) csv_eat_newline(c, ch);
}

static int csv_fail(util_csv_t *c, const char *msg) {
  snprintf(c->err, sizeof c->err, "line %ld: %s", c->rec_line, msg);
  return UTIL_E_INVALID;
}

/* At the first byte of the file: skips a UTF-8 byte-order mark. Returns 0
 * with *ch the first byte after it, or -1 (record failed) on a broken one. */
static int csv_skip_bom(util_csv_t *c, int *ch) {
  c->started = 1;
  if (*ch != 0xEF) return 0;
  int b2 = csv_getc(c), b3 = csv_getc(c);
  if (b2 != 0xBB || b3 != 0xBF) {
    c->rec_line = c->line;
    csv_skip_line(c);
    return csv_fail(c, "starts with a broken byte-order mark");
  }
  *ch = csv_getc(c);
  return 0;
}

/* Reads a quoted field after its opening quote; "" is a quote, and line
 * breaks inside count lines. Returns 0 with *ch the byte after the closing
 * quote, or a failure when the quote is never closed. */
static int csv_read_quoted(util_csv_t *c, int *ch) {
  for (;;) {
    int x = csv_getc(c);
    if (x == CSV_EOF) return csv_fail(c, "quoted field is never closed");
    if (x == '"') {
      x = csv_getc(c);
      if (x != '"') {
        *ch = x;
        return 0;
      }
    } else if (x == '\n') {
      c->line++;
    } else if (x == '\r') {
      int nx = csv_getc(c);
      c->line++; /* a lone CR ends a line too */
      if (nx != '\n') {
        c->pushback = nx;
      } else {
        csv_add(c, '\r');
        x = '\n';
      }
    }
    csv_add(c, (char)x);
  }
}

/* Reads the fields of one record whose first byte is ch. */
static int csv_read_fields(util_csv_t *c, int ch) {
  for (;;) {
    csv_field_start(c);
    if (ch == '"') {
      if (csv_read_quoted(c, &ch)) return UTIL_E_INVALID;
      if (ch != ',' && ch != '\n' && ch != '\r' && ch != CSV_EOF) {
        csv_skip_line(c);
        return csv_fail(c, "unexpected character after a closing quote");
      }
    } else {
      while (ch != ',' && ch != '\n' && ch != '\r' && ch != CSV_EOF) {
        csv_add(c, (char)ch);
        ch = csv_getc(c);
      }
    }
    csv_add(c, '\0');
    if (ch != ',') break;
    ch = csv_getc(c);
  }
  if (ch != CSV_EOF) csv_eat_newline(c, ch);
  if (c->overflow) {
    char msg[96];
    snprintf(msg, sizeof msg, "record longer than %zu bytes", c->rec.max);
    return csv_fail(c, msg);
  }
  return 0;
}

int util_csv_next(util_csv_t *c, char ***fields, size_t *nfields) {
  int ch;
  for (;;) {
    util_buf_reset(&c->rec);
    c->noffs = 0;
    c->overflow = 0;
    c->err[0] = '\0';
    ch = csv_getc(c);
    if (!c->started && csv_skip_bom(c, &ch)) return UTIL_E_INVALID;
    if (ch == CSV_EOF) return 0;
    c->rec_line = c->line;
    if (ch != '\n' && ch != '\r') break;
    csv_eat_newline(c, ch); /* blank line: not a record */
  }
  if (csv_read_fields(c, ch)) return UTIL_E_INVALID;
  if (c->capfields < c->noffs) {
    c->capfields = c->noffs;
    c->fields = util_xrealloc(c->fields, c->capfields * sizeof *c->fields);
  }
  for (size_t i = 0; i < c->noffs; i++) c->fields[i] = c->rec.data + c->offs[i];
  *fields = c->fields;
  *nfields = c->noffs;
  return 1;
}
