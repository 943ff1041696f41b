/* Attachments: the rules a file meets whatever the channel brought it.
 * Its name is made safe to show and to send back in a header; its type is
 * read from its first bytes (magic numbers), never from the name or from
 * what the sender claimed, so that an HTML page named cat.png is never
 * served as an image, nor as a page. */
#include <stdio.h>
#include <string.h>

#include "desk.h"

/* ---- Names --------------------------------------------------------------- */

/* The code point at s (valid UTF-8, checked before) and its length. */
static uint32_t attach_cp(const unsigned char *s, size_t *len) {
  if (s[0] < 0x80) {
    *len = 1;
    return s[0];
  }
  if ((s[0] & 0xE0) == 0xC0) {
    *len = 2;
    return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
  }
  if ((s[0] & 0xF0) == 0xE0) {
    *len = 3;
    return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  }
  *len = 4;
  return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
         ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Characters that change how a name reads without being seen: bidi
 * controls ("invoice\u202Egnp.exe" shows as "invoiceexe.png"), zero-width
 * characters and the byte order mark. They are dropped. */
static int attach_invisible(uint32_t cp) {
  return cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF;
}

/* Controls (C0, DEL, C1) and the line and paragraph separators: each
 * becomes '_', so that a name never breaks a header or a line. */
static int attach_control(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

static int attach_fail(desk_err_t *e, int code, const char *msg) {
  e->code = code;
  snprintf(e->field, sizeof e->field, "filename");
  snprintf(e->msg, sizeof e->msg, "%s", msg);
  return code;
}

/* Cuts name (len bytes) to DESK_ATTACH_NAME_MAX bytes on a character
 * boundary, keeping an extension of up to 16 bytes: "report….pdf". */
static size_t attach_cut(char *name, size_t len) {
  if (len <= DESK_ATTACH_NAME_MAX) return len;
  const char *dot = strrchr(name, '.');
  size_t ext = dot && dot != name && len - (size_t)(dot - name) <= 16 ? len - (size_t)(dot - name) : 0;
  size_t keep = DESK_ATTACH_NAME_MAX - ext;
  while (keep > 0 && ((unsigned char)name[keep] & 0xC0) == 0x80) keep--;
  memmove(name + keep, name + len - ext, ext);
  name[keep + ext] = '\0';
  return keep + ext;
}

int desk_attach_name(const char *given, size_t n, char out[DESK_ATTACH_NAME_IN + 1],
                     desk_err_t *e) {
  out[0] = '\0';
  if (!given || n == 0) return attach_fail(e, UTIL_E_INVALID, "'filename' is required: the file's name");
  if (n > DESK_ATTACH_NAME_IN)
    return attach_fail(e, UTIL_E_INVALID, "'filename' is longer than 1024 bytes");
  if (memchr(given, '\0', n)) return attach_fail(e, UTIL_E_INVALID, "'filename' contains a NUL byte");
  if (!util_utf8_valid(given, n, NULL))
    return attach_fail(e, UTIL_E_BADUTF8, "'filename' is not valid UTF-8");
  /* a path ("C:\Users\me\shot.png", "../../etc/passwd") keeps its last part */
  size_t start = 0;
  for (size_t i = 0; i < n; i++)
    if (given[i] == '/' || given[i] == '\\') start = i + 1;
  const unsigned char *s = (const unsigned char *)given;
  size_t len = 0;
  for (size_t i = start, cl; i < n; i += cl) {
    uint32_t cp = attach_cp(s + i, &cl);
    if (attach_invisible(cp)) continue;
    if (attach_control(cp)) out[len++] = '_';
    else {
      memcpy(out + len, s + i, cl);
      len += cl;
    }
  }
  out[len] = '\0';
  /* no hidden file, and nothing Windows would strip: spaces and dots at
   * both ends go */
  size_t lead = strspn(out, " .");
  memmove(out, out + lead, len - lead + 1);
  len -= lead;
  while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '.')) out[--len] = '\0';
  if (!len) {
    snprintf(out, DESK_ATTACH_NAME_IN + 1, "file");
    return 0;
  }
  attach_cut(out, len);
  return 0;
}

/* ---- Types --------------------------------------------------------------- */

static int attach_has(const unsigned char *p, size_t n, size_t at, const char *magic, size_t m) {
  return n >= at + m && memcmp(p + at, magic, m) == 0;
}
#define HAS(at, lit) attach_has(p, n, (at), (lit), sizeof(lit) - 1)

static uint32_t attach_le16(const unsigned char *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t attach_le32(const unsigned char *p) {
  return attach_le16(p) | ((uint32_t)attach_le16(p + 2) << 16);
}

/* A ZIP archive's kind, from its entries (the central directory at its
 * end): OOXML documents hold word/, xl/ or ppt/ beside [Content_Types].xml;
 * OpenDocument files begin with an uncompressed "mimetype" entry. */
static const char *attach_zip(const unsigned char *p, size_t n) {
  static const char *const odf[] = {
      "application/vnd.oasis.opendocument.text",
      "application/vnd.oasis.opendocument.spreadsheet",
      "application/vnd.oasis.opendocument.presentation",
      "application/vnd.oasis.opendocument.graphics", "application/epub+zip", NULL};
  /* OpenDocument: the first local header is "mimetype", stored */
  if (n >= 38 && attach_le16(p + 8) == 0 && attach_le16(p + 26) == 8 && HAS(30, "mimetype")) {
    size_t off = 30 + 8 + attach_le16(p + 28), len = attach_le32(p + 18);
    for (const char *const *t = odf; *t; t++)
      if (len == strlen(*t) && off + len <= n && memcmp(p + off, *t, len) == 0) return *t;
  }
  /* the end of central directory record: 22 bytes and a comment of up to 65,535 */
  size_t eocd = n >= 22 ? n - 22 : 0, stop = n > 22 + 65535 ? n - 22 - 65535 : 0;
  while (n >= 22 && eocd > stop && !HAS(eocd, "PK\5\6")) eocd--;
  if (n < 22 || !HAS(eocd, "PK\5\6")) return "application/zip";
  size_t entries = attach_le16(p + eocd + 10), at = attach_le32(p + eocd + 16);
  int types = 0;
  const char *kind = NULL;
  for (size_t i = 0; i < entries && i < 10000 && at + 46 <= n && HAS(at, "PK\1\2"); i++) {
    size_t nl = attach_le16(p + at + 28), next = at + 46 + nl + attach_le16(p + at + 30) +
                                                 attach_le16(p + at + 32);
    if (at + 46 + nl > n) break;
    const char *name = (const char *)p + at + 46;
    if (nl == 19 && memcmp(name, "[Content_Types].xml", 19) == 0) types = 1;
    else if (!kind && nl > 5 && memcmp(name, "word/", 5) == 0)
      kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    else if (!kind && nl > 3 && memcmp(name, "xl/", 3) == 0)
      kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    else if (!kind && nl > 4 && memcmp(name, "ppt/", 4) == 0)
      kind = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    at = next;
  }
  return types && kind ? kind : "application/zip";
}

/* ISO base media files (MP4, QuickTime, HEIF photos of phones): the brand
 * after "ftyp". */
static const char *attach_ftyp(const unsigned char *p, size_t n) {
  static const struct {
    const char brand[5], *type;
  } brands[] = {{"heic", "image/heic"}, {"heix", "image/heic"}, {"mif1", "image/heif"},
                {"avif", "image/avif"}, {"qt  ", "video/quicktime"}, {"M4A ", "audio/mp4"}};
  for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
    if (attach_has(p, n, 8, brands[i].brand, 4)) return brands[i].type;
  return "video/mp4";
}

/* Text a person can read: UTF-8 (a BOM allowed), no NUL, no control
 * character but tab, line breaks, form feed and escape (coloured logs). */
static int attach_text(const unsigned char *p, size_t n) {
  if (!util_utf8_valid((const char *)p, n, NULL)) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) || c == 0x7F)
      return 0;
  }
  return 1;
}

/* Markup (HTML, SVG, XML) opens with '<' after any spaces and a BOM, which
 * is how browsers recognise a page: such text is never called text. */
static int attach_markup(const unsigned char *p, size_t n) {
  size_t i = HAS(0, "\xEF\xBB\xBF") ? 3 : 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r' || p[i] == '\f')) i++;
  return i < n && p[i] == '<';
}

/* Fixed signatures at the start, checked in order. */
static const struct {
  const char *magic;
  size_t len;
  const char *type;
} attach_magic[] = {
    {"\x89PNG\r\n\x1a\n", 8, "image/png"},
    {"\xFF\xD8\xFF", 3, "image/jpeg"},
    {"GIF87a", 6, "image/gif"},
    {"GIF89a", 6, "image/gif"},
    {"%PDF-", 5, "application/pdf"},
    {"II*\0", 4, "image/tiff"},
    {"MM\0*", 4, "image/tiff"},
    {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "application/x-ole-storage"}, /* Office 97-2003, Outlook .msg */
    {"{\\rtf", 5, "application/rtf"},
    {"\x1F\x8B", 2, "application/gzip"},
    {"7z\xBC\xAF\x27\x1C", 6, "application/x-7z-compressed"},
    {"Rar!\x1A\x07", 6, "application/vnd.rar"},
    {"\xFD" "7zXZ\0", 6, "application/x-xz"},
    {"OggS", 4, "audio/ogg"},
    {"fLaC", 4, "audio/flac"},
    {"ID3", 3, "audio/mpeg"},
    {"\x1A\x45\xDF\xA3", 4, "video/webm"},
    {"SQLite format 3\0", 16, "application/vnd.sqlite3"},
};

/* Programs, which the desk does not pass on: they run when opened. */
static const struct {
  const char *magic;
  size_t len;
  const char *what;
} attach_programs[] = {
    {"\x7F" "ELF", 4, "a Linux program"},
    {"\xFE\xED\xFA\xCE", 4, "a macOS program"},
    {"\xFE\xED\xFA\xCF", 4, "a macOS program"},
    {"\xCE\xFA\xED\xFE", 4, "a macOS program"},
    {"\xCF\xFA\xED\xFE", 4, "a macOS program"},
    {"\xCA\xFE\xBA\xBE", 4, "a macOS or Java program"},
};

void desk_attach_sniff(const void *data, size_t n, desk_sniff_t *out) {
  const unsigned char *p = data;
  out->type = "application/octet-stream";
  out->inline_ok = 0;
  out->program = NULL;
  if (!p || !n) return;
  /* a Windows program: "MZ", and at the offset its header gives, "PE" */
  if (HAS(0, "MZ") && n >= 64 && attach_le32(p + 60) <= n - 4 && HAS(attach_le32(p + 60), "PE\0\0")) {
    out->program = "a Windows program";
    return;
  }
  for (size_t i = 0; i < sizeof attach_programs / sizeof attach_programs[0]; i++)
    if (attach_has(p, n, 0, attach_programs[i].magic, attach_programs[i].len)) {
      out->program = attach_programs[i].what;
      return;
    }
  for (size_t i = 0; i < sizeof attach_magic / sizeof attach_magic[0]; i++)
    if (attach_has(p, n, 0, attach_magic[i].magic, attach_magic[i].len)) {
      out->type = attach_magic[i].type;
      break;
    }
  if (HAS(0, "RIFF") && HAS(8, "WEBP")) out->type = "image/webp";
  else if (HAS(0, "RIFF") && HAS(8, "WAVE")) out->type = "audio/wav";
  else if (HAS(0, "RIFF") && HAS(8, "AVI ")) out->type = "video/x-msvideo";
  else if (HAS(4, "ftyp")) out->type = attach_ftyp(p, n);
  else if (HAS(0, "PK\3\4") || HAS(0, "PK\5\6")) out->type = attach_zip(p, n);
  else if (n >= 26 && HAS(0, "BM") && attach_le32(p + 2) == n &&
           (attach_le32(p + 14) == 40 || attach_le32(p + 14) == 124))
    out->type = "image/bmp";
  else if (!strcmp(out->type, "application/octet-stream") && attach_text(p, n) && !attach_markup(p, n))
    out->type = "text/plain; charset=utf-8";
  out->inline_ok = desk_attach_inline(out->type);
}

/* Raster images browsers show without running anything; SVG (script),
 * TIFF and HEIF (not shown by every browser) stay attachments. */
int desk_attach_inline(const char *type) {
  return type && (!strcmp(type, "image/png") || !strcmp(type, "image/jpeg") ||
                  !strcmp(type, "image/gif") || !strcmp(type, "image/webp"));
}
