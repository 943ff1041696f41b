/* Sign-in: argon2id passwords, session cookies with a CSRF token, and API
 * bearer tokens. Secrets are random 32-byte values shown once; the database
 * keeps only their BLAKE2b hashes. */
#include <sodium.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_int.h"

#define AUTH_SECRET_BYTES 32
#define AUTH_HEX_LEN (AUTH_SECRET_BYTES * 2 + 1)

/* ---- Secrets ---------------------------------------------------------------- */
static void auth_random_hex(char out[AUTH_HEX_LEN]) {
  unsigned char raw[AUTH_SECRET_BYTES];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, AUTH_HEX_LEN, raw, sizeof raw);
}

static void auth_hash_secret(const char *secret, char out[AUTH_HEX_LEN]) {
  unsigned char h[AUTH_SECRET_BYTES];
  crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret),
                     NULL, 0);
  sodium_bin2hex(out, AUTH_HEX_LEN, h, sizeof h);
}

int api_password_hash(const char *password, char **out) {
  char h[crypto_pwhash_STRBYTES];
  /* INTERACTIVE limits (64 MiB, 2 passes): the libsodium recommendation for
   * on-line logins. */
  if (crypto_pwhash_str(h, password, strlen(password),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return UTIL_E_NOMEM;
  *out = util_xstrdup(h);
  return 0;
}

int api_token_create(store_t *s, int64_t user_id, const char *name, int64_t expires_at,
                     const store_auditor_t *who, int64_t *id, char **token) {
  char secret[AUTH_HEX_LEN], hash[AUTH_HEX_LEN];
  auth_random_hex(secret);
  char *t = util_xasprintf("rls_%s", secret);
  auth_hash_secret(t, hash);
  int rc = store_token_insert(s, hash, user_id, name, expires_at, who, id);
  if (rc) {
    free(t);
    return rc;
  }
  *token = t;
  return 0;
}

/* ---- Resolving the caller ------------------------------------------------------ */
static int auth_is_safe_method(const char *m) {
  return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

int api_auth_resolve(api_call_t *c) {
  const api_request_t *q = c->req;
  char hash[AUTH_HEX_LEN];
  int64_t uid = 0;
  int rc;
  if (q->authorization && *q->authorization) {
    if (strncasecmp(q->authorization, "Bearer ", 7) != 0) {
      api_error(c, UTIL_E_UNAUTH, NULL, "Authorization must be 'Bearer <token>'");
      return UTIL_E_UNAUTH;
    }
    auth_hash_secret(q->authorization + 7, hash);
    rc = store_token_find(c->db, hash, util_now(), &uid);
    if (rc) {
      api_error(c, UTIL_E_UNAUTH, NULL, "unknown or revoked API token");
      return UTIL_E_UNAUTH;
    }
  } else if (q->session_cookie && *q->session_cookie) {
    auth_hash_secret(q->session_cookie, hash);
    rc = store_session_find(c->db, hash, util_now(), &uid, &c->csrf);
    if (rc == UTIL_E_NOTFOUND) return 0; /* expired: carry on as anonymous */
    if (rc) {
      api_error(c, rc, NULL, "cannot check the session");
      return rc;
    }
    c->via_cookie = 1;
    c->session_hash = util_xstrdup(hash);
  } else {
    return 0;
  }
  rc = store_user_get(c->db, uid, &c->user);
  if (rc || !c->user.active) {
    store_user_clear(&c->user);
    api_error(c, UTIL_E_UNAUTH, NULL, "this account is disabled");
    return UTIL_E_UNAUTH;
  }
  /* A cookie travels with any request the browser makes; a write must also
   * prove it comes from our page by echoing the session's CSRF token. */
  if (c->via_cookie && !auth_is_safe_method(q->method)) {
    const char *t = q->csrf_token;
    if (!t || strlen(t) != strlen(c->csrf) ||
        sodium_memcmp(t, c->csrf, strlen(t)) != 0) {
      api_error(c, UTIL_E_FORBIDDEN, NULL,
                "missing or wrong X-CSRF-Token header for a cookie session");
      return UTIL_E_FORBIDDEN;
    }
  }
  return 0;
}

/* ---- Endpoints ---------------------------------------------------------------- */
/* A browser sends a Secure cookie over HTTPS only: set it whenever the
 * client is known to use HTTPS, so the session never travels in clear. */
static const char *auth_cookie_secure(const api_call_t *c) {
  return c->ctx->cfg.secure_cookies || c->req->https ? "; Secure" : "";
}

/* ---- Sign-in throttling --------------------------------------------------
 * Password guessing is slowed per account and per client address
 * (throttle.c): auth.account_fails wrong passwords for one account, or
 * auth.client_fails failed sign-ins from one address (one password tried
 * on many accounts), within 15 minutes lock that account or address for a
 * minute, longer at each new lock. The account key is the folded e-mail,
 * known or not, so that the answer never tells which accounts exist. A
 * right password clears its account's count, never its address's: an
 * attacker who owns one account cannot wipe the address's record with it. */

/* "account:<e-mail with ASCII letters folded>" into out (room for 300). */
static void auth_account_key(const char *email, char out[300]) {
  size_t n = (size_t)snprintf(out, 300, "account:");
  for (const char *p = email; *p && n < 299; p++) {
    unsigned char ch = (unsigned char)*p;
    out[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  }
  out[n] = '\0';
}

/* Every sign-in that fails before the password check still runs one, on
 * this hash of a random password: an unknown e-mail, a disabled account or
 * one without a password takes as long as a wrong password. */
static char auth_dummy[crypto_pwhash_STRBYTES];
static pthread_once_t auth_dummy_once = PTHREAD_ONCE_INIT;

static void auth_dummy_init(void) {
  char pw[AUTH_HEX_LEN];
  auth_random_hex(pw);
  if (crypto_pwhash_str(auth_dummy, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    auth_dummy[0] = '\0';
}

/* Whether password opens the account (hash NULL: none, or no account):
 * the same work either way. */
static int auth_check(const char *hash, const char *password) {
  pthread_once(&auth_dummy_once, auth_dummy_init);
  int real = hash != NULL && hash[0] != '\0';
  const char *h = real ? hash : auth_dummy;
  int ok = h[0] && crypto_pwhash_str_verify(h, password, strlen(password)) == 0;
  return real && ok;
}

/* Replies 429 when the account or the client must wait; returns 1 then. */
static int auth_throttled(api_call_t *c, const char *account, int64_t now) {
  const char *client = c->req->client ? c->req->client : "";
  int64_t wa = api_throttle_wait(c->ctx->signin_accounts, account, now);
  int64_t wc = store_setting_int(c->db, "auth.client_fails", 30) > 0
                   ? api_throttle_wait(c->ctx->signin_clients, client, now)
                   : 0;
  if (!wa && !wc) return 0;
  int64_t w = wa > wc ? wa : wc;
  c->resp->retry_after = (int)w;
  api_refuse(c, UTIL_E_TOOMANY, NULL, API_WHY(RATE_LIMITED),
             wa >= wc ? "too many failed sign-ins for this account; try again in %lld s"
                      : "too many failed sign-ins from this address; try again in %lld s",
             (long long)w);
  return 1;
}

static void auth_failed(api_call_t *c, const char *account, int64_t now) {
  int64_t per_client = store_setting_int(c->db, "auth.client_fails", 30);
  api_throttle_record(c->ctx->signin_accounts, account, 0,
                      (int)store_setting_int(c->db, "auth.account_fails", 5), now);
  if (per_client > 0)
    api_throttle_record(c->ctx->signin_clients, c->req->client ? c->req->client : "", 0,
                        (int)per_client, now);
}

void api_auth_login(api_call_t *c) {
  static const char *const allowed[] = {"email", "password", NULL};
  const char *email, *password;
  store_user_t u = {0};
  char *pwhash = NULL;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "email", 1, 254, 0, &email, NULL) ||
      api_field_string(c, "password", 1, 1024, 0, &password, NULL))
    return;
  if (!email || !password) {
    api_refuse(c, UTIL_E_INVALID, email ? "password" : "email", API_WHY(REQUIRED),
               "'%s' is required", email ? "password" : "email");
    return;
  }
  char account[300];
  auth_account_key(email, account);
  int64_t now = util_now();
  if (auth_throttled(c, account, now)) return;
  int rc = store_user_by_email(c->db, email, &u, &pwhash);
  if (rc && rc != UTIL_E_NOTFOUND) {
    api_error(c, rc, NULL, "cannot look up the account");
    goto out;
  }
  /* Same answer, and the same time, for an unknown e-mail, a disabled
   * account and a wrong password. */
  int ok = auth_check(rc ? NULL : pwhash, password);
  if (!ok || !u.active) {
    auth_failed(c, account, now);
    api_error(c, UTIL_E_UNAUTH, NULL, "wrong e-mail or password");
    goto out;
  }
  api_throttle_record(c->ctx->signin_accounts, account, 1, 1, now);
  char secret[AUTH_HEX_LEN], hash[AUTH_HEX_LEN], csrf[AUTH_HEX_LEN];
  auth_random_hex(secret);
  auth_random_hex(csrf);
  auth_hash_secret(secret, hash);
  int64_t ttl = (int64_t)c->ctx->cfg.session_hours * 3600;
  rc = store_session_insert(c->db, hash, u.id, csrf, util_now() + ttl);
  if (rc) {
    api_error(c, rc, NULL, "cannot open a session");
    goto out;
  }
  snprintf(c->resp->set_cookie, sizeof c->resp->set_cookie,
           "relais_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
           secret, (long long)ttl, auth_cookie_secure(c));
  api_reply(c, 200, json_pack("{s:o, s:s}", "user", api_user_json(&u),
                              "csrf_token", csrf));
out:
  store_user_clear(&u);
  free(pwhash);
}

void api_auth_logout(api_call_t *c) {
  if (c->session_hash) {
    int rc = store_session_delete(c->db, c->session_hash);
    if (rc) {
      api_error(c, rc, NULL, "cannot close the session");
      return;
    }
  }
  snprintf(c->resp->set_cookie, sizeof c->resp->set_cookie,
           "relais_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
           auth_cookie_secure(c));
  api_reply(c, 200, json_pack("{s:b}", "ok", 1));
}

void api_auth_me(api_call_t *c) {
  json_t *j = json_pack("{s:o}", "user", api_user_json(&c->user));
  if (c->csrf) json_object_set_new(j, "csrf_token", json_string(c->csrf));
  /* what a form may attach, so that it can say so before sending a file */
  json_object_set_new(j, "limits", api_attachment_limits_json(c->db));
  api_reply(c, 200, j);
}

/* ---- Passwords ----------------------------------------------------------------
 * A new password is refused when it is among the passwords tried first by
 * anyone guessing (lists of leaked passwords agree on the head, in French
 * and English alike), or is the account's own e-mail or its name part. */
static const char *const auth_common[] = {
    "password", "password1", "password123", "passw0rd", "p@ssw0rd", "motdepasse",
    "motdepasse1", "12345678", "123456789", "1234567890", "12341234", "11111111",
    "00000000", "87654321", "987654321", "123123123", "qwertyuiop", "qwerty123",
    "qwertyui", "azertyuiop", "azerty123", "azertyui", "1q2w3e4r", "1qaz2wsx",
    "asdfghjk", "zxcvbnm1", "abc12345", "abcd1234", "iloveyou", "sunshine", "princess",
    "football", "baseball", "superman", "trustno1", "welcome1", "letmein1", "changeme",
    "admin123", "administrator", "computer", "internet", "whatever", "starwars",
    "jennifer", "michael1", "monkey12", "shadow12", "dragon12", "master12", "chocolat",
    "bonjour1", "soleil123", "doudou12", "loulou12", "marseille", "helpdesk", "support1",
    "relais123", "summer2025", "summer2026", "winter2026", "printemps", NULL};

static int auth_same_ci(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != (y >= 'A' && y <= 'Z' ? y + 32 : y)) return 0;
  }
  return a[n] == '\0' && b[n] == '\0';
}

/* What is wrong with password as a new one: UTIL_WHY_COMMON_PASSWORD,
 * UTIL_WHY_PASSWORD_IS_EMAIL, or UTIL_WHY_NONE. */
static int auth_password_why(const char *password, const char *email) {
  size_t n = strlen(password);
  for (const char *const *w = auth_common; *w; w++)
    if (strlen(*w) == n && auth_same_ci(password, *w, n)) return UTIL_WHY_COMMON_PASSWORD;
  const char *at = email ? strchr(email, '@') : NULL;
  if (email && (auth_same_ci(password, email, strlen(email)) ||
                (at && (size_t)(at - email) == n && strncasecmp(password, email, n) == 0)))
    return UTIL_WHY_PASSWORD_IS_EMAIL;
  return UTIL_WHY_NONE;
}

const char *api_password_problem(const char *password, const char *email) {
  switch (auth_password_why(password, email)) {
  case UTIL_WHY_COMMON_PASSWORD:
    return "is one of the most common passwords, the first ones guessed: choose another";
  case UTIL_WHY_PASSWORD_IS_EMAIL:
    return "must not be the account's e-mail address";
  default:
    return NULL;
  }
}

int api_password_acceptable(api_call_t *c, const char *field, const char *password,
                            const char *email) {
  const char *why = api_password_problem(password, email);
  if (!why) return 0;
  api_refuse(c, UTIL_E_INVALID, field, &(util_why_t){.reason = auth_password_why(password, email)},
             "'%s' %s", field, why);
  return UTIL_E_INVALID;
}

/* POST /api/v1/auth/password: the signed-in user changes their own
 * password, giving the current one; every other session of theirs ends,
 * this one stays. A wrong current password counts as a failed sign-in. */
void api_auth_password(api_call_t *c) {
  static const char *const allowed[] = {"current_password", "new_password", NULL};
  const char *cur, *neu;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "current_password", 1, 1024, 0, &cur, NULL) ||
      api_field_string(c, "new_password", 8, 1024, 0, &neu, NULL))
    return;
  if (!cur || !neu) {
    const char *f = !cur ? "current_password" : "new_password";
    api_refuse(c, UTIL_E_INVALID, f, API_WHY(REQUIRED), "'%s' is required", f);
    return;
  }
  char account[300];
  auth_account_key(c->user.email, account);
  int64_t now = util_now();
  if (auth_throttled(c, account, now)) return;
  store_user_t u = {0};
  char *pwhash = NULL, *hash = NULL;
  int rc = store_user_by_email(c->db, c->user.email, &u, &pwhash);
  if (rc) {
    api_error(c, rc, NULL, "cannot look up the account");
    goto out;
  }
  if (!auth_check(pwhash, cur)) {
    auth_failed(c, account, now);
    api_refuse(c, UTIL_E_FORBIDDEN, "current_password", API_WHY(WRONG_PASSWORD),
               "the current password is wrong");
    goto out;
  }
  if (strcmp(cur, neu) == 0) {
    api_refuse(c, UTIL_E_INVALID, "new_password", API_WHY(SAME_PASSWORD),
               "the new password is the current one");
    goto out;
  }
  if (api_password_acceptable(c, "new_password", neu, u.email)) goto out;
  if (api_password_hash(neu, &hash)) {
    api_error(c, UTIL_E_NOMEM, "new_password", "cannot hash the password");
    goto out;
  }
  rc = store_begin(c->db);
  if (!rc) rc = store_user_update(c->db, &u, hash);
  if (!rc) rc = store_sessions_end(c->db, u.id, c->session_hash);
  if (!rc) rc = api_audit(c, "account.password", "user", u.id, u.email, NULL);
  rc = api_txn_end(c, rc);
  if (rc) {
    api_error(c, rc, NULL, "cannot change the password");
    goto out;
  }
  api_reply(c, 200, json_pack("{s:b}", "ok", 1));
out:
  free(hash);
  free(pwhash);
  store_user_clear(&u);
}

/* ---- API tokens ------------------------------------------------------------------
 * Agents and admins make tokens for scripts and integrations, see them
 * (never the secret again) with their last use, and revoke them; an admin
 * sees and revokes anyone's. */
static int auth_token_one(const store_token_t *t, void *arg) {
  json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:o}", "id", (json_int_t)t->id, "name",
                        t->name ? t->name : "", "user_id", (json_int_t)t->user_id, "user_email",
                        t->user_email ? t->user_email : "", "created_at", api_time_json(t->created_at));
  if (!o) return 0;
  json_object_set_new(o, "expires_at", t->expires_at ? api_time_json(t->expires_at) : json_null());
  json_object_set_new(o, "last_used_at", t->last_used_at ? api_time_json(t->last_used_at) : json_null());
  json_array_append_new(arg, o);
  return 0;
}

void api_tokens_list(api_call_t *c) {
  int64_t who = c->user.id;
  int present = 0;
  if (api_arg_int(c, "user_id", 0, INT64_MAX, &who, &present)) return;
  if (present && who != c->user.id && c->user.role != STORE_ROLE_ADMIN) {
    api_error(c, UTIL_E_FORBIDDEN, "user_id", "only admins see other people's tokens");
    return;
  }
  json_t *items = json_array();
  int rc = store_token_each(c->db, who, auth_token_one, items);
  if (rc) {
    json_decref(items);
    api_error(c, rc, NULL, "cannot list the tokens");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "items", items));
}

void api_tokens_create(api_call_t *c) {
  static const char *const allowed[] = {"name", "expires_days", NULL};
  const char *name;
  int64_t days = 0;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "name", 1, 100, 0, &name, NULL))
    return;
  json_t *d = json_object_get(c->body, "expires_days");
  if (d && !json_is_null(d)) {
    if (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 3650) {
      api_refuse(c, UTIL_E_INVALID, "expires_days", API_WHY_RANGE(OUT_OF_RANGE, 1, 3650),
                 "'expires_days' must be an integer from 1 to 3650");
      return;
    }
    days = json_integer_value(d);
  }
  int64_t id = 0, until = days ? util_now() + days * 86400 : 0;
  char *token = NULL;
  store_auditor_t who = api_auditor(c);
  int rc = api_token_create(c->db, c->user.id, name ? name : "", until, &who, &id, &token);
  if (rc) {
    api_error(c, rc, NULL, "cannot create the token");
    return;
  }
  json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name ? name : "",
                        "token", token);
  json_object_set_new(o, "expires_at", until ? api_time_json(until) : json_null());
  api_reply(c, 201, o);
  free(token);
}

void api_tokens_delete(api_call_t *c) {
  store_auditor_t who = api_auditor(c);
  int rc = store_token_delete(c->db, c->id[0], c->user.role == STORE_ROLE_ADMIN ? 0 : c->user.id,
                              &who);
  if (rc == UTIL_E_NOTFOUND) {
    api_error(c, rc, NULL, "no token %lld of yours", (long long)c->id[0]);
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot revoke the token");
    return;
  }
  api_reply(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)c->id[0], "revoked", 1));
}
