/* C host test of the cie-pagamenti C API: seed examples, hostile input, a portal scenario.
 * Built against the static and the shared library by scripts/test-ffi, and run under valgrind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cie_pagamenti.h"

static int failures = 0, checks = 0;
#define CHECK(cond, msg) do { checks++; if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d %s (%s)\n", __FILE__, __LINE__, msg, cie_last_error_message(1)); } } while (0)

static void money(void) {
  int64_t cents = 0; uint64_t cards = 0; int64_t top_up = -1; char *s = NULL;
  CHECK(cie_amount_parse("1234,56", &cents) == CIE_STATUS_OK && cents == 123456, "portal amount");
  CHECK(cie_amount_parse("1234.56", &cents) == CIE_STATUS_AMOUNT_FORMAT, "machine text refused by the portal parser");
  CHECK(cie_amount_parse_machine("1234.56", &cents) == CIE_STATUS_OK && cents == 123456, "machine amount");
  CHECK(cie_amount_parse("1.234,56", &cents) == CIE_STATUS_AMOUNT_FORMAT, "thousands separator refused");
  CHECK(strcmp(cie_last_error_code(), "AMOUNT_FORMAT") == 0, "last error code");
  CHECK(strstr(cie_last_error_message(0), "Importo non valido") != NULL, "Italian message");
  CHECK(cie_cards_for_amount(3358, NULL, &cards, &top_up) == CIE_STATUS_OK && cards == 2 && top_up == 0, "33,58 -> 2 cards");
  CHECK(cie_cards_for_amount(3359, NULL, &cards, &top_up) == CIE_STATUS_AMOUNT_NOT_MULTIPLE && cards == 2 && top_up == 1678, "33,59 -> top up 16,78");
  CHECK(cie_amount_format(123456, &s) == CIE_STATUS_OK && strcmp(s, "1234,56") == 0, "format");
  cie_string_free(s);
}

static void calendar_and_identifiers(void) {
  cie_quarter_t q = {0, 0}; char *s = NULL; uint32_t unmet = 0;
  CHECK(cie_quarter_of("2024-03-31T23:30:00Z", &q) == CIE_STATUS_OK && q.year == 2024 && q.number == 2, "Rome date decides");
  CHECK(cie_quarter_of("2024-03-31T21:59:59Z", &q) == CIE_STATUS_OK && q.number == 1, "still Q1");
  CHECK(cie_quarter_of_epoch(1711929600, &q) == CIE_STATUS_OK && q.number == 2, "epoch");
  CHECK(cie_fiscal_code_validate("rssmraqrcmnfnlrg", &s) == CIE_STATUS_OK && strcmp(s, "RSSMRAQRCMNFNLRG") == 0, "omocode");
  cie_string_free(s);
  CHECK(cie_fiscal_code_validate("RSSMRA80A01F205Y", NULL) == CIE_STATUS_FISCAL_CODE_CHECKSUM, "checksum");
  CHECK(cie_iban_validate("IT81J0100003245348010374600", NULL) == CIE_STATUS_OK, "treasury IBAN");
  CHECK(cie_vat_number_validate("00743110157", NULL) == CIE_STATUS_OK, "VAT number");
  CHECK(cie_cap_validate("0018", NULL) == CIE_STATUS_CAP_FORMAT, "CAP");
  CHECK(cie_email_validate("a@b", NULL) == CIE_STATUS_EMAIL_FORMAT, "e-mail");
  CHECK(cie_phone_validate("+39 06 1234567", NULL) == CIE_STATUS_OK, "phone");
  CHECK(cie_password_check("abc", &unmet, &s) == CIE_STATUS_OK && unmet == 4 && strncmp(s, "PASSWORD_TOO_SHORT", 18) == 0, "password");
  cie_string_free(s);
}

static void hostile(void) {
  int64_t cents; cie_quarter_t q; char *s = NULL; uint32_t n;
  char bad_utf8[] = {(char)0xff, (char)0xfe, 0};
  CHECK(cie_amount_parse(NULL, &cents) == CIE_STATUS_INVALID_ARGUMENT, "null text");
  CHECK(cie_amount_parse("1,00", NULL) == CIE_STATUS_INVALID_ARGUMENT, "null out");
  CHECK(cie_quarter_of(bad_utf8, &q) == CIE_STATUS_INVALID_ARGUMENT, "invalid UTF-8");
  CHECK(cie_fiscal_code_validate("", NULL) == CIE_STATUS_FISCAL_CODE_LENGTH, "empty");
  CHECK(cie_password_check(NULL, &n, NULL) == CIE_STATUS_INVALID_ARGUMENT, "null password");
  size_t big = 1 << 20;
  char *huge = malloc(big + 1);
  memset(huge, 'A', big); huge[big] = 0;
  CHECK(cie_iban_validate(huge, &s) != CIE_STATUS_OK && s == NULL, "1 MB string");
  CHECK(cie_amount_parse(huge, &cents) == CIE_STATUS_AMOUNT_FORMAT, "1 MB amount");
  free(huge);
  cie_string_free(NULL);
  cie_portal_free(NULL);
  CHECK(cie_portal_execute(NULL, "support", "2024-01-01", "{}") == CIE_STATUS_INVALID_ARGUMENT, "null portal");
}

static void portal(void) {
  cie_portal_t *p = cie_portal_new();
  const char *boss = "RSSMRA80A01H501U";
  CHECK(cie_portal_execute(p, "support", "2023-12-01T09:00:00",
        "{\"register_municipality\": {\"municipality\": \"A\", \"name\": \"Alfa\", \"first_quarter\": \"2024-Q1\", "
        "\"manager\": {\"fiscal_code\": \"RSSMRA80A01H501U\", \"first_name\": \"Mario\", \"last_name\": \"Rossi\", "
        "\"email\": \"m@c.it\", \"email_confirmation\": \"m@c.it\"}}}") == CIE_STATUS_OK, "register");
  CHECK(cie_portal_execute(p, boss, "2024-01-20T10:00:00", "{\"create_quarter\": {\"municipality\": \"A\", \"quarter\": \"2024-Q1\"}}") == CIE_STATUS_OK, "create quarter");
  CHECK(cie_portal_execute(p, "NREPLA90D52L219L", "2024-01-20T10:00:00", "{\"create_quarter\": {\"municipality\": \"A\", \"quarter\": \"2024-Q2\"}}") == CIE_STATUS_NOT_AUTHORIZED, "unknown actor");
  CHECK(cie_portal_execute(p, boss, "2024-01-20T10:00:00", "{\"add_order\": {\"municipality\": \"A\", \"quarter\": \"2024-Q1\", \"number\": \"1\", \"date\": \"2024-01-15\", \"amount\": \"16.79\"}}") == CIE_STATUS_OK, "add order");
  CHECK(cie_portal_execute(p, boss, "2024-01-20T10:00:00", "{\"submit\": {\"municipality\": \"A\", \"quarter\": \"2024-Q1\"}}") == CIE_STATUS_WORK_OPEN, "work open");
  CHECK(cie_portal_execute(p, boss, "2024-01-20T10:00:00", "not json") == CIE_STATUS_EVENT_LOG_FORMAT, "bad command");
  char *log = NULL;
  CHECK(cie_portal_events_json(p, &log) == CIE_STATUS_OK && strstr(log, "add_order") != NULL, "events");
  cie_portal_t *again = NULL;
  CHECK(cie_portal_replay(log, &again) == CIE_STATUS_OK && again != NULL, "replay");
  char *log2 = NULL;
  CHECK(cie_portal_events_json(again, &log2) == CIE_STATUS_OK && strcmp(log, log2) == 0, "replay equal");
  cie_string_free(log); cie_string_free(log2);
  cie_portal_free(again); cie_portal_free(p);
}

/* The circular's example (§3): cards signed 16-31 March 2024 paid by an order of 10 April belong
 * to Q1; an order paying cards of 25 March - 5 April is split Q1/Q2. */
static void allocation(void) {
  int64_t cards[6];
  const int64_t march_20 = 1710921600;          /* 2024-03-20T08:00:00Z */
  const int64_t april_3 = 1712131200;           /* 2024-04-03T08:00:00Z */
  for (int i = 0; i < 3; i++) cards[i] = march_20 + i * 3600;
  for (int i = 3; i < 6; i++) cards[i] = april_3 + i * 3600;
  cie_order_t orders[2] = {
    {"7", "2024-04-10", 2 * 1679, NULL, NULL},
    {"8", "2024-04-20", 4 * 1679 + 500, NULL, NULL},
  };
  cie_allocation_t *a = NULL;
  CHECK(cie_allocate(cards, 6, orders, 2, &a) == CIE_STATUS_OK && a != NULL, "allocate");
  size_t n = 0;
  cie_quarter_allocation_t q1, q2;
  CHECK(cie_allocation_quarter_count(a, &n) == CIE_STATUS_OK && n == 2, "two quarters");
  CHECK(cie_allocation_quarter(a, 0, &q1) == CIE_STATUS_OK && q1.quarter.year == 2024 && q1.quarter.number == 1 &&
        q1.cards_signed == 3 && q1.cards_paid == 3 && q1.amount_cents == 3 * 1679, "Q1 paid by the April orders");
  CHECK(cie_allocation_quarter(a, 1, &q2) == CIE_STATUS_OK && q2.quarter.number == 2 && q2.cards_paid == 3 &&
        q2.unpaid_cards == 0, "Q2");
  CHECK(cie_allocation_quarter(a, 2, &q2) == CIE_STATUS_INVALID_ARGUMENT, "index out of range");
  int64_t credit = -1, debit = -1; uint64_t total = 0;
  CHECK(cie_allocation_totals(a, &credit, &debit, &total) == CIE_STATUS_OK && credit == 500 && debit == 0 && total == 6, "totals");
  char *json = NULL;
  CHECK(cie_allocation_json(a, &json) == CIE_STATUS_OK && strstr(json, "\"split\":true") != NULL, "order 8 is split");
  cie_string_free(json);
  cie_quarter_cards_t online[2] = {{{2024, 1}, 3}, {{2024, 2}, 4}};
  cie_quarter_t sent[1] = {{2024, 1}};
  CHECK(cie_reconcile(a, online, 2, sent, 1, &sent[0], "2024-11-15T12:00:00", &json) == CIE_STATUS_OK &&
        strstr(json, "\"next_to_transmit\":\"2024-Q2\"") != NULL, "reconcile");
  cie_string_free(json);
  cie_allocation_free(a);

  /* Refusals and hostile arguments. */
  a = NULL;
  CHECK(cie_allocate(NULL, 3, orders, 2, &a) == CIE_STATUS_INVALID_ARGUMENT && a == NULL, "null cards with a length");
  CHECK(cie_allocate(NULL, 0, NULL, 0, &a) == CIE_STATUS_OK && a != NULL, "nothing to allocate");
  cie_allocation_free(a);
  CHECK(cie_allocate(cards, 6, orders, 2, NULL) == CIE_STATUS_INVALID_ARGUMENT, "null out");
  cie_order_t bad[1] = {{"", "2024-04-10", 1679, NULL, NULL}};
  CHECK(cie_allocate(cards, 6, bad, 1, &a) == CIE_STATUS_ORDER_NUMBER_INVALID, "empty order number");
  cie_order_t half[1] = {{"1", "2024-04-10", 1679, "2024-03-01", NULL}};
  CHECK(cie_allocate(cards, 6, half, 1, &a) == CIE_STATUS_PERIOD_INCOMPLETE, "half a period has its own code");
  /* The core order check: every finding, the portal's strict text. */
  CHECK(cie_order_check("", "01/01/2030", "0,00", "20/04/2024", "10/04/2024", "2024-06-01", &json) == CIE_STATUS_OK, "order check");
  CHECK(strstr(json, "\"ORDER_NUMBER_INVALID\"") && strstr(json, "\"ORDER_DATE_FUTURE\"") && strstr(json, "\"AMOUNT_ZERO\"")
        && strstr(json, "\"PERIOD_INVALID\""), "every finding");
  cie_string_free(json);
  CHECK(cie_order_check("12", "10/04/2024", "1.000", NULL, NULL, "2024-06-01", &json) == CIE_STATUS_OK
        && strstr(json, "\"AMOUNT_FORMAT\"") != NULL, "1.000 is not read as one euro");
  cie_string_free(json);
  CHECK(cie_order_check("12", "10/04/2024", "16,79", "16/03/2024", NULL, "2024-06-01", &json) == CIE_STATUS_OK
        && strstr(json, "\"PERIOD_INCOMPLETE\"") != NULL, "half period in the form");
  cie_string_free(json);
  CHECK(cie_order_check("12", "10/04/2024", "16,79", NULL, NULL, "not a day", &json) == CIE_STATUS_DATE_FORMAT, "bad today");
  CHECK(cie_fiscal_code_matches_name("RSSMRA80A01H501U", "Bianchi", "Luigi", &json) == CIE_STATUS_OK
        && strstr(json, "\"FISCAL_CODE_NAME_MISMATCH\"") && strstr(json, "\"expected_surname\":\"BNC\""), "name check: a warning");
  cie_string_free(json);
  CHECK(cie_fiscal_code_matches_name("RSSMRA80A01H501U", "Rossi", "Mario", &json) == CIE_STATUS_OK
        && strstr(json, "\"warning\":null"), "name check: matching");
  cie_string_free(json);
  CHECK(cie_fiscal_code_matches_name("RSSMRA80A01H501X", "Rossi", "Mario", &json) == CIE_STATUS_FISCAL_CODE_CHECKSUM, "name check: bad code");
  cie_order_t nodate[1] = {{"1", NULL, 1679, NULL, NULL}};
  CHECK(cie_allocate(cards, 6, nodate, 1, &a) == CIE_STATUS_INVALID_ARGUMENT, "null date");
  CHECK(cie_allocation_totals(NULL, &credit, NULL, NULL) == CIE_STATUS_INVALID_ARGUMENT, "null allocation");
  CHECK(cie_reconcile(NULL, NULL, 0, NULL, 0, NULL, "2024-11-15", &json) == CIE_STATUS_INVALID_ARGUMENT, "null allocation to reconcile");
  cie_allocation_free(NULL);
  cie_quarter_t q = {2024, 5};
  CHECK(cie_quarter_text(q, 0, &json) == CIE_STATUS_QUARTER_FORMAT, "quarter number 5 from C");
  CHECK(cie_quarter_step((cie_quarter_t){2024, 1}, 7, &q) == CIE_STATUS_INVALID_ARGUMENT, "step out of range");
  CHECK(cie_code_message("NOT_A_CODE", 0, &json) == CIE_STATUS_INVALID_ARGUMENT, "unknown code");
  CHECK(cie_password_generate(16, &json) == CIE_STATUS_OK && strlen(json) == 16, "generated password");
  cie_string_free(json);
  CHECK(cie_password_generate(3, &json) != CIE_STATUS_OK, "too short to generate");
}

/* The import layer: an Excel CSV in Windows-1252 with Italian headers and amounts. */
static void imports(void) {
  char *json = NULL;
  const char csv[] = "Numero mandato;Data;Importo \x80\r\n12;15/02/2024;1.124,93\r\n12;15/02/2024;1.124,93\r\n13;1/3/2030;33,58\r\n";
  CHECK(cie_read_export_json("orders", (const unsigned char *)csv, sizeof csv - 1, "2024-06-01T00:00:00", NULL, "Castelprova", &json)
          == CIE_STATUS_OK, "read orders");
  CHECK(strstr(json, "\"amount\":\"1124.93\"") && strstr(json, "\"windows-1252\"") && strstr(json, "\"ROW_DUPLICATE\"")
          && strstr(json, "\"ORDER_DATE_FUTURE\"") && strstr(json, "\"line\":4"), "rows, duplicate and future order with their lines");
  cie_string_free(json);
  CHECK(cie_read_export_json("cards", (const unsigned char *)"x;y\n", 4, NULL, NULL, NULL, &json) == CIE_STATUS_COLUMN_MISSING, "no card column");
  CHECK(cie_read_export_json("carte", NULL, 0, NULL, NULL, NULL, &json) == CIE_STATUS_INPUT_FORMAT, "unknown kind");
  CHECK(cie_read_export_json("cards", NULL, 5, NULL, NULL, NULL, &json) == CIE_STATUS_INVALID_ARGUMENT, "null data with a length");
}

/* The national job: two municipalities, each reconciled on its own; a bad card spoils only its own. */
static void groups(void) {
  char *json = NULL;
  const uint32_t card_group[] = {0, 0, 1, 1};
  const int64_t card_epoch[] = {1709290800, 1709377200, 1709290800, INT64_MAX};
  const uint32_t order_group[] = {0, 1};
  cie_order_t orders[] = {{"1", "2024-03-16", 3358, NULL, NULL}, {"1", "2024-03-16", 1679, NULL, NULL}};
  cie_group_count_t counts[] = {{0, {2024, 1}, 2}};
  CHECK(cie_reconcile_groups_json(2, card_group, card_epoch, 4, order_group, orders, 2, counts, 1, NULL, 0,
                                  "2024-11-15T12:00:00", &json) == CIE_STATUS_OK, "reconcile groups");
  CHECK(strstr(json, "\"cards_from_amount\":2") && strstr(json, "\"error\":null") && strstr(json, "\"row\":3"),
        "group 0 reconciled, group 1 refused at its card row 3");
  cie_string_free(json);
  const uint32_t bad_group[] = {5};
  CHECK(cie_reconcile_groups_json(2, bad_group, card_epoch, 1, NULL, NULL, 0, NULL, 0, NULL, 0, "2024-11-15T12:00:00", &json)
        == CIE_STATUS_INPUT_FORMAT, "a group out of range");
  /* Out of range inside group 0's run (rows 1, 2, 4 and 8 read to find its end are group 0's). */
  const uint32_t hidden_group[] = {0, 0, 0, 5, 0, 0, 0, 0, 1};
  const int64_t nine_epochs[] = {1709290800, 1709290800, 1709290800, 1709290800, 1709290800,
                                 1709290800, 1709290800, 1709290800, 1709290800};
  CHECK(cie_reconcile_groups_json(2, hidden_group, nine_epochs, 9, NULL, NULL, 0, NULL, 0, NULL, 0,
                                  "2024-11-15T12:00:00", &json) == CIE_STATUS_INPUT_FORMAT,
        "a group out of range inside another's run");
}

int main(void) {
  money();
  imports();
  groups();
  allocation();
  calendar_and_identifiers();
  hostile();
  portal();
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
