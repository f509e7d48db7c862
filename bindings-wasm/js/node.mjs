// Node entry (ESM): the nodejs build of the WASM module, errors as CieError.
import { createRequire } from "node:module";
import { CieError, wrap, NAMES, NODE_NAMES } from "./errors.js";

const native = createRequire(import.meta.url)("../pkg/node/cie_pagamenti_wasm.js");
const api = Object.fromEntries([...NAMES, ...NODE_NAMES].map((n) => [n, wrap(native[n])]));

export { CieError };
export const {
  parseAmount, parseAmountMachine, formatAmount, cardsForAmount, amountForCards, priceOn, citizenFee,
  causale, quarterOf, quarterInfo, parseDate, fortnightOf, pre2020Mailbox, validateFiscalCode,
  isValidFiscalCode, validateVatNumber, isValidVatNumber, validateIban, isValidIban, validateCap,
  isValidCap, validateEmail, isValidEmail, validatePhone, isValidPhone, checkPassword,
  checkPasswordChange, passwordRules, generatePassword, allocateAndReconcile, allocateEpochs, allocateColumns, errorMessage, allowedActions, siteStatus, emailsMatch,
  checkOrderForm, replaySummary, statement,
} = api;
