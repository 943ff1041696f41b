/* cli — the sub-commands of the relais program. Each takes the argv that
 * starts at its own name and returns the process exit status (0 ok, 1
 * failure, 2 bad usage). */
#ifndef RELAIS_CLI_H
#define RELAIS_CLI_H

int cli_serve(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_train(int argc, char **argv);
int cli_classify(int argc, char **argv);
int cli_quality(int argc, char **argv);
int cli_duplicates(int argc, char **argv);

#endif
