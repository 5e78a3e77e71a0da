/**
 * The benchmarks' page server (`_page_server.ts`, 20 subresources) in a process of its own: prints
 * its port on stdout, then serves until killed (for `_relay_cpu.ts`).
 *
 * @module
 */
import { startPageServer } from "./_page_server.ts";

const { origin } = await startPageServer(20);
console.log(new URL(origin).port);
