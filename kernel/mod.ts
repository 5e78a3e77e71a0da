/**
 * The websession kernel: sessions and partitions, the request pipeline, plugins and their
 * manifests, events, errors, and the adapter contracts. Nothing here is runtime-specific.
 * @example
 * ```ts
 * import { configure, session } from "./mod.ts";
 * import { MemoryStore } from "../adapters/store/memory.ts";
 * configure({ store: () => new MemoryStore() });
 * const ses = session.fromPartition("kernel-example");
 * ses.isPersistent(); // false
 * ```
 * @module
 */
export * from "./errors.ts";
export * from "./events.ts";
export * from "./manifest.ts";
export * from "./plugin.ts";
export { PluginHost, type PluginInfo } from "./plugin_host.ts";
export * from "./pipeline.ts";
export * from "./request.ts";
export * from "./session.ts";
export * from "./partitions.ts";
export * from "./store.ts";
export * from "./transport.ts";
export * from "./contracts.ts";
export * from "./net_log/sink.ts";
export type * from "./network/tunnel.ts";
export { splitHostPort } from "./network/host_port.ts";
export type * from "./network/host_resolver.ts";
export type * from "./storage/files.ts";
export { ELECTRON_STORAGES, storageClearing } from "./storage/clearing.ts";
export {
  admitRequest,
  type AuthScheme,
  defaultPort,
  type ExternalDecision,
  type ExternalRequest,
  externalRequest,
  HopRequest,
  httpLayer,
  NEVER_ABORTED,
  parseUrl,
  registerAuthScheme,
  RequestHeaders,
  toNetError,
} from "./http/mod.ts";
export { ClientRequest, IncomingMessage, net } from "./net/mod.ts";
export type {
  AuthInfo,
  ClientRequestOptions,
  Net,
  NetResolvedHost,
  NetResolveHostOptions,
  PipeDestination,
  UploadProgress,
  WriteCallback,
} from "./net/mod.ts";
export * from "./messaging/message_channel.ts";
export * from "./messaging/worker_ports.ts";
export * from "./messaging/port_stream.ts";
export * from "./messaging/plugin_signature.ts";
export * from "./messaging/plugin_loader.ts";
export type { CdpTransport } from "./cdp/transport.ts";
export { CDPClosedError, CDPError, type CdpErrorObject } from "./cdp/cdp_error.ts";
