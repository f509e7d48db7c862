// Java smoke test of the cie-pagamenti C API through JNA (Debian's libjna-java), the way a
// municipal Java application embeds the library: validators, pricing, quarters, an allocation,
// a portal scenario, the error codes and messages. Run by scripts/test-ffi.
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

public class Smoke {
    /** cie_quarter_t */
    @Structure.FieldOrder({"year", "number"})
    public static class Quarter extends Structure {
        public int year;
        public int number;
    }

    /** cie_order_t */
    @Structure.FieldOrder({"number", "date", "amount_cents", "period_from", "period_to"})
    public static class Order extends Structure {
        public String number;
        public String date;
        public long amount_cents;
        public String period_from;
        public String period_to;
    }

    /** The C API as JNA sees it; statuses are the int values of cie_status_t. */
    public interface Cie extends Library {
        Cie LIB = Native.load("cie_pagamenti_ffi", Cie.class);
        int cie_fiscal_code_validate(String value, PointerByReference out);
        int cie_iban_validate(String value, PointerByReference out);
        int cie_amount_parse(String text, LongByReference cents);
        int cie_cards_for_amount(long cents, String on, LongByReference cards, LongByReference topUp);
        int cie_quarter_of(String moment, Quarter out);
        int cie_allocate(Pointer cards, long nCards, Order orders, long nOrders, PointerByReference out);
        int cie_allocation_totals(Pointer allocation, LongByReference credit, LongByReference debit, LongByReference cards);
        void cie_allocation_free(Pointer allocation);
        Pointer cie_portal_new();
        int cie_portal_execute(Pointer portal, String actor, String now, String command);
        int cie_portal_events_json(Pointer portal, PointerByReference out);
        void cie_portal_free(Pointer portal);
        String cie_last_error_code();
        String cie_last_error_message(int lang);
        void cie_string_free(Pointer s);
    }

    static int checks = 0, failures = 0;

    static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures++;
            System.err.println("FAIL " + what + " (" + Cie.LIB.cie_last_error_code() + ": " + Cie.LIB.cie_last_error_message(1) + ")");
        }
    }

    /** Takes a string returned by the library and frees it. */
    static String take(PointerByReference ref) {
        Pointer p = ref.getValue();
        String s = p.getString(0, "UTF-8");
        Cie.LIB.cie_string_free(p);
        return s;
    }

    public static void main(String[] args) {
        Cie cie = Cie.LIB;
        PointerByReference out = new PointerByReference();
        check(cie.cie_fiscal_code_validate("rssmra80a01f205x", out) == 0 && take(out).equals("RSSMRA80A01F205X"), "fiscal code normalised");
        int st = cie.cie_fiscal_code_validate("RSSMRA80A01F205Y", null);
        check(st != 0 && cie.cie_last_error_code().equals("FISCAL_CODE_CHECKSUM"), "fiscal code checksum code");
        check(cie.cie_last_error_message(0).length() > 0 && !cie.cie_last_error_message(0).equals(cie.cie_last_error_message(1)), "Italian and English messages");
        check(cie.cie_iban_validate("IT81J0100003245348010374600", null) == 0, "treasury IBAN");

        LongByReference cents = new LongByReference(), cards = new LongByReference(), topUp = new LongByReference();
        check(cie.cie_amount_parse("33,59", cents) == 0 && cents.getValue() == 3359, "amount in cents");
        st = cie.cie_cards_for_amount(3359, null, cards, topUp);
        check(st != 0 && cie.cie_last_error_code().equals("AMOUNT_NOT_MULTIPLE") && cards.getValue() == 2 && topUp.getValue() == 1678, "top-up of 16,78");
        check(cie.cie_cards_for_amount(1679, "2016-07-03", cards, topUp) != 0 && cie.cie_last_error_code().equals("PRICE_NOT_DEFINED"), "no price before 4 July 2016");

        Quarter q = new Quarter();
        check(cie.cie_quarter_of("2024-03-31T23:30:00Z", q) == 0 && q.year == 2024 && q.number == 2, "Rome decides the quarter");
        check(cie.cie_quarter_of(null, q) != 0 && cie.cie_last_error_code().equals("INVALID_ARGUMENT"), "null is refused");

        // The circular's example: 3 cards in March, 3 in April; an order of 10 April pays 2 March cards.
        Memory epochs = new Memory(6 * 8);
        for (int i = 0; i < 6; i++) epochs.setLong(i * 8L, (i < 3 ? 1710921600L : 1712131200L) + i * 3600L);
        Order[] orders = (Order[]) new Order().toArray(2);
        orders[0].number = "7"; orders[0].date = "2024-04-10"; orders[0].amount_cents = 2 * 1679;
        orders[1].number = "8"; orders[1].date = "2024-04-20"; orders[1].amount_cents = 4 * 1679 + 500;
        for (Order o : orders) o.write();
        PointerByReference alloc = new PointerByReference();
        check(cie.cie_allocate(epochs, 6, orders[0], 2, alloc) == 0, "allocate");
        LongByReference credit = new LongByReference(), debit = new LongByReference(), total = new LongByReference();
        check(cie.cie_allocation_totals(alloc.getValue(), credit, debit, total) == 0 && credit.getValue() == 500 && debit.getValue() == 0 && total.getValue() == 6, "allocation totals");
        cie.cie_allocation_free(alloc.getValue());

        Pointer portal = cie.cie_portal_new();
        check(cie.cie_portal_execute(portal, "support", "2023-12-01T09:00:00",
            "{\"register_municipality\": {\"municipality\": \"A\", \"name\": \"Alfa\", \"first_quarter\": \"2024-Q1\", "
            + "\"manager\": {\"fiscal_code\": \"RSSMRA80A01H501U\", \"first_name\": \"Mario\", \"last_name\": \"Rossi\", "
            + "\"email\": \"m@c.it\", \"email_confirmation\": \"m@c.it\"}}}") == 0, "register municipality");
        check(cie.cie_portal_execute(portal, "RSSMRA80A01H501U", "2024-01-20T10:00:00",
            "{\"create_quarter\": {\"municipality\": \"A\", \"quarter\": \"2024-Q1\"}}") == 0, "create quarter");
        st = cie.cie_portal_execute(portal, "RSSMRA80A01H501U", "2024-01-20T10:00:00",
            "{\"transmit\": {\"municipality\": \"A\", \"quarter\": \"2024-Q1\", \"report\": \"\"}}");
        check(st != 0, "transmit refused: " + cie.cie_last_error_code());
        check(cie.cie_portal_events_json(portal, out) == 0 && take(out).contains("create_quarter"), "event log");
        cie.cie_portal_free(portal);

        System.out.println("Java (JNA): " + (checks - failures) + " passed, " + failures + " failed");
        System.exit(failures == 0 ? 0 : 1);
    }
}
