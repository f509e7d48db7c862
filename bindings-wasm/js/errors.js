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
      this[camel(key)] = value;
    }
  }
}

// The core names its fields in snake_case; JS callers get camelCase. Only names of that
// shape change: map keys are data (quarters "2024-Q1", ISTAT codes, order ids "2024/12",
// fiscal codes) and never look like `lower_snake`.
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
export function camel(key) {
  return SNAKE.test(key) ? key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()) : key;
}

// Results cross as plain JSON-like objects; typed arrays and primitives pass unchanged.
export function camelize(value) {
  if (Array.isArray(value)) return value.map(camelize);
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    // `fields` of a finding keep the core's names, as CieError.fields does.
    out[camel(key)] = key === "fields" ? v : camelize(v);
  }
  return out;
}

// Wraps a native function: results in camelCase, coded error objects become CieError instances.
export function wrap(fn) {
  return (...args) => {
    try {
      return camelize(fn(...args));
    } catch (e) {
      if (e && e.cieError === true) throw new CieError(e);
      throw e;
    }
  };
}
