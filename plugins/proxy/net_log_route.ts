/**
 * A request's route in the net log, as Chromium logs it while the net log records: the
 * `URL_REQUEST` waits in `HTTP_STREAM_REQUEST`, bound (`HTTP_STREAM_JOB_CONTROLLER_BOUND`) to an
 * `HTTP_STREAM_JOB_CONTROLLER` source that resolves the proxy (`PROXY_RESOLUTION_SERVICE`, the
 * resolved list in PAC form) and gets the connect job and socket of a tunnel
 * (`SOCKET_POOL_BOUND_TO_CONNECT_JOB`, `SOCKET_POOL_BOUND_TO_SOCKET`); once the connection is
 * there both end and the request's send events follow.
 *
 * @module
 */
import { NET_LOG_SINK, type NetLogSink } from "../../kernel/net_log/sink.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { listText, netErrorNumber, type ProxyService } from "./proxy_service.ts";
import type { ProxyChain } from "./proxy_server.ts";

const CONTROLLER = Symbol("proxy: the request's stream job controller in the net log");

/** The request's net log sink, while a log records. */
export function requestLog(request: PipelineRequest): NetLogSink | undefined {
  return request.data.get(NET_LOG_SINK) as NetLogSink | undefined;
}

/** Where a request's socket pool events go: its job controller (else the request). */
export function poolLog(request: PipelineRequest): NetLogSink | undefined {
  return (request.data.get(CONTROLLER) as NetLogSink | undefined) ?? requestLog(request);
}

/**
 * The proxy list of a request, logged on a new job controller source: synchronous when the
 * service answers at once (fixed rules, DIRECT), so that logging adds no promise to the route.
 */
export function resolveLogged(
  service: ProxyService,
  request: PipelineRequest,
  log: NetLogSink,
): ProxyChain[] | Promise<ProxyChain[]> {
  log.begin("HTTP_STREAM_REQUEST");
  const controller = log.source("HTTP_STREAM_JOB_CONTROLLER");
  request.data.set(CONTROLLER, controller);
  log.event("HTTP_STREAM_JOB_CONTROLLER_BOUND", { source_dependency: controller.ref });
  controller.begin("HTTP_STREAM_JOB_CONTROLLER", {
    is_preconnect: false,
    private_mode: false,
    url: request.url,
  });
  controller.begin("PROXY_RESOLUTION_SERVICE");
  let pending: ProxyChain[] | Promise<ProxyChain[]>;
  try {
    pending = service.listFor(request.url, request);
  } catch (error) {
    failed(request, error);
    throw error;
  }
  if (!(pending instanceof Promise)) return resolved(controller, pending);
  return pending.then((list) => resolved(controller, list), (error) => {
    failed(request, error);
    throw error;
  });
}

function resolved(controller: NetLogSink, list: ProxyChain[]): ProxyChain[] {
  controller.event("PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST", { pac_string: listText(list) });
  controller.end("PROXY_RESOLUTION_SERVICE");
  return list;
}

/** The connection is there: the controller and the stream request end, the send follows. */
export function connected(request: PipelineRequest): void {
  const log = requestLog(request);
  if (log === undefined) return;
  const controller = request.data.get(CONTROLLER) as NetLogSink | undefined;
  if (controller !== undefined) {
    request.data.delete(CONTROLLER);
    controller.end("HTTP_STREAM_JOB_CONTROLLER");
    log.end("HTTP_STREAM_REQUEST");
  }
  log.sending();
}

/** The route failed: whatever the controller has open ends with the error. */
export function failed(request: PipelineRequest, error: unknown): void {
  const controller = request.data.get(CONTROLLER) as NetLogSink | undefined;
  if (controller === undefined) return;
  request.data.delete(CONTROLLER);
  const params = { net_error: netErrorNumber(error) };
  controller.end("PROXY_RESOLUTION_SERVICE", params);
  controller.end("HTTP_STREAM_JOB_CONTROLLER", params);
}
