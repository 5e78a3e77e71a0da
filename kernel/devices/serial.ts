/**
 * The serial device contract: what a serial adapter (a POSIX tty, `navigator.serial`, ...) gives
 * the serial plugin. The plugin builds Web Serial's `SerialPort` on top of it; adapters know
 * nothing of permissions or pickers.
 *
 * @module
 */

/** A serial port an adapter found. */
export interface SerialPortDescriptor {
  /** The adapter's stable name of the port (for a tty, its path, e.g. `/dev/ttyUSB0`). */
  path: string;
  /** A name to show (e.g. `ttyUSB0`). */
  displayName: string;
  /** The USB vendor id, when the port is a USB device. */
  usbVendorId?: number;
  /** The USB product id, when the port is a USB device. */
  usbProductId?: number;
  /** The USB serial number, when known. */
  serialNumber?: string;
  /** The kernel driver, when known (e.g. `ftdi_sio`). */
  usbDriverName?: string;
}

/** Line settings, as Web Serial's `SerialOptions` after validation. */
export interface SerialLineSettings {
  /** Bits per second. */
  baudRate: number;
  /** 7 or 8. */
  dataBits: 7 | 8;
  /** 1 or 2. */
  stopBits: 1 | 2;
  /** Parity. */
  parity: "none" | "even" | "odd";
  /** Flow control. */
  flowControl: "none" | "hardware";
}

/** Output control lines (Web Serial's `SerialOutputSignals`); absent ones stay as they are. */
export interface SerialOutputSignals {
  /** DTR. */
  dataTerminalReady?: boolean;
  /** RTS. */
  requestToSend?: boolean;
  /** Break. */
  break?: boolean;
}

/** Input control lines (Web Serial's `SerialInputSignals`). */
export interface SerialInputSignals {
  /** DCD. */
  dataCarrierDetect: boolean;
  /** CTS. */
  clearToSend: boolean;
  /** RI. */
  ringIndicator: boolean;
  /** DSR. */
  dataSetReady: boolean;
}

/** An open port. */
export interface SerialConnection {
  /**
   * Reads what has arrived into `buffer`; resolves with the byte count, or 0 when the device went
   * away. Rejects when the connection is closed.
   */
  read(buffer: Uint8Array): Promise<number>;
  /** Writes all of `bytes`, waiting while the device does not take them. */
  write(bytes: Uint8Array): Promise<void>;
  /** Sets output control lines. */
  setSignals(signals: SerialOutputSignals): Promise<void>;
  /** Reads input control lines. */
  getSignals(): Promise<SerialInputSignals>;
  /** Closes the port; a pending read rejects. */
  close(): Promise<void>;
}

/** What the serial plugin needs from a runtime. */
export interface SerialAdapter {
  /** The adapter's name, for messages (e.g. `posix-tty`). */
  readonly name: string;
  /** The ports present now. */
  list(): Promise<SerialPortDescriptor[]>;
  /** Opens a port with its line settings applied. */
  open(path: string, settings: SerialLineSettings): Promise<SerialConnection>;
}
