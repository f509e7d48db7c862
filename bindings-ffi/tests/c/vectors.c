/* Runs the shared vectors (the JSON files of tests/vectors) through the C API: each vector's operation is
 * called, its result rebuilt as a JSON value and compared with "expect", or the status's code and
 * structured fields compared with "error" and "fields". A tiny JSON reader is included (objects,
 * arrays, strings with \u escapes, integers, booleans, null): the vectors need no more.
 * Usage: vectors FILE.json...   Exit status 0 when every vector passes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cie_pagamenti.h"

/* ---- JSON values ---------------------------------------------------------------------- */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;
typedef struct jv {
  jtype t;
  bool b;
  long long n;
  char *s;            /* J_STR */
  struct jv **items;  /* J_ARR, J_OBJ values */
  char **keys;        /* J_OBJ */
  size_t len, cap;
} jv;

static jv *jnew(jtype t) { jv *v = calloc(1, sizeof *v); if (!v) abort(); v->t = t; return v; }
static char *dup(const char *s) { size_t n = strlen(s) + 1; char *d = malloc(n); if (!d) abort(); memcpy(d, s, n); return d; }
static jv *jstr(const char *s) { jv *v = jnew(J_STR); v->s = dup(s); return v; }
static jv *jnum(long long n) { jv *v = jnew(J_NUM); v->n = n; return v; }
static jv *jbool(bool b) { jv *v = jnew(J_BOOL); v->b = b; return v; }
static void jpush(jv *a, const char *key, jv *item) {
  if (a->len == a->cap) {
    a->cap = a->cap ? a->cap * 2 : 8;
    a->items = realloc(a->items, a->cap * sizeof *a->items);
    a->keys = realloc(a->keys, a->cap * sizeof *a->keys);
    if (!a->items || !a->keys) abort();
  }
  a->keys[a->len] = key ? dup(key) : NULL;
  a->items[a->len++] = item;
}
static void jfree(jv *v) {
  if (!v) return;
  for (size_t i = 0; i < v->len; i++) { jfree(v->items[i]); free(v->keys[i]); }
  free(v->items); free(v->keys); free(v->s); free(v);
}
static const jv *jget(const jv *o, const char *key) {
  if (!o || o->t != J_OBJ) return NULL;
  for (size_t i = 0; i < o->len; i++) if (strcmp(o->keys[i], key) == 0) return o->items[i];
  return NULL;
}
static const char *jtext(const jv *o, const char *key) { const jv *v = jget(o, key); return v && v->t == J_STR ? v->s : NULL; }

typedef struct { const char *p; const char *end; bool bad; } reader;
static void ws(reader *r) { while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t')) r->p++; }
static jv *parse(reader *r);
static char *parse_string(reader *r) {
  size_t cap = 16, len = 0; char *out = malloc(cap); if (!out) abort();
  r->p++; /* opening quote */
  while (r->p < r->end && *r->p != '"') {
    unsigned long cp = (unsigned char)*r->p++;
    if (cp == '\\' && r->p < r->end) {
      char e = *r->p++;
      switch (e) {
        case 'n': cp = '\n'; break; case 't': cp = '\t'; break; case 'r': cp = '\r'; break;
        case 'b': cp = '\b'; break; case 'f': cp = '\f'; break;
        case 'u':
          if (r->end - r->p < 4) { r->bad = true; break; }
          cp = strtoul((char[]){r->p[0], r->p[1], r->p[2], r->p[3], 0}, NULL, 16); r->p += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u') {
            unsigned long lo = strtoul((char[]){r->p[2], r->p[3], r->p[4], r->p[5], 0}, NULL, 16);
            r->p += 6; cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          break;
        default: cp = (unsigned char)e;
      }
      if (len + 5 > cap) { cap *= 2; out = realloc(out, cap); if (!out) abort(); }
      if (cp < 0x80) out[len++] = (char)cp;
      else if (cp < 0x800) { out[len++] = (char)(0xC0 | cp >> 6); out[len++] = (char)(0x80 | (cp & 0x3F)); }
      else if (cp < 0x10000) { out[len++] = (char)(0xE0 | cp >> 12); out[len++] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[len++] = (char)(0x80 | (cp & 0x3F)); }
      else { out[len++] = (char)(0xF0 | cp >> 18); out[len++] = (char)(0x80 | ((cp >> 12) & 0x3F)); out[len++] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[len++] = (char)(0x80 | (cp & 0x3F)); }
      continue;
    }
    if (len + 2 > cap) { cap *= 2; out = realloc(out, cap); if (!out) abort(); }
    out[len++] = (char)cp;
  }
  if (r->p >= r->end) r->bad = true; else r->p++;
  out[len] = 0;
  return out;
}
static jv *parse(reader *r) {
  ws(r);
  if (r->p >= r->end) { r->bad = true; return jnew(J_NULL); }
  char c = *r->p;
  if (c == '{' || c == '[') {
    jv *v = jnew(c == '{' ? J_OBJ : J_ARR);
    r->p++; ws(r);
    if (r->p < r->end && *r->p == (c == '{' ? '}' : ']')) { r->p++; return v; }
    while (!r->bad) {
      char *key = NULL;
      if (c == '{') {
        ws(r);
        if (r->p >= r->end || *r->p != '"') { r->bad = true; break; }
        key = parse_string(r); ws(r);
        if (r->p >= r->end || *r->p != ':') { r->bad = true; free(key); break; }
        r->p++;
      }
      jpush(v, key ? key : "", parse(r)); free(key);
      ws(r);
      if (r->p < r->end && *r->p == ',') { r->p++; continue; }
      if (r->p < r->end && *r->p == (c == '{' ? '}' : ']')) { r->p++; break; }
      r->bad = true;
    }
    return v;
  }
  if (c == '"') { jv *v = jnew(J_STR); v->s = parse_string(r); return v; }
  if (!strncmp(r->p, "true", 4)) { r->p += 4; return jbool(true); }
  if (!strncmp(r->p, "false", 5)) { r->p += 5; return jbool(false); }
  if (!strncmp(r->p, "null", 4)) { r->p += 4; return jnew(J_NULL); }
  char *end = NULL; long long n = strtoll(r->p, &end, 10);
  if (end == r->p) { r->bad = true; return jnew(J_NULL); }
  r->p = end;
  return jnum(n);
}
static jv *parse_text(const char *text) {
  reader r = {text, text + strlen(text), false};
  jv *v = parse(&r);
  if (r.bad) { jfree(v); return NULL; }
  return v;
}
static bool jequal(const jv *a, const jv *b) {
  if (!a || !b || a->t != b->t) return false;
  switch (a->t) {
    case J_NULL: return true;
    case J_BOOL: return a->b == b->b;
    case J_NUM: return a->n == b->n;
    case J_STR: return strcmp(a->s, b->s) == 0;
    case J_ARR:
      if (a->len != b->len) return false;
      for (size_t i = 0; i < a->len; i++) if (!jequal(a->items[i], b->items[i])) return false;
      return true;
    case J_OBJ:
      if (a->len != b->len) return false;
      for (size_t i = 0; i < a->len; i++) if (!jequal(a->items[i], jget(b, a->keys[i]))) return false;
      return true;
  }
  return false;
}
static void jprint(const jv *v, FILE *f) {
  if (!v) { fputs("(none)", f); return; }
  switch (v->t) {
    case J_NULL: fputs("null", f); break;
    case J_BOOL: fputs(v->b ? "true" : "false", f); break;
    case J_NUM: fprintf(f, "%lld", v->n); break;
    case J_STR: fprintf(f, "\"%s\"", v->s); break;
    case J_ARR: case J_OBJ:
      fputc(v->t == J_ARR ? '[' : '{', f);
      for (size_t i = 0; i < v->len; i++) {
        if (i) fputc(',', f);
        if (v->t == J_OBJ) fprintf(f, "\"%s\":", v->keys[i]);
        jprint(v->items[i], f);
      }
      fputc(v->t == J_ARR ? ']' : '}', f);
  }
}

/* A JSON value as text (the statement operation hands its input to the library as JSON). */
typedef struct { char *p; size_t len, cap; } sbuf;
static void sput(sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) abort();
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}
static void sputs(sbuf *b, const char *s) { sput(b, s, strlen(s)); }
static void jwrite(const jv *v, sbuf *b) {
  char num[32];
  switch (v->t) {
    case J_NULL: sputs(b, "null"); break;
    case J_BOOL: sputs(b, v->b ? "true" : "false"); break;
    case J_NUM: snprintf(num, sizeof num, "%lld", v->n); sputs(b, num); break;
    case J_STR:
      sputs(b, "\"");
      for (const char *c = v->s; *c; c++) {
        if (*c == '"' || *c == '\\') sput(b, "\\", 1);
        sput(b, c, 1);
      }
      sputs(b, "\"");
      break;
    case J_ARR: case J_OBJ:
      sputs(b, v->t == J_ARR ? "[" : "{");
      for (size_t i = 0; i < v->len; i++) {
        if (i) sputs(b, ",");
        if (v->t == J_OBJ) { jwrite(&(jv){.t = J_STR, .s = v->keys[i]}, b); sputs(b, ":"); }
        jwrite(v->items[i], b);
      }
      sputs(b, v->t == J_ARR ? "]" : "}");
  }
}
static char *json_print(const jv *v) {
  sbuf b = {0};
  sputs(&b, "");
  if (v) jwrite(v, &b); else sputs(&b, "null");
  return b.p;
}

/* ---- operations ----------------------------------------------------------------------- */

/* Takes a string returned by the library, frees it, and returns it as a JSON string value. */
static jv *take(char *s) { jv *v = jstr(s ? s : ""); cie_string_free(s); return v; }
static jv *money(int64_t cents) {
  char buf[32];
  snprintf(buf, sizeof buf, "%s%lld.%02lld", cents < 0 ? "-" : "", (long long)(cents < 0 ? -(cents / 100) : cents / 100),
           (long long)(cents < 0 ? -(cents % 100) : cents % 100));
  return jstr(buf);
}
static jv *codes(char *list) {
  jv *a = jnew(J_ARR);

  for (char *t = strtok(list, ","); t; t = strtok(NULL, ",")) jpush(a, NULL, jstr(t));
  cie_string_free(list);
  return a;
}
static jv *quarter_text(cie_quarter_t q, uint32_t what) { char *s = NULL; cie_quarter_text(q, what, &s); return take(s); }
static jv *fortnight_date(const char *f, uint32_t what) { char *s = NULL; cie_fortnight_date(f, what, &s); return take(s); }
/* Amounts in the vectors come in either format, as the core's Amount::parse accepts them. */
static cie_status_t any_amount(const char *text, int64_t *cents) {
  if (!text) { *cents = 0; return CIE_STATUS_OK; }
  cie_status_t st = cie_amount_parse(text, cents);
  return st == CIE_STATUS_OK ? st : cie_amount_parse_machine(text, cents);
}

/* Runs one operation: returns its status; on success *out holds the result. *known = false for an
 * operation this runner does not know. */
static char *read_file(const char *path);
/* The directory of the vectors file being run, with a trailing slash: event logs are in logs/. */
static char vectors_dir[4096];

static cie_status_t run(const char *op, const jv *in, jv **out, bool *known) {
  cie_status_t st = CIE_STATUS_OK;
  char *s = NULL;
  int64_t cents = 0;
  *known = true;
  *out = NULL;
  const char *t = jtext(in, "text");
  if (!strcmp(op, "parse_amount") || !strcmp(op, "parse_amount_machine")) {
    st = op[12] ? cie_amount_parse_machine(t, &cents) : cie_amount_parse(t, &cents);
    if (!st) *out = money(cents);
  } else if (!strcmp(op, "format_amount")) {
    if (!(st = cie_amount_parse_machine(jtext(in, "amount"), &cents)) && !(st = cie_amount_format(cents, &s))) *out = take(s);
  } else if (!strcmp(op, "cards_for_amount")) {
    uint64_t cards = 0; int64_t top_up = 0;
    if (!(st = any_amount(jtext(in, "amount"), &cents)) && !(st = cie_cards_for_amount(cents, jtext(in, "on"), &cards, &top_up)))
      *out = jnum((long long)cards);
  } else if (!strcmp(op, "amount_for_cards")) {
    const jv *n = jget(in, "cards");
    if (!(st = cie_amount_for_cards(n ? (uint64_t)n->n : 0, NULL, &cents))) *out = money(cents);
  } else if (!strcmp(op, "price_on")) {
    cie_price_t p;
    if (!(st = cie_price_on(jtext(in, "day"), &p))) {
      char day[16];
      snprintf(day, sizeof day, "%04d-%02u-%02u", p.valid_from_year, p.valid_from_month, p.valid_from_day);
      jv *o = jnew(J_OBJ);
      jpush(o, "unit", money(p.unit_cents)); jpush(o, "net", money(p.net_cents)); jpush(o, "vat", money(p.vat_cents));
      jpush(o, "vat_rate_percent", jnum(p.vat_rate_percent)); jpush(o, "municipal_share", money(p.municipal_share_cents));
      jpush(o, "ministry_share", money(p.ministry_share_cents)); jpush(o, "valid_from", jstr(day));
      *out = o;
    }
  } else if (!strcmp(op, "citizen_fee")) {
    const jv *dup_flag = jget(in, "duplicate");
    int64_t fixed = 0, secretarial = 0;
    const char *ft = jtext(in, "fixed_fee"), *sf = jtext(in, "secretarial_fee");
    cie_citizen_fee_t fee;
    if (!(st = any_amount(ft, &fixed)) && !(st = any_amount(sf, &secretarial)) &&
        !(st = cie_citizen_fee(dup_flag && dup_flag->b, ft ? &fixed : NULL, sf ? &secretarial : NULL, &fee))) {
      jv *o = jnew(J_OBJ);
      jpush(o, "state", money(fee.state_cents)); jpush(o, "fixed_fee", money(fee.fixed_fee_cents));
      jpush(o, "secretarial_fee", money(fee.secretarial_fee_cents)); jpush(o, "total", money(fee.total_cents));
      *out = o;
    }
  } else if (!strcmp(op, "causale")) {
    const jv *n = jget(in, "cards");
    if (!(st = cie_causale(jtext(in, "municipality"), jtext(in, "fortnight"), n ? (uint64_t)n->n : 0, &s))) *out = take(s);
  } else if (!strcmp(op, "quarter_of")) {
    cie_quarter_t q;
    if (!(st = cie_quarter_of(jtext(in, "moment"), &q))) *out = quarter_text(q, 0);
  } else if (!strcmp(op, "parse_date")) {
    if (!(st = cie_date_parse(t, &s))) *out = take(s);
  } else if (!strcmp(op, "quarter")) {
    cie_quarter_t q, next, previous;
    if (!(st = cie_quarter_parse(t, &q))) {
      jv *o = jnew(J_OBJ);
      jpush(o, "canonical", quarter_text(q, 0)); jpush(o, "label_it", quarter_text(q, 1));
      jpush(o, "first_day", quarter_text(q, 3)); jpush(o, "last_day", quarter_text(q, 4));
      jpush(o, "next", cie_quarter_step(q, 1, &next) ? jnew(J_NULL) : quarter_text(next, 0));
      jpush(o, "previous", cie_quarter_step(q, -1, &previous) ? jnew(J_NULL) : quarter_text(previous, 0));
      *out = o;
    }
  } else if (!strcmp(op, "portal_quarter")) {
    cie_quarter_t q;
    if (!(st = cie_quarter_parse(t, &q)) && !(st = cie_quarter_ensure_portal(q))) *out = quarter_text(q, 0);
  } else if (!strcmp(op, "fortnight")) {
    if (!(st = cie_fortnight_of(jtext(in, "day"), &s))) {
      jv *o = jnew(J_OBJ);
      jpush(o, "canonical", jstr(s)); jpush(o, "first_day", fortnight_date(s, 0));
      jpush(o, "last_day", fortnight_date(s, 1)); jpush(o, "due_date", fortnight_date(s, 2));
      cie_string_free(s);
      *out = o;
    }
  } else if (!strcmp(op, "pre2020_mailbox")) {
    if (!(st = cie_pre2020_mailbox(jtext(in, "name"), &s))) *out = take(s);
  } else if (!strncmp(op, "validate_", 9)) {
    const char *v = jtext(in, "value"), *kind = op + 9;
    st = !strcmp(kind, "fiscal_code") ? cie_fiscal_code_validate(v, &s)
       : !strcmp(kind, "vat_number") ? cie_vat_number_validate(v, &s)
       : !strcmp(kind, "iban") ? cie_iban_validate(v, &s)
       : !strcmp(kind, "cap") ? cie_cap_validate(v, &s)
       : !strcmp(kind, "email") ? cie_email_validate(v, &s)
       : !strcmp(kind, "phone") ? cie_phone_validate(v, &s)
       : (*known = false, CIE_STATUS_OK);
    if (*known && !st) *out = take(s);
  } else if (!strcmp(op, "check_password")) {
    uint32_t unmet = 0;
    if (!(st = cie_password_check(jtext(in, "password"), &unmet, &s))) *out = codes(s);
  } else if (!strcmp(op, "check_password_change")) {
    uint32_t unmet = 0;
    if (!(st = cie_password_change_check(jtext(in, "current"), jtext(in, "new"), jtext(in, "confirmation"), &unmet, &s)))
      *out = codes(s);
  } else if (!strcmp(op, "password_rule_message")) {
    if (!(st = cie_code_message(jtext(in, "code"), 0, &s))) *out = take(s);
  } else if (!strcmp(op, "apr_parse_flag")) {
    bool flag = false;
    if (!(st = cie_apr_parse_flag(jtext(in, "pair"), t, &flag))) *out = jbool(flag);
  } else if (!strcmp(op, "apr_format_flag")) {
    const jv *v = jget(in, "value");
    if (!(st = cie_apr_format_flag(jtext(in, "pair"), v && v->b, &s))) *out = take(s);
  } else if (!strcmp(op, "apr_connection_type")) {
    if (!(st = cie_apr_connection_type(t, &s))) *out = take(s);
  } else if (!strcmp(op, "statement")) {
    char *case_text = json_print(in);
    if (!(st = cie_statement_json(case_text, &s))) { *out = parse_text(s); cie_string_free(s); }
    free(case_text);
  } else if (!strcmp(op, "workflow_scenario")) {
    char path[8192];
    snprintf(path, sizeof path, "%slogs/%s", vectors_dir, jtext(in, "log") ? jtext(in, "log") : "");
    char *log = read_file(path);
    struct cie_portal_t *portal = NULL;
    if (!(st = cie_portal_replay(log ? log : "", &portal))) {
      if (!(st = cie_portal_summary_json(portal, jtext(in, "now"), &s))) { *out = parse_text(s); cie_string_free(s); }
      cie_portal_free(portal);
    }
    free(log);
  } else {
    *known = false;
  }
  return st;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1); if (!buf) abort();
  size_t got = fread(buf, 1, (size_t)n, f); buf[got] = 0; fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  int passed = 0, failed = 0;
  for (int a = 1; a < argc; a++) {
    const char *slash = strrchr(argv[a], '/');
    size_t dir_len = slash ? (size_t)(slash - argv[a]) + 1 : 0;
    if (dir_len >= sizeof vectors_dir) dir_len = 0;
    memcpy(vectors_dir, argv[a], dir_len); vectors_dir[dir_len] = 0;
    char *text = read_file(argv[a]);
    jv *doc = text ? parse_text(text) : NULL;
    free(text);
    if (!doc || doc->t != J_ARR) { fprintf(stderr, "%s: not a JSON array of vectors\n", argv[a]); jfree(doc); return 2; }
    for (size_t i = 0; i < doc->len; i++) {
      const jv *vec = doc->items[i];
      const char *op = jtext(vec, "op"), *want_error = jtext(vec, "error");
      jv *got = NULL; bool known = true;
      cie_status_t st = run(op ? op : "", jget(vec, "input"), &got, &known);
      bool ok;
      if (!known) ok = false;
      else if (want_error) {
        ok = st != CIE_STATUS_OK && !strcmp(cie_last_error_code(), want_error);
        const jv *want_fields = jget(vec, "fields");
        if (ok && want_fields) {
          jv *fields = parse_text(cie_last_error_fields_json());
          for (size_t k = 0; k < want_fields->len; k++)
            if (!jequal(want_fields->items[k], jget(fields, want_fields->keys[k]))) ok = false;
          jfree(fields);
        }
      } else ok = st == CIE_STATUS_OK && jequal(jget(vec, "expect"), got);
      if (ok) passed++;
      else {
        failed++;
        fprintf(stderr, "FAIL %s #%zu %s: ", argv[a], i, op ? op : "?");
        if (!known) fputs("operation unknown to the C runner", stderr);
        else if (st != CIE_STATUS_OK) fprintf(stderr, "status %d %s {%s} %s", (int)st, cie_last_error_code(), cie_last_error_fields_json(), cie_last_error_message(1));
        else jprint(got, stderr);
        fputc('\n', stderr);
      }
      jfree(got);
    }
    jfree(doc);
  }
  printf("C vectors: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
