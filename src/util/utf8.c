/* Strict UTF-8 validation (RFC 3629): rejects overlong forms, surrogates and
 * code points above U+10FFFF. */
#include <string.h>
#include "util.h"

int util_utf8_valid(const char *str, size_t n, size_t *bad) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80) { i++; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
    else goto invalid;
    if (n - i < len) goto invalid;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) goto invalid;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto invalid;
    i += len;
  }
  return 1;
invalid:
  if (bad) *bad = i;
  return 0;
}

size_t util_utf8_prefix(const char *s, size_t max) {
  size_t n = s ? strnlen(s, max) : 0;
  while (n && s[n] && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return n;
}
