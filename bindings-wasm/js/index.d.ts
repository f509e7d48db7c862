/** Stable error codes (see docs/errors.md), generated from the catalogue by tests/tests/error_docs.rs. */
export type ErrorCode =
  | "AMOUNT_FORMAT" | "AMOUNT_PRECISION" | "AMOUNT_NEGATIVE" | "AMOUNT_ZERO" | "AMOUNT_TOO_LARGE"
  | "AMOUNT_NOT_MULTIPLE" | "FLOAT_NOT_ALLOWED" | "PRICE_NOT_DEFINED" | "CARD_COUNT_TOO_LARGE" | "DATE_FORMAT"
  | "DATE_INVALID" | "MOMENT_FORMAT" | "QUARTER_FORMAT" | "QUARTER_OUT_OF_RANGE" | "FORTNIGHT_FORMAT"
  | "MUNICIPALITY_NAME" | "FISCAL_CODE_LENGTH" | "FISCAL_CODE_CHARACTER" | "FISCAL_CODE_CHECKSUM" | "FISCAL_CODE_DATE"
  | "VAT_NUMBER_FORMAT" | "VAT_NUMBER_CHECKSUM" | "IBAN_FORMAT" | "IBAN_COUNTRY" | "IBAN_CHECKSUM"
  | "IBAN_CIN" | "CAP_FORMAT" | "EMAIL_FORMAT" | "PHONE_FORMAT" | "PASSWORD_TOO_SHORT"
  | "PASSWORD_NO_UPPERCASE" | "PASSWORD_NO_LOWERCASE" | "PASSWORD_NO_DIGIT" | "PASSWORD_NO_SYMBOL" | "PASSWORD_FORBIDDEN_CHARACTER"
  | "PASSWORD_TOO_LONG" | "PASSWORD_CONFIRMATION_MISMATCH" | "PASSWORD_UNCHANGED" | "PASSWORD_GENERATION" | "NOT_AUTHORIZED"
  | "USER_BLOCKED" | "USER_NOT_FOUND" | "USER_DUPLICATE" | "USER_NAME_REQUIRED" | "EMAIL_CONFIRMATION_MISMATCH"
  | "LAST_MANAGER" | "SUPPORT_REQUIRED" | "RESET_NO_MATCH" | "MUNICIPALITY_NOT_FOUND" | "MUNICIPALITY_EXISTS"
  | "QUARTER_EXISTS" | "QUARTER_NOT_FOUND" | "QUARTER_NOT_STARTED" | "QUARTER_BEFORE_FIRST" | "QUARTER_NOT_ENDED"
  | "PREVIOUS_NOT_TRANSMITTED" | "INVALID_STATE" | "WORK_OPEN" | "WORK_NOT_FOUND" | "NO_ORDERS"
  | "ORDER_DUPLICATE" | "ORDER_NOT_FOUND" | "ORDER_NUMBER_INVALID" | "ORDER_DATE_FUTURE" | "SPLIT_DATE_MISMATCH"
  | "ZERO_QUARTER_HAS_CARDS" | "ZERO_QUARTER_HAS_ORDERS" | "PERIOD_INVALID" | "REPORT_EMPTY" | "REPORT_TOO_LARGE"
  | "REPORT_FORMAT" | "REPORT_RENDER" | "CONTACT_DUPLICATE" | "CONTACT_NOT_FOUND" | "CONTACT_IN_USE"
  | "SITE_NOT_FOUND" | "SITE_FIELD_REQUIRED" | "ROLE_NOT_ASSOCIATED" | "SITE_INCOMPLETE" | "SECURITY_OFFICER_ELSEWHERE"
  | "APR_VALUE" | "EVENT_LOG_VERSION" | "EVENT_LOG_FORMAT" | "EVENT_REJECTED" | "INPUT_FORMAT"
  | "PERIOD_INCOMPLETE" | "PERIOD_AFTER_ORDER" | "ORDER_YEAR_CHANGED" | "ORDER_AMBIGUOUS" | "CIEONLINE_UNKNOWN"
  | "REOPEN_REASON_REQUIRED" | "PAYMENT_LATE" | "STALE_STATE" | "CONTACT_FISCAL_CODE_FIXED" | "AMOUNT_AMBIGUOUS"
  | "AMOUNT_COLUMN_MIXED" | "COLUMN_MISSING" | "FILE_EMPTY" | "FILE_FORMAT" | "ROW_DUPLICATE"
  | "ORDER_IDENTITY_DUPLICATE" | "CARD_DUPLICATE" | "CIEONLINE_DUPLICATE" | "CARD_DATE_FUTURE" | "COUNT_FORMAT"
  | "CAUSALE_COUNT_MISMATCH" | "CAUSALE_PERIOD_MISMATCH" | "CAUSALE_MUNICIPALITY_MISMATCH" | "CAUSALE_INCOMPLETE" | "ORDER_REVERSED"
  | "FILE_READ" | "FISCAL_CODE_NAME_MISMATCH";

/** Password rule codes, in checklist order. */
export type PasswordRuleCode =
  | "PASSWORD_TOO_SHORT" | "PASSWORD_NO_UPPERCASE" | "PASSWORD_NO_LOWERCASE" | "PASSWORD_NO_DIGIT"
  | "PASSWORD_NO_SYMBOL" | "PASSWORD_FORBIDDEN_CHARACTER" | "PASSWORD_TOO_LONG";

/** Every error: a real Error with a stable code, Italian and English messages and fields. */
export declare class CieError extends Error {
  code: ErrorCode;
  messageIt: string;
  messageEn: string;
  fields: Record<string, string | number>;
  /** AMOUNT_NOT_MULTIPLE: what a further payment must add (machine text "16.78"). */
  topUp?: string;
  cardsBelow?: number;
  remainder?: string;
  position?: number;
}

/** Money is text: "1234,56" (portal) or "1234.56" (machine). Numbers throw FLOAT_NOT_ALLOWED. */
export type Money = string;
/** ISO date "2024-03-31" (or "31/03/2024"). */
export type IsoDate = string;

export interface Price { validFrom: string; unit: string; net: string; vat: string; vatRatePercent: number; municipalShare: string; ministryShare: string }
export interface CitizenFee { state: string; fixedFee: string; secretarialFee: string; total: string }
export interface QuarterInfo { canonical: string; labelIt: string; firstDay: string; lastDay: string; next: string | null; previous: string | null }
export interface FortnightInfo { canonical: string; firstDay: string; lastDay: string; dueDate: string }
export interface PasswordRule { code: PasswordRuleCode; messageIt: string; messageEn: string }
export interface OrderInput { number: string; date: IsoDate; amount: Money; periodFrom?: IsoDate; periodTo?: IsoDate }

export declare function init(input?: unknown): Promise<void>;
export declare function parseAmount(text: string): string;
export declare function parseAmountMachine(text: string): string;
export declare function formatAmount(amount: Money): string;
export declare function cardsForAmount(amount: Money, on?: IsoDate): number;
export declare function amountForCards(cards: number, on?: IsoDate): string;
export declare function priceOn(day?: IsoDate): Price;
export declare function citizenFee(duplicate: boolean, fixedFee?: Money, secretarialFee?: Money): CitizenFee;
export declare function causale(municipality: string, fortnight: string, cards: number): string;
export declare function quarterOf(moment: string): string;
export declare function quarterInfo(quarter: string): QuarterInfo;
export declare function parseDate(text: string): string;
export declare function fortnightOf(day: IsoDate): FortnightInfo;
export declare function pre2020Mailbox(name: string): string;
export declare function validateFiscalCode(value: string): string;
export declare function isValidFiscalCode(value: unknown): boolean;
export declare function validateVatNumber(value: string): string;
export declare function isValidVatNumber(value: unknown): boolean;
export declare function validateIban(value: string): string;
export declare function isValidIban(value: unknown): boolean;
export declare function validateCap(value: string): string;
export declare function isValidCap(value: unknown): boolean;
export declare function validateEmail(value: string): string;
export declare function isValidEmail(value: unknown): boolean;
export declare function validatePhone(value: string): string;
export declare function isValidPhone(value: unknown): boolean;
export declare function checkPassword(password: string): PasswordRuleCode[];
export declare function checkPasswordChange(current: string, next: string, confirmation: string): string[];
export declare function passwordRules(): PasswordRule[];
export declare function generatePassword(length?: number): string;
/** One order's share of one quarter. */
export interface Portion { quarter: string; cards: number; amount: string }
export interface OrderAllocation { number: string; date: string; amount: string; period: [string, string] | null; portions: Portion[]; split: boolean; credit: string }
export interface Allocation { orders: OrderAllocation[]; quarters: Record<string, QuarterAllocation>; credit: string; debit: string; cards: number }
export interface QuarterReconciliation {
  quarter: string; amount: string; cardsFromAmount: number; exact: boolean; topUp: string | null;
  cieonlineCards: number | null; cieonlineProvisional: boolean; state: QuarterState | null;
  discrepancy: number | null; mismatch: string | null; municipalShare: string; shareSuspended: boolean; zeroQuarter: boolean;
}
export interface Reconciliation {
  quarters: QuarterReconciliation[]; prePortal: unknown; balance: string | null; balanceIncomplete: boolean;
  transmittedWithoutCount: string[]; transmittedCardsFromAmount: number; transmittedCieonlineCards: number;
  mismatches: number; discrepancies: number; municipalShare: string; suspendedShare: string;
  missingQuarters: string[]; nextToTransmit: string | null; completeYears: number[];
}
export declare function allocateAndReconcile(cards: string[], orders: OrderInput[], cieonline: Record<string, number> | undefined, transmitted: string | undefined, now: string): { allocation: Allocation; reconciliation: Reconciliation };
export interface QuarterAllocation { cardsSigned: number; cardsPaid: number; amount: string; unpaidCards: number; debit: string }
export declare function allocateEpochs(cards: BigInt64Array, orders: OrderInput[]): { quarters: Record<string, QuarterAllocation>; credit: string; debit: string; cards: number };
/** Orders as columns: dates as days since 1970-01-01 (`Date.UTC(y, m - 1, d) / 86400000`), -2147483648 = no period. */
export interface OrderColumns { number: string[]; date: Int32Array; amountCents: BigInt64Array; periodFrom?: Int32Array; periodTo?: Int32Array }
export declare function allocateColumns(cards: BigInt64Array, columns: OrderColumns): { quarters: Record<string, QuarterAllocation>; credit: string; debit: string; cards: number };
export declare function errorMessage(code: ErrorCode): { code: ErrorCode; messageIt: string; messageEn: string };
export type QuarterState = "in_progress" | "completing" | "closing" | "transmitted";
export type Profile = "operator" | "manager" | "no_profile" | "support";
export type Action = "create_quarter" | "add_order" | "edit_order" | "delete_order" | "complete_work" | "take_over" | "submit" | "unlock_quarter" | "transmit" | "transmit_zero" | "reopen";
export type SiteStep = "data" | "contacts" | "security_officer" | "installation_contact" | "issuance_manager" | "summary";
export declare function allowedActions(state: QuarterState | null, profile: Profile): Action[];
export declare function siteStatus(site: object): { status: "complete" | "incomplete"; labelIt: "COMPLETA" | "INCOMPLETA"; labelEn: "COMPLETE" | "INCOMPLETE"; missing: SiteStep[]; missingIt: string[]; missingEn: string[] };
export declare function emailsMatch(email: unknown, confirmation: unknown): boolean;
export interface OrderFinding {
  code: ErrorCode;
  severity: "error" | "warning";
  field: "number" | "date" | "amount" | "period" | "causale";
  messageIt: string;
  messageEn: string;
  /** The structured fields under the core's (snake_case) names, as on CieError. */
  fields: Record<string, string | number>;
}
export interface OrderCheck {
  order: { number: string; date: string; amount: string; period: [string, string] | null } | null;
  findings: OrderFinding[];
  cards: number | null;
  topUp: string | null;
  quarters: string[];
  missedDueDate: string | null;
}
/** The core order check on the form's texts (strict portal amounts and dates). */
/** `today`: the Rome date (ISO or gg/mm/aaaa), or an ISO moment such as `new Date().toISOString()` (its date in Rome). */
export declare function checkOrderForm(number: string, date: string, amount: string, periodFrom: string, periodTo: string, today: string, causale?: string, municipality?: string): OrderCheck;
/** What a causale says (§1.6); each part null when the text does not say it. */
export declare function parseCausale(text: string): { municipality: string | null; cards: number | null; period: [IsoDate, IsoDate] | null };
/** The *Aggiungi utente* name check (SPEC §7): a mismatch is a warning, never a refusal. Throws the code's own error when the fiscal code is invalid. */
export interface NameConsistency {
  code: string;
  foundSurname: string;
  foundName: string;
  expectedSurname: string | null;
  expectedName: string | null;
  matches: boolean;
  warning: { code: "FISCAL_CODE_NAME_MISMATCH"; messageIt: string; messageEn: string; fields: Record<string, string> } | null;
}
export declare function fiscalCodeMatchesName(code: string, surname: string, name: string): NameConsistency;
/** Every function this build exports (generated from the Rust exports). */
export declare const FUNCTIONS: string[];
/** Replays an event log; the state summary at `now` (the shared workflow scenarios). */
export declare function replaySummary(log: string, now: string): Record<string, unknown>;
/** Node package only. Allocation, Resoconto and settlement of one municipality (the shared statement vectors): input `{now, municipality?, cards, orders: [{number, date, amount, period_from?, period_to?}], cieonline?, states?, transmitted_on?, first_quarter?, last_quarter?}`, amounts as machine text. */
export declare function statement(input: Record<string, unknown>): { allocation: Record<string, unknown>; reconciliation: Record<string, unknown>; settlement: Record<string, unknown>; prePortalMailbox: string | null };
