/**
 * The PAC helper functions, as JavaScript source evaluated inside the sandbox before the PAC
 * script. It is a function expression taking the host bindings object `b` (never exposed as a
 * global): `b.dns(host, ex)`, `b.myIp(ex)`, `b.alert(text)`, `b.sortIps(list)`,
 * `b.inNetEx(ip, prefix)`, `b.isIPv6(text)`. Helpers are plain writable globals, so a PAC script
 * may redefine them as in browsers. Written for websession from the Netscape/Microsoft PAC
 * documentation and Chromium's observable behaviour.
 *
 * @module
 */

/** JavaScript source of the helper installer: `(function (b) { ... })`. */
export const PAC_LIBRARY_SOURCE: string = String.raw`(function (b) {
  var g = globalThis;
  var DAYS = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
  var MONTHS = { JAN: 0, FEB: 1, MAR: 2, APR: 3, MAY: 4, JUN: 5, JUL: 6, AUG: 7, SEP: 8,
    OCT: 9, NOV: 10, DEC: 11 };
  var own = Object.prototype.hasOwnProperty;
  function lookup(table, name) { return own.call(table, name) ? table[name] : -1; }
  var shCache = new Map();
  var DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

  function quadToInt(text) {
    var m = DOTTED.exec(text);
    if (m === null) return null;
    var n = 0;
    for (var i = 1; i <= 4; i++) {
      var part = +m[i];
      if (part > 255) return null;
      n = n * 256 + part;
    }
    return n;
  }

  g.isPlainHostName = function isPlainHostName(host) {
    if (typeof host !== "string") throw new TypeError("Requires 1 string parameter");
    return host.indexOf(".") < 0 && !b.isIPv6(host);
  };
  g.dnsDomainIs = function dnsDomainIs(host, domain) {
    host = String(host); domain = String(domain);
    return host.length >= domain.length &&
      host.substring(host.length - domain.length) === domain;
  };
  g.localHostOrDomainIs = function localHostOrDomainIs(host, hostdom) {
    host = String(host); hostdom = String(hostdom);
    return host === hostdom || hostdom.lastIndexOf(host + ".", 0) === 0;
  };
  g.dnsDomainLevels = function dnsDomainLevels(host) {
    return String(host).split(".").length - 1;
  };
  g.shExpMatch = function shExpMatch(str, pattern) {
    pattern = String(pattern);
    var re = shCache.get(pattern);
    if (re === undefined) {
      re = new RegExp("^" + pattern.replace(/\./g, "\\.").replace(/\*/g, ".*")
        .replace(/\?/g, ".") + "$");
      if (shCache.size > 256) shCache.clear();
      shCache.set(pattern, re);
    }
    return re.test(String(str));
  };
  g.dnsResolve = function dnsResolve(host) {
    if (typeof host !== "string") return null;
    var ip = b.dns(host, false);
    return ip === "" ? null : ip;
  };
  g.dnsResolveEx = function dnsResolveEx(host) {
    if (typeof host !== "string") return null;
    return b.dns(host, true);
  };
  g.isResolvable = function isResolvable(host) { return g.dnsResolve(host) !== null; };
  g.isResolvableEx = function isResolvableEx(host) {
    var r = g.dnsResolveEx(host);
    return typeof r === "string" && r !== "";
  };
  g.myIpAddress = function myIpAddress() {
    var ip = b.myIp(false);
    return ip === "" ? "127.0.0.1" : ip;
  };
  g.myIpAddressEx = function myIpAddressEx() { return b.myIp(true); };
  g.isInNet = function isInNet(host, pattern, mask) {
    var addr = String(host);
    if (!DOTTED.test(addr)) {
      addr = g.dnsResolve(host);
      if (addr === null) return false;
    }
    var a = quadToInt(addr), p = quadToInt(String(pattern)), m = quadToInt(String(mask));
    if (a === null || p === null || m === null) return false;
    return ((a & m) >>> 0) === ((p & m) >>> 0);
  };
  g.isInNetEx = function isInNetEx(ip, prefix) {
    if (typeof ip !== "string" || typeof prefix !== "string") return null;
    return b.inNetEx(ip, prefix);
  };
  g.sortIpAddressList = function sortIpAddressList(list) {
    if (typeof list !== "string") return null;
    return b.sortIps(list);
  };
  g.getClientVersion = function getClientVersion() { return "1.0"; };
  g.alert = function alert(message) { b.alert(String(message)); };

  g.weekdayRange = function weekdayRange() {
    var argc = arguments.length;
    if (argc < 1) return false;
    var now = new Date();
    var gmt = arguments[argc - 1] === "GMT";
    if (gmt) argc--;
    var today = gmt ? now.getUTCDay() : now.getDay();
    var from = lookup(DAYS, arguments[0]);
    var to = argc === 2 ? lookup(DAYS, arguments[1]) : from;
    if (from < 0 || to < 0) return false;
    return from <= to ? from <= today && today <= to : today >= from || today <= to;
  };

  // Moves the local fields of a date to the UTC ones, so local getters read UTC time.
  function shiftToUTC(d) {
    d.setFullYear(d.getUTCFullYear());
    d.setMonth(d.getUTCMonth());
    d.setDate(d.getUTCDate());
    d.setHours(d.getUTCHours());
    d.setMinutes(d.getUTCMinutes());
    d.setSeconds(d.getUTCSeconds());
  }
  function inRange(start, end, now) {
    return start <= end ? start <= now && now <= end : now <= end || now >= start;
  }

  g.dateRange = function dateRange() {
    var argc = arguments.length;
    if (argc < 1) return false;
    var now = new Date();
    var gmt = arguments[argc - 1] === "GMT";
    if (gmt) argc--;
    if (argc === 1) {
      var only = parseInt(arguments[0]);
      if (isNaN(only)) {
        return (gmt ? now.getUTCMonth() : now.getMonth()) === lookup(MONTHS, arguments[0]);
      }
      if (only < 32) return (gmt ? now.getUTCDate() : now.getDate()) === only;
      return (gmt ? now.getUTCFullYear() : now.getFullYear()) === only;
    }
    // Each half of the arguments narrows one bound, which starts as the year's first or last
    // second; a day given alone (two arguments) keeps both bounds in the current month.
    var year = now.getFullYear();
    var start = new Date(year, 0, 1, 0, 0, 0);
    var end = new Date(year, 11, 31, 23, 59, 59);
    var half = argc >> 1;
    var sameMonth = false;
    for (var i = 0; i < argc; i++) {
      var bound = i < half ? start : end;
      var value = parseInt(arguments[i]);
      if (isNaN(value)) bound.setMonth(lookup(MONTHS, arguments[i]));
      else if (value < 32) {
        if (i < half) sameMonth = argc <= 2;
        bound.setDate(value);
      } else bound.setFullYear(value);
    }
    if (sameMonth) {
      start.setMonth(now.getMonth());
      end.setMonth(now.getMonth());
    }
    if (gmt) shiftToUTC(now);
    return inRange(start, end, now);
  };

  g.timeRange = function timeRange() {
    var argc = arguments.length;
    if (argc < 1) return false;
    var now = new Date();
    var gmt = arguments[argc - 1] === "GMT";
    if (gmt) argc--;
    var hour = gmt ? now.getUTCHours() : now.getHours();
    if (argc === 1) return hour == arguments[0];
    if (argc === 2) return arguments[0] <= hour && hour <= arguments[1];
    if (argc !== 4 && argc !== 6) throw "timeRange: bad number of arguments";
    if (gmt) shiftToUTC(now);
    var start = new Date(now.getTime());
    var end = new Date(now.getTime());
    var half = argc >> 1;
    if (argc === 6) {
      start.setSeconds(arguments[2]);
      end.setSeconds(arguments[5]);
    }
    start.setHours(arguments[0]);
    start.setMinutes(arguments[1]);
    end.setHours(arguments[half]);
    end.setMinutes(arguments[half + 1]);
    if (argc === 4) end.setSeconds(59);
    return inRange(start, end, now);
  };
})`;
