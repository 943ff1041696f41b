/* relais — sub-command dispatch only; each command lives in src/cli/. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} commands[] = {
    {"serve", cli_serve, "run the web UI and JSON API"},
    {"import", cli_import, "import tickets from a CSV file"},
    {"export", cli_export, "export tickets as CSV or JSON Lines"},
    {"backup", cli_backup, "copy the database while the server runs"},
    {"user", cli_user, "manage users (user add …)"},
    {"token", cli_token, "create API tokens (token create …)"},
    {"demo", cli_demo, "fill a database with demo data"},
    {"train", cli_train, "train the triage models from labelled tickets"},
    {"classify", cli_classify, "run triage on a text with the active models"},
    {"eval", cli_eval, "measure the triage classifier on CSV files"},
    {"duplicates", cli_duplicates, "replay the duplicate check on the desk's history and measure it"},
    {"quality", cli_quality, "find mislabels, conflicts, duplicates and thin classes in a labelled CSV file"},
};

static void usage(FILE *f) {
  fprintf(f, "usage: relais COMMAND [OPTIONS]   (relais COMMAND --help for more)\n\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "relais: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
