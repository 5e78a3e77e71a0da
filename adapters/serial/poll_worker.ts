/**
 * The worker that waits in `poll(2)` for a tty reader on Bun, whose FFI has no calls on other
 * threads (`tty_reader.ts`): each message is the `struct pollfd`s to wait on; it polls them,
 * blocking this worker's thread only, and answers with the count `poll` returned.
 *
 * @module
 */
import { libc } from "./libc.ts";

const c = libc();
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Uint8Array>) => void) | null;
  postMessage(message: number): void;
};
scope.onmessage = (event) => {
  scope.postMessage(c.poll(event.data, event.data.byteLength / 8, -1));
};
