/**
 * The cookie-date algorithm of RFC 6265bis §5.1.1: the lenient date parser every browser uses for
 * the `Expires` attribute.
 *
 * @module
 */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function isDelimiter(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) ||
    (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Reads 1..max leading digits, then requires a non-digit or the end; -1 when it does not match. */
function leadingNumber(token: string, start: number, min: number, max: number): [number, number] {
  let i = start;
  let n = 0;
  while (i < token.length && isDigit(token.charCodeAt(i)) && i - start < max) {
    n = n * 10 + token.charCodeAt(i) - 0x30;
    i++;
  }
  const count = i - start;
  if (count < min) return [-1, i];
  if (i < token.length && isDigit(token.charCodeAt(i))) return [-1, i];
  return [n, i];
}

function parseTime(token: string): [number, number, number] | null {
  const [h, i1] = leadingNumber(token, 0, 1, 2);
  if (h < 0 || token.charCodeAt(i1) !== 0x3a) return null;
  const [m, i2] = leadingNumber(token, i1 + 1, 1, 2);
  if (m < 0 || token.charCodeAt(i2) !== 0x3a) return null;
  const [s, i3] = leadingNumber(token, i2 + 1, 1, 2);
  // Chromium reads the time token whole (`00:00:00zz` is no time)
  if (s < 0 || i3 !== token.length) return null;
  return [h, m, s];
}

/**
 * Parses a cookie date (RFC 6265bis §5.1.1) and returns milliseconds since the epoch, or null when
 * the string is not a cookie date.
 *
 * @example
 * ```ts
 * parseCookieDate("Wed, 09 Jun 2021 10:18:14 GMT"); // 1623233894000
 * parseCookieDate("not a date"); // null
 * ```
 */
export function parseCookieDate(input: string): number | null {
  let time: [number, number, number] | null = null;
  let day = -1;
  let month = -1;
  let year = -1;
  let i = 0;
  const len = input.length;
  while (i < len) {
    while (i < len && isDelimiter(input.charCodeAt(i))) i++;
    const start = i;
    while (i < len && !isDelimiter(input.charCodeAt(i))) i++;
    if (i === start) break;
    const token = input.slice(start, i);
    if (time === null) {
      const t = parseTime(token);
      if (t) {
        time = t;
        continue;
      }
    }
    if (day < 0) {
      const [d] = leadingNumber(token, 0, 1, 2);
      if (d >= 0) {
        day = d;
        continue;
      }
    }
    if (month < 0 && token.length >= 3) {
      const m = MONTHS.indexOf(token.slice(0, 3).toLowerCase());
      if (m >= 0) {
        month = m;
        continue;
      }
    }
    if (year < 0) {
      const [y] = leadingNumber(token, 0, 2, 5); // Chromium takes 5-digit years
      if (y >= 0) {
        year = y;
        continue;
      }
    }
  }
  if (time === null || day < 0 || month < 0 || year < 0) return null;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  if (day < 1 || day > 31 || time[0] > 23 || time[1] > 59 || time[2] > 59) return null;
  // Chromium clamps a year before 1601 to 1601 (a date in the past, so the cookie expires).
  if (year < 1601) year = 1601;
  const ms = Date.UTC(year, month, day, time[0], time[1], time[2]);
  // A day past the end of its month (30 February) is not a date.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms;
}
