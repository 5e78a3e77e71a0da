/**
 * The websession kernel: sessions and partitions, the request pipeline, plugins and their
 * manifests, events, errors, and the adapter contracts. Nothing here is runtime-specific.
 *
 * @example
 * ```ts
 * import { configure, session } from "./mod.ts";
 * import { MemoryStore } from "../adapters/store/memory.ts";
 * configure({ store: () => new MemoryStore() });
 * const ses = session.fromPartition("kernel-example");
 * ses.isPersistent(); // false
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./events.ts";
export * from "./manifest.ts";
export * from "./plugin.ts";
export * from "./plugin_host.ts";
export * from "./pipeline.ts";
export * from "./pipeline_types.ts";
export * from "./stages.ts";
export * from "./url_parts.ts";
export * from "./request.ts";
export * from "./runtime.ts";
export * from "./session.ts";
export * from "./partitions.ts";
export * from "./store.ts";
export * from "./transport.ts";
export * from "./storage_clearing.ts";
export * from "./files.ts";
export type { SessionFetchInit } from "./_fetch_input.ts";
export type { IgnoredAction } from "./_merge.ts";
export { registerAuthScheme } from "./_auth.ts";
export type { AuthScheme } from "./_auth.ts";
export { ClientRequest, IncomingMessage, net, NodeEmitter } from "./net/mod.ts";
export type {
  AuthInfo,
  ClientRequestOptions,
  ListenerEntry,
  Net,
  NodeListener,
  UploadProgress,
  WriteCallback,
} from "./net/mod.ts";
export * from "./messaging/message_channel.ts";
export * from "./messaging/worker_ports.ts";
export * from "./messaging/port_stream.ts";
export * from "./isolation.ts";
export type { PluginLoader } from "./plugin_loading.ts";
export * from "./messaging/plugin_signature.ts";
export * from "./messaging/plugin_loader.ts";
export type { CdpTransport } from "./cdp/transport.ts";
export { CDPClosedError, CDPError, type CdpErrorObject } from "./cdp/cdp_error.ts";
