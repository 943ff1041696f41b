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

int api_password_verify(const char *hash, const char *password) {
  return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int api_token_create(store_t *s, int64_t user_id, const char *name,
                     char **token) {
  char secret[AUTH_HEX_LEN], hash[AUTH_HEX_LEN];
  auth_random_hex(secret);
  char *t = util_xasprintf("rls_%s", secret);
  auth_hash_secret(t, hash);
  int rc = store_token_insert(s, hash, user_id, name);
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
    rc = store_token_find(c->db, hash, &uid);
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
 * Password guessing is slowed per account: after AUTH_MAX_FAILS wrong
 * passwords within AUTH_WINDOW seconds, the account refuses sign-ins for
 * AUTH_LOCK seconds, doubling at each new lock up to an hour. A right
 * password resets the count. The table is in the server's context
 * (auth_slots, guarded by auth_mu), keyed by a hash of the
 * folded e-mail (unknown addresses are throttled too, so that the answer
 * never tells which accounts exist); a collision only shares a counter. */
#define AUTH_MAX_FAILS 5
#define AUTH_WINDOW 900
#define AUTH_LOCK 60

static uint64_t auth_key(const char *email) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char *p = email; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    h = (h ^ (ch >= 'A' && ch <= 'Z' ? ch + 32 : ch)) * 0x100000001b3ull;
  }
  return h ? h : 1;
}

/* Seconds the account must still wait, or 0. */
static int64_t auth_wait(api_ctx_t *x, const char *email, int64_t now) {
  uint64_t k = auth_key(email);
  pthread_mutex_lock(&x->auth_mu);
  api_auth_slot_t *slots = x->auth_slots;
  int64_t w = 0;
  size_t i = k % API_AUTH_SLOTS;
  if (slots[i].key == k && slots[i].locked_until > now) w = slots[i].locked_until - now;
  pthread_mutex_unlock(&x->auth_mu);
  return w;
}

static void auth_record(api_ctx_t *x, const char *email, int ok, int64_t now) {
  uint64_t k = auth_key(email);
  pthread_mutex_lock(&x->auth_mu);
  api_auth_slot_t *slots = x->auth_slots;
  size_t i = k % API_AUTH_SLOTS;
  if (slots[i].key != k ||
      (!ok && now - slots[i].first > AUTH_WINDOW && slots[i].locked_until <= now)) {
    int locks = slots[i].key == k ? slots[i].locks : 0;
    slots[i].key = k;
    slots[i].first = now;
    slots[i].fails = 0;
    slots[i].locks = locks;
    slots[i].locked_until = 0;
  }
  if (ok) {
    slots[i].fails = 0;
    slots[i].locks = 0;
  } else if (++slots[i].fails >= AUTH_MAX_FAILS) {
    int64_t lock = (int64_t)AUTH_LOCK << (slots[i].locks < 6 ? slots[i].locks : 6);
    slots[i].locked_until = now + (lock > 3600 ? 3600 : lock);
    slots[i].locks++;
    slots[i].fails = 0;
    slots[i].first = now;
  }
  pthread_mutex_unlock(&x->auth_mu);
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
    api_error(c, UTIL_E_INVALID, email ? "password" : "email",
              "'%s' is required", email ? "password" : "email");
    return;
  }
  int64_t now = util_now(), wait = auth_wait(c->ctx, email, now);
  if (wait > 0) {
    api_error(c, UTIL_E_TOOMANY, NULL,
              "too many failed sign-ins for this account; try again in %lld s", (long long)wait);
    return;
  }
  int rc = store_user_by_email(c->db, email, &u, &pwhash);
  if (rc && rc != UTIL_E_NOTFOUND) {
    api_error(c, rc, NULL, "cannot look up the account");
    goto out;
  }
  /* Same answer for an unknown e-mail and a wrong password. */
  if (rc || !u.active || !api_password_verify(pwhash, password)) {
    auth_record(c->ctx, email, 0, now);
    api_error(c, UTIL_E_UNAUTH, NULL, "wrong e-mail or password");
    goto out;
  }
  auth_record(c->ctx, email, 1, now);
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
  api_reply(c, 200, j);
}
