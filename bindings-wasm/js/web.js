// Browser entry (ESM): `await init()` once, then call the functions. Errors are CieError.
import initWasm, * as native from "../pkg/web/cie_pagamenti_wasm.js";
import { CieError, wrap, NAMES } from "./errors.js";

export { CieError };
export async function init(input) {
  await initWasm(input);
}
const api = Object.fromEntries(NAMES.map((n) => [n, wrap((...a) => native[n](...a))]));
export const {
  parseAmount, parseAmountMachine, formatAmount, cardsForAmount, amountForCards, priceOn, citizenFee,
  causale, quarterOf, quarterInfo, parseDate, fortnightOf, pre2020Mailbox, validateFiscalCode,
  isValidFiscalCode, validateVatNumber, isValidVatNumber, validateIban, isValidIban, validateCap,
  isValidCap, validateEmail, isValidEmail, validatePhone, isValidPhone, checkPassword,
  checkPasswordChange, passwordRules, generatePassword, allocateAndReconcile, allocateEpochs, allocateColumns, errorMessage, allowedActions, siteStatus, emailsMatch,
  checkOrderForm,
} = api;
