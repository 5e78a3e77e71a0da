/**
 * Web Serial's `SerialPort` over a serial adapter's connection: `open(options)` with Chrome's
 * checks and messages, `readable`/`writable` Web streams sized by `bufferSize` (reads are pulled
 * only while the stream's queue has room, writes wait for the device), `setSignals`, `getSignals`,
 * `getInfo`, `close` and `forget`.
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

/** Web Serial's `SerialOptions`. */
export interface SerialOptions {
  /** Bits per second (required, above zero). */
  baudRate: number;
  /** 7 or 8 (default 8). */
  dataBits?: number;
  /** 1 or 2 (default 1). */
  stopBits?: number;
  /** Default `none`. */
  parity?: "none" | "even" | "odd";
  /** Bytes the streams buffer (default 255, at most 16 MiB). */
  bufferSize?: number;
  /** Default `none`. */
  flowControl?: "none" | "hardware";
}

/** Web Serial's `SerialPortInfo`. */
export interface SerialPortInfo {
  /** The USB vendor id, for USB ports. */
  usbVendorId?: number;
  /** The USB product id, for USB ports. */
  usbProductId?: number;
}

/** The largest `bufferSize` Chrome accepts. */
export const MAX_BUFFER_SIZE = 16 * 1024 * 1024;

const PARITY = ["none", "even", "odd"];
const FLOW = ["none", "hardware"];

function openError(message: string): TypeError {
  return new TypeError(`Failed to execute 'open' on 'SerialPort': ${message}`);
}

function enumValue(value: unknown, allowed: string[], type: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw openError(
      `The provided value '${String(value)}' is not a valid enum value of type ${type}.`,
    );
  }
  return value;
}

/** Validates `open()`'s options as Chrome does; returns the line settings and the buffer size. */
export function parseSerialOptions(options: unknown): [SerialLineSettings, number] {
  if (options === null || typeof options !== "object") {
    throw openError("parameter 1 is not of type 'SerialOptions'.");
  }
  const o = options as Record<string, unknown>;
  if (o.baudRate === undefined) {
    throw openError(
      "Failed to read the 'baudRate' property from 'SerialOptions': Required member is undefined.",
    );
  }
  const baudRate = Number(o.baudRate);
  if (!Number.isFinite(baudRate) || Math.trunc(baudRate) <= 0) {
    throw openError("Requested baud rate must be greater than zero.");
  }
  const dataBits = o.dataBits === undefined ? 8 : Number(o.dataBits);
  if (dataBits !== 7 && dataBits !== 8) {
    throw openError("Requested number of data bits must be 7 or 8.");
  }
  const stopBits = o.stopBits === undefined ? 1 : Number(o.stopBits);
  if (stopBits !== 1 && stopBits !== 2) {
    throw openError("Requested number of stop bits must be 1 or 2.");
  }
  const bufferSize = o.bufferSize === undefined ? 255 : Math.trunc(Number(o.bufferSize));
  if (!(bufferSize > 0)) throw openError("Requested buffer size must be greater than zero.");
  if (bufferSize > MAX_BUFFER_SIZE) {
    throw openError(
      `Requested buffer size (${bufferSize} bytes) is greater than the maximum allowed (${MAX_BUFFER_SIZE} bytes).`,
    );
  }
  const parity = enumValue(o.parity, PARITY, "ParityType", "none");
  const flowControl = enumValue(o.flowControl, FLOW, "FlowControlType", "none");
  return [{
    baudRate: Math.trunc(baudRate),
    dataBits,
    stopBits,
    parity: parity as SerialLineSettings["parity"],
    flowControl: flowControl as SerialLineSettings["flowControl"],
  }, bufferSize];
}

function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError("Chunk must be an ArrayBuffer or ArrayBufferView.");
}

const lost = () => new DOMException("The device has been lost.", "NetworkError");

/**
 * A serial port (Web Serial's `SerialPort`). Made by `ses.serial.requestPort()` and
 * `ses.serial.getPorts()`; `forget()` calls back into the serial plugin.
 *
 * @example
 * ```ts ignore
 * const port = await ses.serial.requestPort();
 * await port.open({ baudRate: 115200 });
 * const writer = port.writable!.getWriter();
 * await writer.write(new TextEncoder().encode("hello"));
 * ```
 */
export class SerialPort extends EventTarget {
  #descriptor: SerialPortDescriptor;
  #adapter: SerialAdapter;
  #forget: (port: SerialPort) => Promise<void>;
  #connection: SerialConnection | null = null;
  #opening = false;
  #bufferSize = 255;
  #readable: ReadableStream<Uint8Array> | null = null;
  #writable: WritableStream<Uint8Array> | null = null;
  #lost = false;

  /** @internal Made by the serial plugin. */
  constructor(
    descriptor: SerialPortDescriptor,
    adapter: SerialAdapter,
    forget: (port: SerialPort) => Promise<void>,
  ) {
    super();
    this.#descriptor = descriptor;
    this.#adapter = adapter;
    this.#forget = forget;
  }

  /** The adapter's path of the port (websession's addition, e.g. `/dev/ttyUSB0`). */
  get path(): string {
    return this.#descriptor.path;
  }

  /** `{ usbVendorId, usbProductId }` for USB ports, `{}` otherwise. */
  getInfo(): SerialPortInfo {
    const info: SerialPortInfo = {};
    if (this.#descriptor.usbVendorId !== undefined) {
      info.usbVendorId = this.#descriptor.usbVendorId;
    }
    if (this.#descriptor.usbProductId !== undefined) {
      info.usbProductId = this.#descriptor.usbProductId;
    }
    return info;
  }

  /** Opens the port with line settings; rejects with Chrome's errors. */
  async open(options: SerialOptions): Promise<void> {
    if (this.#connection || this.#opening) {
      throw new DOMException("The port is already open.", "InvalidStateError");
    }
    const [settings, bufferSize] = parseSerialOptions(options);
    this.#opening = true;
    try {
      this.#connection = await this.#adapter.open(this.#descriptor.path, settings);
    } catch (error) {
      throw new DOMException(
        `Failed to open serial port. ${(error as Error).message ?? error}`,
        "NetworkError",
      );
    } finally {
      this.#opening = false;
    }
    this.#bufferSize = bufferSize;
    this.#lost = false;
  }

  /**
   * The stream of bytes from the device while the port is open (null when closed or lost). After
   * the device goes away the stream errors with a `NetworkError` ("The device has been lost.").
   */
  get readable(): ReadableStream<Uint8Array> | null {
    if (this.#readable) return this.#readable;
    const connection = this.#connection;
    if (!connection || this.#lost) return null;
    const size = this.#bufferSize;
    const scratch = new Uint8Array(size);
    const stream: ReadableStream<Uint8Array> = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const buffer = scratch;
        let count: number;
        try {
          count = await connection.read(buffer);
        } catch (error) {
          if (this.#connection !== connection) {
            // Closed meanwhile: an unlocked stream was cancelled already (this does nothing); a
            // reader of a forgotten port hears why.
            controller.error(new DOMException("The port is closed.", "InvalidStateError"));
            return;
          }
          this.#readable = null;
          controller.error(
            new DOMException(`Failed to read: ${(error as Error).message}`, "NetworkError"),
          );
          return;
        }
        if (count === 0) {
          this.#lost = true;
          this.#readable = null;
          controller.error(lost());
          this.dispatchEvent(new Event("disconnect"));
          return;
        }
        controller.enqueue(buffer.slice(0, count)); // a copy of what came: the scratch is reused
      },
      cancel: () => {
        if (this.#readable === stream) this.#readable = null;
      },
    }, new ByteLengthQueuingStrategy({ highWaterMark: size }) as QueuingStrategy<Uint8Array>);
    return this.#readable = stream;
  }

  /** The stream of bytes to the device while the port is open (null when closed or lost). */
  get writable(): WritableStream<Uint8Array> | null {
    if (this.#writable) return this.#writable;
    const connection = this.#connection;
    if (!connection || this.#lost) return null;
    const stream: WritableStream<Uint8Array> = new WritableStream<Uint8Array>(
      {
        write: async (chunk) => {
          let bytes: Uint8Array;
          try {
            bytes = bytesOf(chunk);
          } catch (error) {
            if (this.#writable === stream) this.#writable = null; // an errored stream is replaced
            throw error;
          }
          try {
            await connection.write(bytes);
          } catch (error) {
            if (this.#writable === stream) this.#writable = null;
            throw new DOMException(`Failed to write: ${(error as Error).message}`, "NetworkError");
          }
        },
        close: () => {
          if (this.#writable === stream) this.#writable = null;
        },
        abort: () => {
          if (this.#writable === stream) this.#writable = null;
        },
      },
      {
        highWaterMark: this.#bufferSize,
        // Not ByteLengthQueuingStrategy: a chunk without byteLength must reach write() and its
        // TypeError, not fail in the strategy.
        size: (chunk) => typeof chunk?.byteLength === "number" ? chunk.byteLength : 1,
      },
    );
    return this.#writable = stream;
  }

  /** Sets DTR, RTS and break. */
  async setSignals(signals: SerialOutputSignals = {}): Promise<void> {
    const connection = this.#openConnection();
    if (
      signals === null || typeof signals !== "object" ||
      (signals.dataTerminalReady === undefined && signals.requestToSend === undefined &&
        signals.break === undefined)
    ) {
      throw new TypeError(
        "Failed to execute 'setSignals' on 'SerialPort': Signals dictionary is empty.",
      );
    }
    try {
      await connection.setSignals(signals);
    } catch (error) {
      throw new DOMException(
        `Failed to set control signals. ${(error as Error).message}`,
        "NetworkError",
      );
    }
  }

  /** Reads DCD, CTS, RI and DSR. */
  async getSignals(): Promise<SerialInputSignals> {
    const connection = this.#openConnection();
    try {
      return await connection.getSignals();
    } catch (error) {
      throw new DOMException(
        `Failed to get control signals. ${(error as Error).message}`,
        "NetworkError",
      );
    }
  }

  /** Closes the port; rejects while a stream is locked by a reader or writer. */
  async close(): Promise<void> {
    const connection = this.#connection;
    if (!connection) throw new DOMException("The port is already closed.", "InvalidStateError");
    if (this.#readable?.locked) throw new TypeError("Cannot cancel a locked stream");
    if (this.#writable?.locked) throw new TypeError("Cannot abort a locked stream");
    const readable = this.#readable, writable = this.#writable;
    this.#readable = this.#writable = null;
    this.#connection = null;
    await Promise.allSettled([readable?.cancel(), writable?.abort()]);
    await connection.close();
  }

  /** Closes the port if open and revokes the origin's grant (`serial-port-revoked`). */
  async forget(): Promise<void> {
    const connection = this.#connection;
    if (connection) {
      this.#connection = null;
      const readable = this.#readable, writable = this.#writable;
      this.#readable = this.#writable = null;
      await connection.close().catch(() => {});
      if (readable && !readable.locked) await readable.cancel().catch(() => {});
      if (writable && !writable.locked) await writable.abort().catch(() => {});
    }
    await this.#forget(this);
  }

  #openConnection(): SerialConnection {
    if (!this.#connection) throw new DOMException("The port is closed.", "InvalidStateError");
    return this.#connection;
  }
}
