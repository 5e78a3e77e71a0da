/**
 * The proxy plugin's engine, loaded by the plugin on a session's first http(s) request or first
 * call of a member that needs it (issue #24): the routing service (rules, bypass rules on
 * ipaddr.js, PAC), the router (proxies, tunnels, failover) and the net log's route events.
 *
 * @module
 */
export { ProxyService } from "./proxy_service.ts";
export { PROXY_USED, ProxyRouter } from "./_router.ts";
export { connected, failed, requestLog, resolveLogged } from "./net_log_route.ts";
export { PAC_FETCH_TIMEOUT, PAC_MAX_BYTES, readPacScript } from "./pac_fetch.ts";
