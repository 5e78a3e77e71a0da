/**
 * `deno task start`: parses the command line and runs the session server until SIGINT/SIGTERM.
 *
 * ```
 * deno task start [--port 8787] [--host 127.0.0.1] [--rules rules.json] [--token-ttl 86400]
 *                 [--net-log net-log.jsonl]
 * ```
 *
 * @module
 */
import process from "node:process";
import { getConfig } from "../../mod.ts";
import { startServer } from "./server.ts";

/** The options the command line gives. */
export interface CliOptions {
  /** Port. */
  port: number;
  /** Host. */
  host: string;
  /** Rules file. */
  rulesFile?: string;
  /** Token lifetime in seconds. */
  tokenTtl: number;
  /** Net log file. */
  netLog?: string;
}

/**
 * Parses the arguments; throws a TypeError naming a bad or unknown option.
 *
 * @example
 * ```ts
 * parseArgs(["--port", "9000"]).port; // 9000
 * ```
 */
export function parseArgs(args: string[]): CliOptions {
  const options: CliOptions = { port: 8787, host: "127.0.0.1", tokenTtl: 86400 };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new TypeError(`${flag} needs a value`);
      return v;
    };
    const number = (name: string, min: number, max: number) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new TypeError(`${name} must be an integer from ${min} to ${max}`);
      }
      return n;
    };
    if (flag === "--port") options.port = number("--port", 0, 65535);
    else if (flag === "--host") options.host = value();
    else if (flag === "--rules") options.rulesFile = value();
    else if (flag === "--net-log") options.netLog = value();
    else if (flag === "--token-ttl") options.tokenTtl = number("--token-ttl", 0, 10 * 365 * 86400);
    else {throw new TypeError(
        `Unknown option ${flag} (options: --port, --host, --rules, --token-ttl, --net-log)`,
      );}
  }
  return options;
}

if (import.meta.main) {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`websession: ${(error as Error).message}`);
    process.exit(2);
  }
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(options.host)) {
    console.warn(
      `websession: WARNING: listening on ${options.host}, reachable beyond this machine; proxy clients from other addresses must send the token as Proxy-Authorization`,
    );
  }
  const server = await startServer(options);
  console.log(`websession session server
  proxy:   ${server.proxyUrl}   (curl -x ${server.proxyUrl} http://example.com/)
  api:     ${server.apiUrl}   (Authorization: Bearer <token>)
  token:   ${server.token}
  storage: ${getConfig().storagePath}`);
  console.log(
    `WEBSESSION_READY ${JSON.stringify({ proxy: server.proxyUrl, token: server.token })}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`websession: ${signal}, finishing requests in flight and flushing the store`);
    await server.close();
    console.log("websession: stopped");
    process.exit(0);
  };
  const deno = (globalThis as {
    Deno?: { addSignalListener(signal: string, fn: () => void): void };
  }).Deno;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    if (deno) deno.addSignalListener(signal, () => void stop(signal));
    else process.on(signal, () => void stop(signal));
  }
}
