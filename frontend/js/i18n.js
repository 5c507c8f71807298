// Texts: one locale file per language; French is the default and the fallback.

export const LANGUAGES = ["fr", "en"];
const STORAGE_KEY = "basegun.lang";
const tables = {};
let current = "fr";

async function load(code) {
  if (!tables[code]) {
    const response = await fetch(`locales/${code}.json`);
    if (!response.ok) throw new Error(`locale ${code}: HTTP ${response.status}`);
    tables[code] = await response.json();
  }
  return tables[code];
}

export function storedLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.includes(stored) ? stored : "fr";
}

export async function setLanguage(code) {
  await Promise.all([load("fr"), load(code)]);
  current = code;
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code;
}

export function lang() {
  return current;
}

export function other() {
  return current === "fr" ? "en" : "fr";
}

function lookup(table, key) {
  return key.split(".").reduce((node, part) => (node == null ? undefined : node[part]), table);
}

/** The text for `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = lookup(tables[current], key) ?? lookup(tables.fr, key);
  if (text === undefined) {
    console.warn("missing text", key);
    return key;
  }
  if (Array.isArray(text)) return text;
  return String(text).replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
}

/** True when `key` has a text (used for optional texts, such as an error message per code). */
export function has(key) {
  return lookup(tables[current], key) !== undefined || lookup(tables.fr, key) !== undefined;
}

/** A `{fr, en}` text from the API, in the current language. */
export function pick(text) {
  if (text == null) return "";
  if (typeof text === "string") return text;
  return text[current] ?? text.fr ?? "";
}

/** A probability as a percentage, never rounded up to a certainty: 0.9996 reads 99.9 %, not 100 %. */
export function percent(value) {
  if (value > 0 && value < 0.01) return t("common.under_one_percent");
  const digits = value >= 0.99 ? 1 : 0;
  const scale = 10 ** (digits + 2);
  const shown = Math.min(Math.floor(value * scale), scale - 1) / scale;
  return new Intl.NumberFormat(current, { style: "percent", maximumFractionDigits: digits }).format(shown);
}

export function number(value, digits = 1) {
  return new Intl.NumberFormat(current, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

export function dateTime(date) {
  return new Intl.DateTimeFormat(current, { dateStyle: "long", timeStyle: "short" }).format(date);
}
