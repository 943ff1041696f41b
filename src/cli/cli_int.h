/* Private to the cli module: a small option parser shared by commands. */
#ifndef RELAIS_CLI_INT_H
#define RELAIS_CLI_INT_H

#include "../api/api.h"
#include "../store/store.h"
#include "cli.h"

typedef struct {
  const char *name;   /* "--db" */
  int takes_value;    /* 1: "--db FILE" or "--db=FILE"; 0: a flag */
  const char *value;  /* out: the value, "1" for a flag, or NULL */
} cli_opt_t;

/* Parses argv[1..] against opts (ended by a NULL name). Positional arguments
 * are collected into pos (at most npos). Prints an error naming the bad
 * argument and returns -1 on an unknown option or a missing value. */
int cli_parse(int argc, char **argv, cli_opt_t *opts, const char **pos, int npos,
              int *npos_out);
const char *cli_get(const cli_opt_t *opts, const char *name); /* value or NULL */
/* The integer value of option name into *out (unchanged when the option is
 * absent). A value that is not a whole decimal number in [min, max] prints
 * an error naming the option and the range, and returns -1. */
int cli_int_opt(const cli_opt_t *opts, const char *cmd, const char *name, long min, long max,
                long *out);
/* relais import's --map-values (import_values.c): "field:from=to;…" pairs
 * for the managed lists (category, service, ci). cli_valmap_parse prints
 * what is wrong and returns -1 (*out NULL); an empty spec is an empty map.
 * cli_valmap_get: the value from becomes in field, or NULL (borrowed). */
typedef struct cli_valmap cli_valmap_t;
int cli_valmap_parse(const char *spec, cli_valmap_t **out);
const char *cli_valmap_get(const cli_valmap_t *m, const char *field, const char *from);
void cli_valmap_free(cli_valmap_t **m);

/* Labelled rows of a CSV file (relais eval, relais quality): the text
 * columns joined by line breaks, the label column. */
typedef struct {
  char **text;
  char **label;
  size_t n, cap;
} cli_rows_t;

/* Reads every row of file with a non-empty label into out (owned; free
 * with cli_rows_free); rows with broken CSV or invalid UTF-8 are reported
 * with their line, counted in *skipped and left out. Returns 0, or -1
 * after printing why the file cannot be read (missing, no such column). */
int cli_rows_read(const char *file, const char *text_cols, const char *label_col,
                  cli_rows_t *out, long *skipped);
void cli_rows_free(cli_rows_t *r);

/* Who the console's actions are audited as (store_audit_add). */
extern const store_auditor_t cli_console;
/* Opens the database named by --db (default relais.db), printing errors. */
store_t *cli_open_db(const cli_opt_t *opts);


#endif
