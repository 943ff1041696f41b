/* Unit tests of attachments: desk's name rule (every hostile name made
 * safe or refused), its sniffer (each kind from its bytes, whatever the
 * name; every truncation and a ZIP directory that lies about its sizes
 * read within bounds, under ASan), and the store on a real SQLite file
 * (bytes back as stored, who sees what, the history row, and a refused
 * comment leaving nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "store_fixture.h"

static const char *safe_name(const char *given, char out[DESK_ATTACH_NAME_IN + 1]) {
  desk_err_t e = {0};
  assert_int_equal(desk_attach_name(given, strlen(given), out, &e), 0);
  return out;
}

static void names(void **state) {
  char out[DESK_ATTACH_NAME_IN + 1];
  static const char *const cases[][2] = {
      {"report.pdf", "report.pdf"},
      {"../../etc/passwd", "passwd"},
      {"C:\\Users\\claire\\shot.png", "shot.png"},
      {"dir/", "file"},
      {"..", "file"},
      {" . .hidden. . ", "hidden"},
      {"a\r\nb.txt", "a__b.txt"},
      {"tab\there", "tab_here"},
      {"del\x7f.txt", "del_.txt"},
      {"c1\xc2\x85.txt", "c1_.txt"},                 /* U+0085, a C1 control */
      {"invoice\xe2\x80\xaegnp.exe", "invoicegnp.exe"}, /* U+202E, right-to-left override */
      {"zw\xe2\x80\x8bsp.png", "zwsp.png"},          /* U+200B */
      {"\xef\xbb\xbf" "bom.txt", "bom.txt"},         /* U+FEFF */
      {"ls\xe2\x80\xa8" "x", "ls_x"},                /* U+2028, line separator */
      {"say \"hi\" 100%.png", "say \"hi\" 100%.png"}, /* shown as given; the header quotes it */
      {"été 2026.pdf", "été 2026.pdf"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_string_equal(safe_name(cases[i][0], out), cases[i][1]);
  /* a long name is cut to 200 bytes on a character boundary, its extension kept */
  char longn[1024] = "";
  for (int i = 0; i < 499; i++) strcat(longn, "\xc3\xa9");
  strcat(longn, ".docx");
  safe_name(longn, out);
  assert_true(strlen(out) <= DESK_ATTACH_NAME_MAX);
  assert_true(util_utf8_valid(out, strlen(out), NULL));
  assert_string_equal(out + strlen(out) - 5, ".docx");
  /* an extension too long to keep is cut with the rest */
  memset(longn, 'x', 300);
  longn[300] = '\0';
  longn[10] = '.';
  assert_int_equal(strlen(safe_name(longn, out)), DESK_ATTACH_NAME_MAX);
}

static void name_refusals(void **state) {
  char out[DESK_ATTACH_NAME_IN + 1];
  desk_err_t e = {0};
  assert_int_equal(desk_attach_name("", 0, out, &e), UTIL_E_INVALID);
  assert_string_equal(e.field, "filename");
  assert_int_equal(desk_attach_name(NULL, 0, out, &e), UTIL_E_INVALID);
  assert_int_equal(desk_attach_name("a\0b", 3, out, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'filename' contains a NUL byte");
  assert_int_equal(desk_attach_name("\xff\xfe.png", 6, out, &e), UTIL_E_BADUTF8);
  assert_int_equal(desk_attach_name("\xed\xa0\x80.png", 7, out, &e), UTIL_E_BADUTF8); /* surrogate */
  char big[DESK_ATTACH_NAME_IN + 2];
  memset(big, 'n', sizeof big);
  assert_int_equal(desk_attach_name(big, DESK_ATTACH_NAME_IN, out, &e), 0);
  assert_int_equal(desk_attach_name(big, DESK_ATTACH_NAME_IN + 1, out, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'filename' is longer than 1024 bytes");
}

/* A little-endian 16- or 32-bit value at p. */
static void le16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void le32(unsigned char *p, unsigned v) { le16(p, v & 0xffff); le16(p + 2, v >> 16); }

/* A ZIP of stored entries, as tests/lib/files.js makes them; returns its size. */
static size_t zip(unsigned char *out, const char *const *names, const char *const *data, int n) {
  size_t off = 0, cd = 0;
  unsigned char cdir[2048];
  size_t at[8];
  for (int i = 0; i < n; i++) {
    size_t nl = strlen(names[i]), dl = strlen(data[i]);
    unsigned char *h = out + off;
    memset(h, 0, 30);
    le32(h, 0x04034b50);
    le32(h + 18, (unsigned)dl);
    le32(h + 22, (unsigned)dl);
    le16(h + 26, (unsigned)nl);
    memcpy(h + 30, names[i], nl);
    memcpy(h + 30 + nl, data[i], dl);
    at[i] = off;
    off += 30 + nl + dl;
  }
  for (int i = 0; i < n; i++) {
    size_t nl = strlen(names[i]);
    unsigned char *c = cdir + cd;
    memset(c, 0, 46);
    le32(c, 0x02014b50);
    le16(c + 28, (unsigned)nl);
    le32(c + 42, (unsigned)at[i]);
    memcpy(c + 46, names[i], nl);
    cd += 46 + nl;
  }
  memcpy(out + off, cdir, cd);
  unsigned char *end = out + off + cd;
  memset(end, 0, 22);
  le32(end, 0x06054b50);
  le16(end + 8, (unsigned)n);
  le16(end + 10, (unsigned)n);
  le32(end + 12, (unsigned)cd);
  le32(end + 16, (unsigned)off);
  return off + cd + 22;
}

static const char *sniff(const void *p, size_t n) {
  desk_sniff_t s;
  desk_attach_sniff(p, n, &s);
  return s.program ? "program" : s.type;
}

/* A string literal and its length, NUL bytes inside included. */
#define B(lit) (lit), sizeof(lit) - 1

static void kinds(void **state) {
  static const struct {
    const char *bytes;
    size_t n;
    const char *type;
  } cases[] = {
      {B("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png"},
      {B("\xff\xd8\xff\xe0\0\x10JFIF"), "image/jpeg"},
      {B("GIF89a\1\0\1\0"), "image/gif"},
      {B("RIFF\x10\0\0\0WEBPVP8 "), "image/webp"},
      {B("RIFF\x10\0\0\0WAVEfmt "), "audio/wav"},
      {B("%PDF-1.7\n"), "application/pdf"},
      {B("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0"), "application/x-ole-storage"},
      {B("\0\0\0\x18" "ftypheic\0\0"), "image/heic"},
      {B("\0\0\0\x18" "ftypisom\0\0"), "video/mp4"},
      {B("\x1f\x8b\x08\0"), "application/gzip"},
      {B("plain text\nwith lines\n"), "text/plain; charset=utf-8"},
      {B("\xef\xbb\xbf" "caf\xc3\xa9\n"), "text/plain; charset=utf-8"},
      {B("\x1b[31mred log\x1b[0m\n"), "text/plain; charset=utf-8"},
      {B("  <html><script>x</script>"), "application/octet-stream"}, /* markup is never text */
      {B("\xef\xbb\xbf\n<svg onload=x>"), "application/octet-stream"},
      {"<?xml version=\"1.0\"?>", 21, "application/octet-stream"},
      {B("caf\xe9"), "application/octet-stream"}, /* Latin-1, not UTF-8 */
      {B("a\0b"), "application/octet-stream"},
      {B("MZ not a program, just text that starts so"), "text/plain; charset=utf-8"},
      {B("\x7f" "ELF\2\1\1"), "program"},
      {B("\xcf\xfa\xed\xfe\7\0\0\1"), "program"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_string_equal(sniff(cases[i].bytes, cases[i].n), cases[i].type);
  desk_sniff_t s;
  desk_attach_sniff("\x89PNG\r\n\x1a\n", 8, &s);
  assert_true(s.inline_ok);
  desk_attach_sniff("<svg/>", 6, &s);
  assert_false(s.inline_ok);
  assert_false(desk_attach_inline("image/svg+xml"));
  assert_false(desk_attach_inline("image/tiff"));
  assert_true(desk_attach_inline("image/webp"));
  desk_attach_sniff(NULL, 0, &s);
  assert_string_equal(s.type, "application/octet-stream");
  /* a Windows program: MZ and, where its header points, PE */
  unsigned char pe[256] = "MZ";
  le32(pe + 60, 0x80);
  memcpy(pe + 0x80, "PE\0\0", 4);
  desk_attach_sniff(pe, sizeof pe, &s);
  assert_non_null(s.program);
  assert_string_equal(s.program, "a Windows program");
  le32(pe + 60, 0xfffffff0); /* the offset past the end: not a program, and no read out of bounds */
  assert_string_equal(sniff(pe, sizeof pe), "application/octet-stream");
}

static void documents(void **state) {
  unsigned char buf[4096];
  const char *docx_n[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};
  const char *docx_d[] = {"<Types/>", "<R/>", "<w:document/>"};
  size_t n = zip(buf, docx_n, docx_d, 3);
  assert_string_equal(sniff(buf, n), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  const char *xl_n[] = {"xl/workbook.xml", "[Content_Types].xml"};
  const char *xl_d[] = {"<w/>", "<T/>"};
  n = zip(buf, xl_n, xl_d, 2);
  assert_string_equal(sniff(buf, n), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const char *odt_n[] = {"mimetype", "content.xml"};
  const char *odt_d[] = {"application/vnd.oasis.opendocument.text", "<c/>"};
  n = zip(buf, odt_n, odt_d, 2);
  assert_string_equal(sniff(buf, n), "application/vnd.oasis.opendocument.text");
  const char *z_n[] = {"word/document.xml"}; /* no [Content_Types].xml: a plain archive */
  const char *z_d[] = {"x"};
  n = zip(buf, z_n, z_d, 1);
  assert_string_equal(sniff(buf, n), "application/zip");
}

/* Every prefix of every sample, and directories that lie: the sniffer
 * reads within the bytes it is given (ASan would stop the run). */
static void truncations(void **state) {
  unsigned char buf[4096];
  const char *docx_n[] = {"[Content_Types].xml", "word/document.xml"};
  const char *docx_d[] = {"<Types/>", "<w:document/>"};
  size_t n = zip(buf, docx_n, docx_d, 2);
  for (size_t k = 0; k <= n; k++) {
    unsigned char *copy = malloc(k ? k : 1); /* exactly k bytes: ASan sees one past */
    memcpy(copy, buf, k);
    sniff(copy, k);
    free(copy);
  }
  /* the end record claims more entries and a directory beyond the file */
  unsigned char lie[4096];
  memcpy(lie, buf, n);
  le16(lie + n - 22 + 10, 65535);
  le32(lie + n - 22 + 16, 0x7ffffff0);
  assert_string_equal(sniff(lie, n), "application/zip");
  memcpy(lie, buf, n);
  le16(lie + n - 22 + 10, 65535);
  assert_string_equal(sniff(lie, n), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  /* a name length that runs past the end, in the directory and in the first header */
  memcpy(lie, buf, n);
  size_t cd = (size_t)lie[n - 22 + 16] | ((size_t)lie[n - 22 + 17] << 8);
  le16(lie + cd + 28, 60000);
  le16(lie + 26, 60000);
  sniff(lie, n);
  const char *odt_n[] = {"mimetype"};
  const char *odt_d[] = {"application/vnd.oasis.opendocument.text"};
  n = zip(buf, odt_n, odt_d, 1);
  le32(buf + 18, 0xffffffff); /* the mimetype entry's size */
  assert_string_equal(sniff(buf, n), "application/zip");
  static const struct {
    const char *bytes;
    size_t n;
  } heads[] = {{B("RIFF\x10\0\0\0WEBPVP8 ")}, {B("\0\0\0\x18" "ftypheic\0\0")},
               {B("BM\x1a\0\0\0\0\0\0\0\0\0\0\0(\0\0\0\0\0\0\0\0\0\0\0")}};
  for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) { /* every prefix of the others */
    for (size_t len = 0; len <= heads[h].n; len++) {
      unsigned char *copy = malloc(len ? len : 1);
      memcpy(copy, heads[h].bytes, len);
      sniff(copy, len);
      free(copy);
    }
  }
  assert_string_equal(sniff(heads[2].bytes, heads[2].n), "image/bmp"); /* its size field says 26 */
}

typedef struct {
  int n;
  char names[8][32];
} seen_t;

static int collect(const store_attachment_t *a, void *arg) {
  seen_t *s = arg;
  snprintf(s->names[s->n++], sizeof s->names[0], "%s", a->name);
  return 0;
}

static int64_t add_comment(store_t *s, int64_t tid, int64_t author, int internal) {
  store_comment_t c = {.ticket_id = tid, .author_id = author, .body = "msg", .internal = internal};
  store_actor_t a = {STORE_ACTOR_PERSON, author, NULL, 0};
  int64_t id = 0;
  assert_int_equal(store_comment_insert(s, &c, &a, &id), 0);
  return id;
}

static int64_t attach(store_t *s, int64_t tid, int64_t cid, int64_t who, const char *name,
                      const char *bytes) {
  store_attachment_t a = {.ticket_id = tid, .comment_id = cid, .name = (char *)name,
                          .content_type = "text/plain; charset=utf-8",
                          .size = (int64_t)strlen(bytes), .sha256 = "00", .uploaded_by = who};
  store_actor_t act = {STORE_ACTOR_PERSON, who, NULL, 0};
  int rc = store_attachment_insert(s, &a, bytes, &act);
  return rc ? rc : a.id;
}

static int count_events(const store_event_t *e, void *arg) {
  if (!strncmp(e->field, "attachment", 10)) (*(int *)arg)++;
  return 0;
}

static void store_files(void **state) {
  store_t *s = fresh("attach.db");
  int64_t req = add_user(s, "req@x", STORE_ROLE_REQUESTER), ag = add_user(s, "ag@x", STORE_ROLE_AGENT);
  int64_t t1 = add_ticket(s, req, "one", "", 0), t2 = add_ticket(s, req, "two", "", 0);
  int64_t reply = add_comment(s, t1, req, 0), note = add_comment(s, t1, ag, 1);
  int64_t a1 = attach(s, t1, 0, req, "ticket.txt", "on the ticket");
  assert_true(a1 > 0);
  assert_true(attach(s, t1, reply, req, "reply.txt", "with the reply") > 0);
  int64_t a3 = attach(s, t1, note, ag, "note.txt", "internal");
  assert_true(a3 > 0);
  /* a comment of another ticket, or none: nothing written, history included */
  assert_int_equal(attach(s, t2, reply, req, "x.txt", "x"), UTIL_E_NOTFOUND);
  assert_int_equal(attach(s, 9999, 0, req, "x.txt", "x"), UTIL_E_NOTFOUND);
  int64_t count, bytes;
  assert_int_equal(store_attachment_stats(s, t2, &count, &bytes), 0);
  assert_int_equal(count, 0);
  int events = 0;
  assert_int_equal(store_history_each(s, t2, 1, 0, count_events, &events), 0);
  assert_int_equal(events, 0);
  assert_int_equal(store_attachment_stats(s, t1, &count, &bytes), 0);
  assert_int_equal(count, 3);
  assert_int_equal(bytes, 13 + 14 + 8);
  /* the desk sees three, the requester two */
  seen_t all = {0}, pub = {0};
  assert_int_equal(store_attachment_each(s, t1, 0, collect, &all), 0);
  assert_int_equal(store_attachment_each(s, t1, 1, collect, &pub), 0);
  assert_int_equal(all.n, 3);
  assert_int_equal(pub.n, 2);
  assert_string_equal(pub.names[1], "reply.txt");
  /* the bytes, whole */
  store_attachment_t a;
  void *data = NULL;
  assert_int_equal(store_attachment_get(s, t1, a1, 1, &a, &data), 0);
  assert_int_equal(a.size, 13);
  assert_memory_equal(data, "on the ticket", 13);
  assert_string_equal(a.uploader_name, "req@x");
  free(data);
  store_attachment_clear(&a);
  assert_int_equal(store_attachment_get(s, t1, a3, 1, &a, &data), UTIL_E_NOTFOUND);
  assert_null(data);
  assert_int_equal(store_attachment_get(s, t2, a1, 0, &a, NULL), UTIL_E_NOTFOUND); /* not through another ticket */
  assert_int_equal(store_attachment_get(s, t1, a3, 0, &a, NULL), 0);
  assert_true(a.internal);
  store_attachment_clear(&a);
  /* hidden: gone for the requester, kept for the desk; the note's file is never "shown" */
  store_actor_t by = {STORE_ACTOR_PERSON, ag, NULL, 0};
  int changed = 0;
  assert_int_equal(store_attachment_hide(s, t1, a1, 1, &by, &changed), 0);
  assert_int_equal(changed, 1);
  assert_int_equal(store_attachment_hide(s, t1, a1, 1, &by, &changed), 0);
  assert_int_equal(changed, 0);
  assert_int_equal(store_attachment_hide(s, t1, a3, 1, &by, &changed), UTIL_E_NOTFOUND);
  assert_int_equal(store_attachment_get(s, t1, a1, 1, &a, NULL), UTIL_E_NOTFOUND);
  assert_int_equal(store_attachment_get(s, t1, a1, 0, &a, NULL), 0);
  assert_int_equal(a.hidden_by, ag);
  store_attachment_clear(&a);
  /* the requester's history leaves out the note's file */
  events = 0;
  assert_int_equal(store_history_each(s, t1, 0, 0, count_events, &events), 0);
  assert_int_equal(events, 3); /* ticket.txt, reply.txt, hidden */
  events = 0;
  assert_int_equal(store_history_each(s, t1, 1, 0, count_events, &events), 0);
  assert_int_equal(events, 4);
  /* inside a transaction that rolls back, nothing stays */
  assert_int_equal(store_begin(s), 0);
  assert_true(attach(s, t2, 0, req, "gone.txt", "gone") > 0);
  store_rollback(s);
  assert_int_equal(store_attachment_stats(s, t2, &count, &bytes), 0);
  assert_int_equal(count, 0);
  assert_true(store_integrity_ok(s));
  store_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(names),
      cmocka_unit_test(name_refusals),
      cmocka_unit_test(kinds),
      cmocka_unit_test(documents),
      cmocka_unit_test(truncations),
      cmocka_unit_test(store_files),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
