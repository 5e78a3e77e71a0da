/**
 * The serial adapter of pages: the browser's Web Serial (`navigator.serial`) where it exists, or
 * any object of the same shape, such as web-serial-polyfill's `serial` (Web Serial over WebUSB
 * CDC-ACM devices) where it does not. The ports listed are the ones the browser already lets the
 * page use (`getPorts()`: the browser's own permission comes first; websession's picker and
 * permission handlers come on top of it).
 *
 * @example
 * ```ts ignore
 * import { serial as polyfill } from "web-serial-polyfill";
 * const adapter = webSerialAdapter(() => navigator.serial ?? polyfill);
 * const [port] = await adapter.list();
 * ```
 *
 * @module
 */
import type {
  SerialAdapter,
  SerialConnection,
  SerialInputSignals,
  SerialLineSettings,
  SerialOutputSignals,
  SerialPortDescriptor,
} from "../../kernel/devices/serial.ts";

/** The part of a Web Serial `SerialPort` the adapter uses. */
export interface WebSerialPortLike {
  /** Opens the port. */
  open(options: SerialLineSettings & { bufferSize?: number }): Promise<void>;
  /** Closes the port. */
  close(): Promise<void>;
  /** Bytes from the device while open. */
  readonly readable: ReadableStream<Uint8Array> | null;
  /** Bytes to the device while open. */
  readonly writable: WritableStream<Uint8Array> | null;
  /** USB ids, when the port is a USB device. */
  getInfo(): { usbVendorId?: number; usbProductId?: number };
  /** Sets output lines (the polyfill has no `getSignals`). */
  setSignals?(signals: SerialOutputSignals): Promise<void>;
  /** Reads input lines. */
  getSignals?(): Promise<SerialInputSignals>;
}

/** The part of Web Serial's `Serial` (`navigator.serial`) the adapter uses. */
export interface WebSerialLike {
  /** The ports the page may use. */
  getPorts(): Promise<WebSerialPortLike[]>;
}

const RECOVERABLE = new Set(["ParityError", "FramingError", "BufferOverrunError", "BreakError"]);

/** How many bytes the browser's streams buffer (Web Serial's default is 255). */
const BROWSER_BUFFER = 64 * 1024;

class WebSerialConnection implements SerialConnection {
  #port: WebSerialPortLike;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  #leftover: Uint8Array | null = null;
  #closed = false;
  #name: string;

  constructor(port: WebSerialPortLike, name: string) {
    this.#port = port;
    this.#name = name;
  }

  async read(buffer: Uint8Array): Promise<number> {
    if (this.#closed) throw new Error(`${this.#name} is closed`);
    let chunk = this.#leftover;
    this.#leftover = null;
    if (!chunk) {
      const readable = this.#port.readable;
      if (!readable && !this.#reader) return 0; // the browser says the device is gone
      this.#reader ??= readable!.getReader();
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await this.#reader.read();
      } catch (error) {
        if (this.#closed) throw new Error(`${this.#name} is closed`);
        this.#reader = null;
        // Parity, framing, overrun and break errors leave the port usable (Web Serial makes a
        // new readable); anything else (NetworkError; the polyfill's stringified USB error) is a
        // lost device.
        if (RECOVERABLE.has((error as { name?: string })?.name ?? "")) throw error;
        return 0;
      }
      if (result.done) {
        if (this.#closed) throw new Error(`${this.#name} is closed`);
        return 0;
      }
      chunk = result.value;
    }
    const count = Math.min(chunk.byteLength, buffer.byteLength);
    buffer.set(chunk.subarray(0, count));
    if (count < chunk.byteLength) this.#leftover = chunk.subarray(count);
    return count;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) throw new Error(`${this.#name} is closed`);
    const writable = this.#port.writable;
    if (!writable && !this.#writer) throw new Error(`${this.#name}: the device has been lost`);
    this.#writer ??= writable!.getWriter();
    await this.#writer.write(bytes);
  }

  async setSignals(signals: SerialOutputSignals): Promise<void> {
    if (!this.#port.setSignals) throw new Error(`${this.#name} cannot set signals`);
    await this.#port.setSignals(signals);
  }

  async getSignals(): Promise<SerialInputSignals> {
    if (!this.#port.getSignals) {
      throw new Error(`${this.#name} cannot read signals (web-serial-polyfill has no getSignals)`);
    }
    return await this.#port.getSignals();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([this.#reader?.cancel(), this.#writer?.close()]);
    this.#reader?.releaseLock();
    this.#writer?.releaseLock();
    await this.#port.close().catch(() => {});
  }
}

/**
 * Makes the adapter over `serial()` (asked on each use, so a page may install a polyfill later).
 * Ports are named `web-serial:N` in the order the browser first listed them; the same port keeps
 * its name for the page's lifetime.
 *
 * @example
 * ```ts
 * const adapter = webSerialAdapter(() => ({ getPorts: () => Promise.resolve([]) }));
 * adapter.name; // "web-serial"
 * ```
 */
export function webSerialAdapter(serial: () => WebSerialLike | undefined): SerialAdapter {
  const names = new Map<WebSerialPortLike, string>();
  const byName = new Map<string, WebSerialPortLike>();
  const api = (): WebSerialLike => {
    const found = serial();
    if (!found) throw new Error("This browser has neither Web Serial nor WebUSB");
    return found;
  };
  return {
    name: "web-serial",
    async list() {
      const ports = await api().getPorts();
      const descriptors: SerialPortDescriptor[] = [];
      for (const port of ports) {
        let name = names.get(port);
        if (!name) {
          name = `web-serial:${names.size}`;
          names.set(port, name);
          byName.set(name, port);
        }
        const info = port.getInfo();
        descriptors.push({
          path: name,
          displayName: name,
          ...(info.usbVendorId !== undefined ? { usbVendorId: info.usbVendorId } : {}),
          ...(info.usbProductId !== undefined ? { usbProductId: info.usbProductId } : {}),
        });
      }
      return descriptors;
    },
    async open(path, settings) {
      const port = byName.get(path);
      if (!port) throw new Error(`${path} is not a port this page may use`);
      await port.open({ ...settings, bufferSize: BROWSER_BUFFER });
      return new WebSerialConnection(port, path);
    },
  };
}
