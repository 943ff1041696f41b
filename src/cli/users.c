/* relais user add; relais token create, list and revoke. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"

static int users_read_password(char *buf, size_t n) {
  if (!fgets(buf, (int)n, stdin)) return -1;
  size_t len = strlen(buf);
  while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = '\0';
  return len >= 8 ? 0 : -1;
}

int cli_user(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--email", 1, NULL}, {"--name", 1, NULL},
                      {"--role", 1, NULL}, {"--lang", 1, NULL}, {"--password-stdin", 0, NULL},
                      {"--help", 0, NULL}, {NULL, 0, NULL}};
  const char *pos[1];
  int np = 0;
  if (cli_parse(argc, argv, opts, pos, 1, &np)) return 2;
  if (cli_get(opts, "--help") || np != 1 || strcmp(pos[0], "add") != 0) {
    printf("usage: relais user add --email E --name N --role requester|agent|admin\n"
           "                       [--lang fr|en] [--password-stdin] [--db FILE]\n"
           "  --password-stdin   read the password (8 characters or more) from the first\n"
           "                     line of standard input; without it the user cannot sign in\n");
    return cli_get(opts, "--help") ? 0 : 2;
  }
  const char *email = cli_get(opts, "--email"), *name = cli_get(opts, "--name");
  store_role_t role = store_role_parse(cli_get(opts, "--role"));
  const char *lang = cli_get(opts, "--lang");
  if (!email || !strchr(email, '@') || !name || !*name || role == STORE_ROLE_NONE ||
      (lang && strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0)) {
    fprintf(stderr, "relais user add: needs --email (an address), --name, and --role"
                    " requester|agent|admin; --lang is fr or en\n");
    return 2;
  }
  char pw[1100];
  char *hash = NULL;
  if (sodium_init() < 0) return 1;
  if (cli_get(opts, "--password-stdin")) {
    if (users_read_password(pw, sizeof pw)) {
      fprintf(stderr, "relais user add: the password on standard input must be 8 characters or more\n");
      return 2;
    }
    const char *why = api_password_problem(pw, email);
    if (why) {
      fprintf(stderr, "relais user add: the password %s\n", why);
      sodium_memzero(pw, sizeof pw);
      return 2;
    }
    if (api_password_hash(pw, &hash)) return 1;
    sodium_memzero(pw, sizeof pw);
  }
  store_t *s = cli_open_db(opts);
  if (!s) return 1;
  store_user_t u = {.email = (char *)email, .name = (char *)name, .role = role,
                    .lang = (char *)(lang ? lang : ""), .active = 1};
  int64_t id;
  char detail[128];
  snprintf(detail, sizeof detail, "{\"role\":\"%s\",\"password\":%s}", store_role_name(role),
           hash ? "true" : "false");
  int rc = store_begin(s);
  if (!rc) rc = store_user_insert(s, &u, hash, &id);
  if (!rc) rc = store_audit_add(s, &cli_console, "user.create", "user", id, email, detail);
  if (!rc) rc = store_commit(s);
  if (rc) store_rollback(s);
  free(hash);
  store_close(&s);
  if (rc == UTIL_E_CONFLICT) {
    fprintf(stderr, "relais user add: %s already exists\n", email);
    return 1;
  }
  if (rc) {
    fprintf(stderr, "relais user add: %s\n", util_err_message(rc));
    return 1;
  }
  printf("user %lld created: %s (%s)\n", (long long)id, email, store_role_name(role));
  return 0;
}

static int token_print(const store_token_t *t, void *arg) {
  char made[UTIL_ISO_LEN], until[UTIL_ISO_LEN] = "never", used[UTIL_ISO_LEN] = "never";
  util_time_iso(t->created_at, made);
  if (t->expires_at) util_time_iso(t->expires_at, until);
  if (t->last_used_at) util_time_iso(t->last_used_at, used);
  printf("%lld\t%s\t%s\tcreated %s\texpires %s\tlast used %s\n", (long long)t->id,
         t->user_email ? t->user_email : "", t->name && *t->name ? t->name : "-", made, until, used);
  return 0;
}

/* relais token list [--email E]: id, owner, name, dates; never the secret. */
static int token_list(store_t *s, const char *email) {
  store_user_t u = {0};
  if (email && store_user_by_email(s, email, &u, NULL)) {
    fprintf(stderr, "relais token list: no user %s\n", email);
    return 1;
  }
  int rc = store_token_each(s, email ? u.id : 0, token_print, NULL);
  store_user_clear(&u);
  if (rc) fprintf(stderr, "relais token list: %s\n", util_err_message(rc));
  return rc ? 1 : 0;
}

static int token_revoke(store_t *s, const char *idtxt) {
  char *end;
  long long id = idtxt ? strtoll(idtxt, &end, 10) : 0;
  if (!idtxt || *end || id <= 0) {
    fprintf(stderr, "relais token revoke: --id must be a token's id (relais token list)\n");
    return 2;
  }
  int rc = store_token_delete(s, id, 0, &cli_console);
  if (rc == UTIL_E_NOTFOUND) fprintf(stderr, "relais token revoke: no token %lld\n", id);
  else if (rc) fprintf(stderr, "relais token revoke: %s\n", util_err_message(rc));
  else printf("token %lld revoked\n", id);
  return rc ? 1 : 0;
}

static int token_create(store_t *s, const char *email, const char *name, const char *days) {
  long d = 0;
  char *end = NULL;
  if (days && ((d = strtol(days, &end, 10)) < 1 || d > 3650 || *end)) {
    fprintf(stderr, "relais token create: --days must be from 1 to 3650\n");
    return 2;
  }
  store_user_t u = {0};
  char *token = NULL;
  int rc = store_user_by_email(s, email, &u, NULL);
  if (rc) {
    fprintf(stderr, "relais token create: no user %s\n", email);
  } else if ((rc = api_token_create(s, u.id, name, d ? util_now() + d * 86400 : 0, &cli_console,
                                   NULL, &token)) == 0) {
    printf("%s\n", token);
  } else {
    fprintf(stderr, "relais token create: %s\n", util_err_message(rc));
  }
  free(token);
  store_user_clear(&u);
  return rc ? 1 : 0;
}

int cli_token(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--email", 1, NULL}, {"--name", 1, NULL},
                      {"--days", 1, NULL}, {"--id", 1, NULL}, {"--help", 0, NULL},
                      {NULL, 0, NULL}};
  const char *pos[1];
  int np = 0;
  if (cli_parse(argc, argv, opts, pos, 1, &np)) return 2;
  const char *email = cli_get(opts, "--email"), *what = np == 1 ? pos[0] : "";
  int ok = (!strcmp(what, "create") && email) || !strcmp(what, "list") || !strcmp(what, "revoke");
  if (cli_get(opts, "--help") || !ok) {
    printf("usage: relais token create --email E [--name LABEL] [--days N] [--db FILE]\n"
           "       relais token list [--email E] [--db FILE]\n"
           "       relais token revoke --id N [--db FILE]\n"
           "create prints a new API token for that user (shown once; send it as\n"
           "'Authorization: Bearer TOKEN'), valid N days or until revoked; list shows\n"
           "each token's id, owner, name, expiry and last use, never the secret.\n");
    return cli_get(opts, "--help") ? 0 : 2;
  }
  if (sodium_init() < 0) return 1;
  store_t *s = cli_open_db(opts);
  if (!s) return 1;
  int rc = !strcmp(what, "list")     ? token_list(s, email)
           : !strcmp(what, "revoke") ? token_revoke(s, cli_get(opts, "--id"))
                                     : token_create(s, email, cli_get(opts, "--name"), cli_get(opts, "--days"));
  store_close(&s);
  return rc;
}
