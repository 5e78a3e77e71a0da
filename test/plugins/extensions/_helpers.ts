/**
 * Shared parts of the extensions tests: the fixture extensions (test/fixtures/extensions), a
 * local server that echoes what it received, fresh sessions, and driving an extension's
 * `chrome.*` from the session through its `runtime.onMessage` (the fixtures' rpc.js).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { type DefaultSession, session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";

/** The folder of a fixture extension. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/extensions/${name}`, import.meta.url));
}

/** A server answering with the path and request headers it saw, as JSON. */
export function echoServer(): Promise<TestServer> {
  return serve((request) => {
    const url = new URL(request.url);
    const body = JSON.stringify({
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
    });
    const headers: Record<string, string> = { "content-type": "application/json" };
    const cookie = url.searchParams.get("set-cookie");
    if (cookie) headers["set-cookie"] = cookie;
    return new Response(body, { headers });
  });
}

let count = 0;
const opened: string[] = [];

/** A new in-memory session of the default preset, with its hook errors collected. */
export async function freshSession(
  name = `extensions-test-${++count}-${Date.now()}`,
): Promise<{ ses: DefaultSession; errors: Error[] }> {
  const ses = session.fromPartition(name);
  const errors: Error[] = [];
  ses.on("hook-error", (_event, error) => errors.push(error as Error));
  await ses.ready;
  opened.push(name);
  return { ses, errors };
}

/** Closes every session {@linkcode freshSession} made. */
export async function closeSessions(): Promise<void> {
  for (const name of opened.splice(0)) await session.closePartition(name);
}

/**
 * What `chrome.<call>(...args)` did in the extension's background ({@linkcode RPC_WORKER}): its
 * `value`, the `error` its promise rejected with, or the error it `thrown` at the call (as
 * `"<name>: <message>"`).
 */
export async function askChrome(
  ses: DefaultSession,
  id: string,
  call: string,
  ...args: unknown[]
): Promise<{ value?: unknown; error?: string; thrown?: string }> {
  return await ses.extensions.sendMessage(id, { call, args }) as {
    value?: unknown;
    error?: string;
    thrown?: string;
  };
}

/** Calls `chrome.<call>(...args)` in the extension's background; rejects with its error. */
export async function callChrome(
  ses: DefaultSession,
  id: string,
  call: string,
  ...args: unknown[]
): Promise<unknown> {
  const answer = await askChrome(ses, id, call, ...args);
  if (answer && typeof answer.error === "string") throw new Error(answer.error);
  return answer?.value;
}

/** Waits until `check` returns something truthy (at most `ms`). */
export async function until<T>(check: () => T | Promise<T>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The JSON the echo server answered. */
export async function echoed(
  ses: DefaultSession,
  url: string,
): Promise<{ path: string; headers: Record<string, string> }> {
  const response = await ses.fetch(url);
  return await response.json();
}

const written: string[] = [];

/**
 * A worker.js for a test extension that lets the test drive `chrome.*`: `{ call, args }` answers
 * `{ value }` or `{ error }` (promise form, or `{ thrown }` for an error thrown at the call), and
 * `{ callback, args }` calls with a trailing callback and answers `{ value, lastError }`. The
 * argument at each index of `undefinedAt` is `undefined` (which a message cannot carry).
 */
export const RPC_WORKER = `
const at = (name) => {
  const path = name.split(".");
  const method = path.pop();
  return [path.reduce((object, key) => object[key], chrome), method];
};
chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  if (!message || (typeof message.call !== "string" && typeof message.callback !== "string")) return;
  const [target, method] = at(message.call ?? message.callback);
  for (const index of message.undefinedAt ?? []) message.args[index] = undefined;
  let result;
  try {
    if (message.callback) {
      target[method](...(message.args ?? []), (value) =>
        respond({ value, lastError: chrome.runtime.lastError?.message ?? null }));
      return true;
    }
    result = target[method](...(message.args ?? []));
  } catch (error) {
    respond({ thrown: error.name + ": " + error.message });
    return;
  }
  Promise.resolve(result).then((value) => respond({ value }), (error) => respond({ error: error.message }));
  return true;
});
`;

/** Writes an extension folder (manifest and files) into a new temporary folder; returns its path. */
export async function writeExtension(
  manifest: Record<string, unknown>,
  files: Record<string, string> = { "worker.js": RPC_WORKER },
): Promise<string> {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(`${tmpdir()}/websession-extension-`);
  writeFileSync(`${dir}/manifest.json`, JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(`${dir}/${name}`, text);
  written.push(dir);
  return dir;
}

/** Removes every folder {@linkcode writeExtension} wrote. */
export async function removeWrittenExtensions(): Promise<void> {
  const { rmSync } = await import("node:fs");
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Closes the sessions and removes the folders the tests made (an `after` hook). */
export async function cleanUp(): Promise<void> {
  await closeSessions();
  await removeWrittenExtensions();
}

/** A fresh session with an extension {@linkcode writeExtension} wrote loaded into it. */
export async function loadWritten(
  manifest: Record<string, unknown>,
  files?: Record<string, string>,
): Promise<{ ses: DefaultSession; id: string; errors: Error[] }> {
  const { ses, errors } = await freshSession();
  const { id } = await ses.loadExtension(await writeExtension(manifest, files));
  return { ses, id, errors };
}
