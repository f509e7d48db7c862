# Ruby suite over the uniffi-generated bindings (Debian's ruby + ruby-ffi): pricing, calendar,
# identifiers, passwords, allocation, a workflow scenario to transmission, the shared vectors.
# Run by scripts/test-ffi:
#   LD_LIBRARY_PATH=target/release CIE_UNIFFI_RUBY=target/ffi/uniffi/ruby ruby this_file
require "json"
require "minitest/autorun"
require File.expand_path(File.join(ENV.fetch("CIE_UNIFFI_RUBY"), "cie_pagamenti"))

C = CiePagamenti
ROOT = File.expand_path("../../..", __dir__)

# The error classes: one per stable code, each with code, messages and fields.
def error_of
  yield
  nil
rescue StandardError => e
  e
end

class TestPricing < Minitest::Test
  def test_cards_and_top_up
    assert_equal 2, C.cards_for_amount("33,58", nil)
    assert_equal "33.58", C.amount_for_cards(2, nil)
    e = error_of { C.cards_for_amount("33,59", nil) }
    assert_instance_of C::CieError::AmountNotMultiple, e
    assert_equal "AMOUNT_NOT_MULTIPLE", e.code
    assert_equal({ "cards_below" => 2, "remainder" => "0.01", "top_up" => "16.78" }, JSON.parse(e.fields_json))
    refute_equal e.message_it, e.message_en
  end

  def test_money_is_never_a_float
    assert_raises(TypeError) { C.cards_for_amount(16.79, nil) }
    assert_raises(TypeError) { C.format_amount(12.5) }
    assert_equal "1234,50", C.format_amount("1234.5")
  end

  def test_price_and_fee
    price = C.price_on("2024-01-01")
    assert_equal ["16.79", "13.76", "3.03", 22, "0.70"], [price.unit, price.net, price.vat, price.vat_rate_percent, price.municipal_share]
    assert_instance_of C::CieError::PriceNotDefined, error_of { C.price_on("2016-07-03") }
    assert_equal "27.37", C.citizen_fee(true, nil, nil).total
    assert_equal "26.79", C.citizen_fee(false, "10.00", "0.00").total
    assert_match(/n\. 12 carte d'identità elettroniche \(16\/03\/2024-31\/03\/2024\)/, C.causale("Roma", "2024-03-2", 12))
  end
end

class TestCalendar < Minitest::Test
  def test_quarter_of_moment_by_rome_date
    assert_equal "2024-Q2", C.quarter_of("2024-03-31T23:30:00Z")
    assert_equal "2024-Q1", C.quarter_of("2024-03-31T21:59:59Z")
    assert_equal "2024-Q2", C.quarter_of_epoch(1_711_929_600)
    assert_instance_of C::CieError::MomentFormat, error_of { C.quarter_of("ieri") }
  end

  def test_quarter_fortnight_dates
    q = C.quarter_info("2024-q1")
    assert_equal ["2024-Q1", "1° trimestre 2024", "2024-03-31", "2024-Q2", "2023-Q4"], [q.canonical, q.label_it, q.last_day, q.next_quarter, q.previous_quarter]
    assert_instance_of C::CieError::QuarterOutOfRange, error_of { C.portal_quarter("2019-Q4") }
    f = C.fortnight_of("2024-08-15")
    assert_equal ["2024-08-1", "2024-08-16"], [f.canonical, f.due_date]
    assert_equal "2024-02-29", C.parse_date("29/02/2024")
    assert_instance_of C::CieError::DateInvalid, error_of { C.parse_date("29/02/2023") }
    assert_equal "pagamenti.cie.al@interno.it", C.pre2020_mailbox("L'Aquila")
  end
end

class TestIdentifiers < Minitest::Test
  def test_validators
    assert_equal "RSSMRA80A01F205X", C.validate_fiscal_code("rss mra 80a01 f205x")
    e = error_of { C.validate_fiscal_code("RSSMRA80A01F205") }
    assert_instance_of C::CieError::FiscalCodeLength, e
    assert_equal({ "length" => 15 }, JSON.parse(e.fields_json))
    assert_instance_of C::CieError::FiscalCodeChecksum, error_of { C.validate_fiscal_code("RSSMRA80A01F205Y") }
    assert_equal "IT81J0100003245348010374600", C.validate_iban("it81 j010 0003 2453 4801 0374 600")
    assert_equal "00743110157", C.validate_vat_number("00743110157")
    assert_instance_of C::CieError::CapFormat, error_of { C.validate_cap("0018") }
    assert_instance_of C::CieError::EmailFormat, error_of { C.validate_email("a@b") }
  end

  def test_hostile_strings
    assert_instance_of C::CieError::FiscalCodeLength, error_of { C.validate_fiscal_code("") }
    assert_kind_of StandardError, error_of { C.validate_iban("A" * 1_000_000) }
    assert_raises(Encoding::InvalidByteSequenceError) { C.validate_email("\xff\xfe".dup.force_encoding("UTF-8")) }
    assert_raises(TypeError) { C.validate_cap(nil) }
    assert_equal "00100", C.validate_cap("00100") # still working afterwards
  end
end

class TestPasswords < Minitest::Test
  def test_rules_and_generation
    assert_equal [], C.check_password("Abcdefgh1-")
    assert_equal %w[PASSWORD_NO_UPPERCASE PASSWORD_NO_DIGIT PASSWORD_NO_SYMBOL], C.check_password("abcdefghij")
    assert_equal ["PASSWORD_UNCHANGED"], C.check_password_change("Abcdefgh1-", "Abcdefgh1-", "Abcdefgh1-")
    assert_equal 7, C.password_rules.length
    pw = C.generate_password(16)
    assert_equal 16, pw.length
    assert_equal [], C.check_password(pw)
    assert_kind_of StandardError, error_of { C.generate_password(3) }
  end
end

class TestAllocation < Minitest::Test
  def order(number, date, amount, from = nil, to = nil)
    C::PaymentOrder.new(number: number, date: date, amount: amount, period_from: from, period_to: to)
  end

  # The circular's example: cards of 16-31 March paid on 10 April belong to Q1; an order paying
  # cards of 25 March - 5 April is split Q1/Q2 with both portions exact multiples.
  def test_circular_example
    march = (0...3).map { |i| 1_710_921_600 + i * 3600 }
    april = (0...3).map { |i| 1_712_131_200 + i * 3600 }
    a = C.allocate(april + march, [order("8", "2024-04-20", "67.16"), order("7", "2024-04-10", "33.58")])
    q1, q2 = a.quarters
    assert_equal ["2024-Q1", 3, 3, "50.37"], [q1.quarter, q1.cards_signed, q1.cards_paid, q1.amount]
    assert_equal ["2024-Q2", 3, 0], [q2.quarter, q2.cards_paid, q2.unpaid_cards]
    assert_equal "0.00", a.credit
    seven, eight = a.orders
    assert_equal ["7", false], [seven.number, seven.split]
    assert_equal ["8", true, %w[2024-Q1 2024-Q2], "0.00"], [eight.number, eight.split, eight.portions.map(&:quarter), eight.credit]
    assert_equal "0.00", a.debit
    assert_equal 6, a.cards
    r = a.reconcile([C::QuarterCards.new(quarter: "2024-Q1", cards: 3)], ["2024-Q1"], "2024-Q1", "2024-11-15T12:00:00")
    assert_equal "2024-Q2", r.next_to_transmit
    assert_equal C::Balance::EQUAL, r.balance
    assert_equal C::QuarterState::TRANSMITTED, r.quarters.first.state
  end

  def test_refusals
    assert_instance_of C::CieError::OrderNumberInvalid, error_of { C.allocate([], [order("", "2024-04-10", "16.79")]) }
    assert_instance_of C::CieError::PeriodIncomplete, error_of { C.allocate([], [order("1", "2024-04-10", "16.79", "2024-03-01")]) }
    check = JSON.parse(C.check_order_json("", "01/01/2030", "0,00", "20/04/2024", "10/04/2024", "2024-06-01"))
    assert_equal %w[ORDER_NUMBER_INVALID ORDER_DATE_FUTURE AMOUNT_ZERO PERIOD_INVALID], check["findings"].map { |f| f["code"] }
    check = JSON.parse(C.check_order_json("12", "10/04/2024", "1.000", "", "", "2024-06-01"))
    assert_equal ["AMOUNT_FORMAT"], check["findings"].map { |f| f["code"] }
    assert_raises(TypeError) { C.allocate([], [order("1", "2024-04-10", 16.79)]) }
    assert_raises(RangeError) { C.allocate([2**64], []) }
    assert_equal 0, C.allocate([], []).cards
  end
end

class TestWorkflow < Minitest::Test
  BOSS = "RSSMRA80A01H501U"
  PDF = "%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".b

  def test_scenario_to_transmission_and_replay
    p = C::Portal.new
    boss = C::NewUser.new(fiscal_code: BOSS, first_name: "Mario", last_name: "Rossi", email: "m@c.it", email_confirmation: "m@c.it")
    p.register_municipality("support", "2023-12-01T09:00:00", "A", "Alfa", "2024-Q1", boss)
    p.create_quarter(BOSS, "2024-01-20T10:00:00", "A", "2024-Q1")
    assert_equal C::QuarterState::IN_PROGRESS, p.quarter_state("A", "2024-Q1")
    p.add_order(BOSS, "2024-01-20T10:00:00", "A", "2024-Q1", "1", "2024-01-15", "33,58")
    assert_instance_of C::CieError::WorkOpen, error_of { p.submit(BOSS, "2024-04-01T09:00:00", "A", "2024-Q1") }
    p.complete_work(BOSS, "2024-01-20T10:00:00", "A", "2024-Q1")
    assert_instance_of C::CieError::QuarterNotEnded, error_of { p.submit(BOSS, "2024-03-31T23:59:00", "A", "2024-Q1") }
    p.submit(BOSS, "2024-04-01T09:00:00", "A", "2024-Q1")
    assert_equal C::QuarterState::CLOSING, p.quarter_state("A", "2024-Q1")
    assert_instance_of C::CieError::ReportEmpty, error_of { p.transmit(BOSS, "2024-04-01T10:00:00", "A", "2024-Q1", "", true) }
    assert_instance_of C::CieError::ReportFormat, error_of { p.transmit(BOSS, "2024-04-01T10:00:00", "A", "2024-Q1", "hello", true) }
    p.transmit(BOSS, "2024-04-01T10:00:00", "A", "2024-Q1", PDF, true)
    assert_equal C::QuarterState::TRANSMITTED, p.quarter_state("A", "2024-Q1")
    assert_equal "33.58", p.quarter_total("A", "2024-Q1")
    denied = error_of { p.reopen(BOSS, "2024-04-02T09:00:00", "A", "2024-Q1", "verifica") }
    assert_instance_of C::CieError::NotAuthorized, denied
    assert_match(/non consentita/, denied.message_it)
    again = C::Portal.replay(p.events_json)
    assert_equal p.events_json, again.events_json
    assert_instance_of C::CieError::EventLogFormat, error_of { C::Portal.replay("{}") }
    # The same command in its event-log JSON form.
    p.execute("support", "2024-04-03T09:00:00", '{"reopen": {"municipality": "A", "quarter": "2024-Q1", "reason": "verifica"}}')
    assert_equal C::QuarterState::COMPLETING, p.quarter_state("A", "2024-Q1") # §5: reopen → in completamento
  end
end

# The shared vectors through the Ruby API.
class TestVectors < Minitest::Test
  def run_op(op, i)
    case op
    when "parse_amount" then C.parse_amount(i["text"])
    when "parse_amount_machine" then C.parse_amount_machine(i["text"])
    when "format_amount" then C.format_amount(i["amount"])
    when "cards_for_amount" then C.cards_for_amount(i["amount"], i["on"])
    when "amount_for_cards" then C.amount_for_cards(i["cards"], nil)
    when "price_on"
      p = C.price_on(i["day"])
      { "unit" => p.unit, "net" => p.net, "vat" => p.vat, "vat_rate_percent" => p.vat_rate_percent,
        "municipal_share" => p.municipal_share, "ministry_share" => p.ministry_share, "valid_from" => p.valid_from }
    when "citizen_fee"
      f = C.citizen_fee(i.fetch("duplicate", false), i["fixed_fee"], i["secretarial_fee"])
      { "state" => f.state, "fixed_fee" => f.fixed_fee, "secretarial_fee" => f.secretarial_fee, "total" => f.total }
    when "causale" then C.causale(i["municipality"], i["fortnight"], i["cards"])
    when "quarter_of" then C.quarter_of(i["moment"])
    when "parse_date" then C.parse_date(i["text"])
    when "quarter"
      q = C.quarter_info(i["text"])
      { "canonical" => q.canonical, "label_it" => q.label_it, "first_day" => q.first_day, "last_day" => q.last_day,
        "next" => q.next_quarter, "previous" => q.previous_quarter }
    when "portal_quarter" then C.portal_quarter(i["text"])
    when "fortnight"
      f = C.fortnight_of(i["day"])
      { "canonical" => f.canonical, "first_day" => f.first_day, "last_day" => f.last_day, "due_date" => f.due_date }
    when "pre2020_mailbox" then C.pre2020_mailbox(i["name"])
    when /\Avalidate_(\w+)\z/ then C.public_send(op, i["value"])
    when "check_password" then C.check_password(i["password"])
    when "check_password_change" then C.check_password_change(i["current"], i["new"], i["confirmation"])
    when "password_rule_message" then C.code_message(i["code"], false)
    when "apr_parse_flag" then C.apr_parse_flag(i["pair"], i["text"])
    when "apr_format_flag" then C.apr_format_flag(i["pair"], i["value"])
    when "apr_connection_type" then C.apr_connection_type(i["text"])
    when "statement" then JSON.parse(C.statement_json(JSON.generate(i)))
    when "workflow_scenario"
      log = File.read(File.join(ROOT, "tests/vectors/logs", i["log"]), encoding: "utf-8")
      JSON.parse(C::Portal.replay(log).summary_json(i["now"]))
    else flunk "operation #{op} unknown to the Ruby runner"
    end
  end

  def test_shared_vectors
    count = 0
    Dir[File.join(ROOT, "tests/vectors/*.json")].sort.each do |file|
      JSON.parse(File.read(file)).each_with_index do |v, n|
        where = "#{File.basename(file)} ##{n} #{v["op"]}"
        if v["error"]
          e = error_of { run_op(v["op"], v["input"]) }
          refute_nil e, "#{where}: expected #{v["error"]}"
          assert_equal v["error"], e.code, where
          (v["fields"] || {}).each { |k, want| assert_equal want, JSON.parse(e.fields_json)[k], "#{where} field #{k}" }
        else
          got = run_op(v["op"], v["input"])
          assert_equal v["expect"], got, where
        end
        count += 1
      end
    end
    assert_operator count, :>=, 90
  end
end
