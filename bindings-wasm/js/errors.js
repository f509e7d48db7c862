// CieError: every error of cie-pagamenti, a real Error with a stable code.
export class CieError extends Error {
  constructor(raw) {
    super(raw.messageIt);
    this.name = "CieError";
    this.code = raw.code;
    this.messageIt = raw.messageIt;
    this.messageEn = raw.messageEn;
    this.fields = raw.fields || {};
    // Structured fields also as camelCase properties (top_up → topUp).
    for (const [key, value] of Object.entries(this.fields)) {
      this[key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())] = value;
    }
  }
}

// Wraps a native function: coded error objects become CieError instances.
export function wrap(fn) {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      if (e && e.cieError === true) throw new CieError(e);
      throw e;
    }
  };
}

export const NAMES = [
  "parseAmount", "parseAmountMachine", "formatAmount", "cardsForAmount", "amountForCards", "priceOn",
  "citizenFee", "causale", "quarterOf", "quarterInfo", "parseDate", "fortnightOf", "pre2020Mailbox",
  "validateFiscalCode", "isValidFiscalCode", "validateVatNumber", "isValidVatNumber", "validateIban",
  "isValidIban", "validateCap", "isValidCap", "validateEmail", "isValidEmail", "validatePhone",
  "isValidPhone", "checkPassword", "checkPasswordChange", "passwordRules", "generatePassword",
  "allocateAndReconcile", "allocateEpochs", "allocateColumns", "errorMessage", "allowedActions", "siteStatus", "emailsMatch",
  "checkOrderForm",
];

// Only in the node package (built with the `workflow` feature).
export const NODE_NAMES = ["replaySummary", "statement"];
