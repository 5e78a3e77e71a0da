/**
 * Run in a fresh process by `entries_test.ts`: imports one module (an entry, or the kernel's `net`
 * alone), sends a GET to a local server through the default session, and prints the status and
 * body, or the error's code and message.
 *
 * Arguments: the module's file URL, the URL to fetch.
 *
 * @module
 */
import process from "node:process";

const [entry, target] = process.argv.slice(2);
const imported = await import(entry);
try {
  const fetchDefault: (url: string) => Promise<Response> = "net" in imported
    ? (url) => imported.net.fetch(url)
    : async (url) => {
      const { session } = await import("../../kernel/partitions.ts");
      return session.defaultSession.fetch(url);
    };
  const response = await fetchDefault(target);
  console.log(`${response.status} ${await response.text()}`);
} catch (error) {
  const e = error as { code?: string; message?: string };
  console.log(`${e.code ?? "error"} ${e.message}`);
}
process.exit(0);
