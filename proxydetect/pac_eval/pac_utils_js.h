// The PAC functions written in JavaScript, evaluated before the PAC script.
// Natives provided by pac_runtime.cpp: alert, dnsResolve, dnsResolveEx,
// myIpAddress, myIpAddressEx, isInNetEx, sortIpAddressList, __ipFamily,
// __now (ms since the epoch; pinned in tests).
#pragma once

namespace pac {

inline const char* const kPacUtils = R"JS(
function isPlainHostName(host) {
  return host.indexOf('.') < 0 && host.indexOf(':') < 0;
}
function dnsDomainIs(host, domain) {
  host = String(host).toLowerCase(); domain = String(domain).toLowerCase();
  return host.length >= domain.length &&
         host.substring(host.length - domain.length) == domain;
}
function localHostOrDomainIs(host, hostdom) {
  host = String(host).toLowerCase(); hostdom = String(hostdom).toLowerCase();
  return host == hostdom || hostdom.lastIndexOf(host + '.', 0) == 0;
}
function isResolvable(host) { return dnsResolve(host) !== null; }
function isResolvableEx(host) { return dnsResolveEx(host) !== ''; }
function dnsDomainLevels(host) { return String(host).split('.').length - 1; }
function __addr4(a) {
  var p = a.split('.');
  return ((((+p[0]) * 256 + (+p[1])) * 256 + (+p[2])) * 256 + (+p[3]));
}
function isInNet(ipaddr, pattern, maskstr) {
  if (__ipFamily(pattern) != 4 || __ipFamily(maskstr) != 4) return false;
  if (__ipFamily(ipaddr) != 4) {
    ipaddr = dnsResolve(ipaddr);
    if (ipaddr === null) return false;
  }
  var h = __addr4(ipaddr), p = __addr4(pattern), m = __addr4(maskstr);
  /* & on numbers above 2^31 is signed in JS: compare per byte instead. */
  for (var shift = 16777216; shift >= 1; shift /= 256) {
    var hb = Math.floor(h / shift) % 256, pb = Math.floor(p / shift) % 256,
        mb = Math.floor(m / shift) % 256;
    if ((hb & mb) != (pb & mb)) return false;
  }
  return true;
}
function shExpMatch(str, shexp) {
  var re = String(shexp).replace(/[.+^${}()|[\]\\\/]/g, '\\$&')
                        .replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp('^' + re + '$').test(String(str));
}
function getClientVersion() { return '1.0'; }

var __days = {SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6};
var __months = {JAN: 0, FEB: 1, MAR: 2, APR: 3, MAY: 4, JUN: 5,
                JUL: 6, AUG: 7, SEP: 8, OCT: 9, NOV: 10, DEC: 11};
/* Splits off a trailing "GMT" and returns the date fields to compare. */
function __clock(args) {
  var a = Array.prototype.slice.call(args), gmt = a.length > 0 && a[a.length - 1] == 'GMT';
  if (gmt) a.pop();
  var d = new Date(__now());
  return {args: a,
    year: gmt ? d.getUTCFullYear() : d.getFullYear(), month: gmt ? d.getUTCMonth() : d.getMonth(),
    day: gmt ? d.getUTCDate() : d.getDate(), wday: gmt ? d.getUTCDay() : d.getDay(),
    secs: gmt ? d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds()
              : d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds()};
}
/* lo..hi inclusive; lo > hi wraps around (FRI..MON, DEC..JAN, 22..6). */
function __inRange(v, lo, hi) { return lo <= hi ? (lo <= v && v <= hi) : (v >= lo || v <= hi); }
function weekdayRange() {
  var c = __clock(arguments), a = c.args;
  if (a.length < 1 || a.length > 2) return false;
  var lo = __days[a[0]], hi = a.length == 2 ? __days[a[1]] : lo;
  if (lo === undefined || hi === undefined) return false;
  return __inRange(c.wday, lo, hi);
}
/* dateRange: each half of the arguments is [day] [month] [year]. */
function __dateKey(parts, c) {
  var k = {year: null, month: null, day: null};
  for (var i = 0; i < parts.length; i++) {
    var v = parts[i];
    if (typeof v == 'string' && __months[v] !== undefined) k.month = __months[v];
    else if (+v >= 1 && +v <= 31) k.day = +v;
    else if (+v > 31) k.year = +v;
    else return null;
  }
  return k;
}
function __keyValue(k, mask, year, month, day) {
  return (mask.year ? year : 0) * 10000 + (mask.month ? month : 0) * 100 + (mask.day ? day : 0);
}
function dateRange() {
  var c = __clock(arguments), a = c.args, n = a.length;
  if (n != 1 && n != 2 && n != 4 && n != 6) return false;
  var half = n == 1 ? 1 : n / 2;
  var k1 = __dateKey(a.slice(0, half), c), k2 = n == 1 ? k1 : __dateKey(a.slice(half), c);
  if (!k1 || !k2) return false;
  var mask = {year: k1.year !== null, month: k1.month !== null, day: k1.day !== null};
  if (mask.year != (k2.year !== null) || mask.month != (k2.month !== null) || mask.day != (k2.day !== null))
    return false;
  var lo = __keyValue(k1, mask, k1.year, k1.month, k1.day);
  var hi = __keyValue(k2, mask, k2.year, k2.month, k2.day);
  var now = __keyValue(null, mask, c.year, c.month, c.day);
  return mask.year ? (lo <= now && now <= hi) : __inRange(now, lo, hi);
}
/* timeRange(h), (h1, h2), (h1, m1, h2, m2), (h1, m1, s1, h2, m2, s2).
   The end is exclusive: timeRange(9, 17) is 09:00:00 to 16:59:59. */
function timeRange() {
  var c = __clock(arguments), a = c.args.map(Number), n = a.length;
  if (n == 1) return Math.floor(c.secs / 3600) == a[0];
  var lo, hi;
  if (n == 2) { lo = a[0] * 3600; hi = a[1] * 3600; }
  else if (n == 4) { lo = a[0] * 3600 + a[1] * 60; hi = a[2] * 3600 + a[3] * 60; }
  else if (n == 6) { lo = a[0] * 3600 + a[1] * 60 + a[2]; hi = a[3] * 3600 + a[4] * 60 + a[5]; }
  else return false;
  if (isNaN(lo) || isNaN(hi)) return false;
  return __inRange(c.secs, lo, hi - 1);
}
)JS";

}  // namespace pac
