/**
 * A HID report descriptor parser (HID 1.11, section 6.2.2) giving WebHID's `collections`: each
 * top-level collection with its children and its input, output and feature reports, each report's
 * items with WebHID's `HIDReportItem` fields.
 *
 * @module
 */

/** WebHID's `HIDUnitSystem`. */
export type HidUnitSystem =
  | "none"
  | "si-linear"
  | "si-rotation"
  | "english-linear"
  | "english-rotation"
  | "vendor-defined"
  | "reserved";

/** WebHID's `HIDReportItem`. */
export interface HidReportItem {
  /** Absolute (not relative) values. */
  isAbsolute: boolean;
  /** An array (not a variable) item. */
  isArray: boolean;
  /** Buffered bytes (not a bit field). */
  isBufferedBytes: boolean;
  /** Constant (padding) data. */
  isConstant: boolean;
  /** Linear values. */
  isLinear: boolean;
  /** Usages given as a minimum and maximum. */
  isRange: boolean;
  /** Volatile (output and feature items). */
  isVolatile: boolean;
  /** Has a null state. */
  hasNull: boolean;
  /** Has a preferred state. */
  hasPreferredState: boolean;
  /** Values wrap around. */
  wrap: boolean;
  /** Full usages (page << 16 | id). */
  usages: number[];
  /** The first usage of a range (page << 16 | id). */
  usageMinimum: number;
  /** The last usage of a range (page << 16 | id). */
  usageMaximum: number;
  /** Bits per field. */
  reportSize: number;
  /** Number of fields. */
  reportCount: number;
  /** The unit's base-10 exponent. */
  unitExponent: number;
  /** The unit system. */
  unitSystem: HidUnitSystem;
  /** Length exponent of the unit. */
  unitFactorLengthExponent: number;
  /** Mass exponent of the unit. */
  unitFactorMassExponent: number;
  /** Time exponent of the unit. */
  unitFactorTimeExponent: number;
  /** Temperature exponent of the unit. */
  unitFactorTemperatureExponent: number;
  /** Current exponent of the unit. */
  unitFactorCurrentExponent: number;
  /** Luminous intensity exponent of the unit. */
  unitFactorLuminousIntensityExponent: number;
  /** Smallest logical value. */
  logicalMinimum: number;
  /** Largest logical value. */
  logicalMaximum: number;
  /** Smallest physical value. */
  physicalMinimum: number;
  /** Largest physical value. */
  physicalMaximum: number;
  /** String descriptors (none are read). */
  strings: string[];
}

/** WebHID's `HIDReportInfo`. */
export interface HidReportInfo {
  /** The report id (0 when the device uses none). */
  reportId: number;
  /** The report's items, in order. */
  items: HidReportItem[];
}

/** WebHID's `HIDCollectionInfo`. */
export interface HidCollectionInfo {
  /** The collection's usage page. */
  usagePage: number;
  /** The collection's usage. */
  usage: number;
  /** The collection type (0 physical, 1 application, 2 logical, ...). */
  type: number;
  /** Nested collections. */
  children: HidCollectionInfo[];
  /** Input reports. */
  inputReports: HidReportInfo[];
  /** Output reports. */
  outputReports: HidReportInfo[];
  /** Feature reports. */
  featureReports: HidReportInfo[];
}

interface Globals {
  usagePage: number;
  logicalMinimum: number;
  logicalMaximum: number;
  physicalMinimum: number;
  physicalMaximum: number;
  unitExponent: number;
  unit: number;
  reportSize: number;
  reportId: number;
  reportCount: number;
}

interface Locals {
  usages: number[];
  usageMinimum: number | null;
  usageMaximum: number | null;
}

const UNIT_SYSTEMS: HidUnitSystem[] = [
  "none",
  "si-linear",
  "si-rotation",
  "english-linear",
  "english-rotation",
];

const nibble = (value: number, index: number) => {
  const n = (value >>> (index * 4)) & 0xf;
  return n >= 8 ? n - 16 : n;
};

function signed(value: number, size: number): number {
  if (size === 1) return (value << 24) >> 24;
  if (size === 2) return (value << 16) >> 16;
  return value | 0;
}

/**
 * Parses a report descriptor into WebHID's top-level collections. Throws a TypeError naming the
 * byte offset of a truncated item or an unbalanced End Collection.
 *
 * @example
 * ```ts
 * // A mouse's first bytes: Usage Page (Generic Desktop), Usage (Mouse), Collection (Application)
 * const [mouse] = parseReportDescriptor(new Uint8Array([0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0xc0]));
 * mouse.usage; // 2
 * ```
 */
export function parseReportDescriptor(bytes: Uint8Array): HidCollectionInfo[] {
  const top: HidCollectionInfo[] = [];
  const stack: HidCollectionInfo[] = [];
  const saved: Globals[] = [];
  let g: Globals = {
    usagePage: 0,
    logicalMinimum: 0,
    logicalMaximum: 0,
    physicalMinimum: 0,
    physicalMaximum: 0,
    unitExponent: 0,
    unit: 0,
    reportSize: 0,
    reportId: 0,
    reportCount: 0,
  };
  let l: Locals = { usages: [], usageMinimum: null, usageMaximum: null };
  const full = (usage: number, size: number) =>
    size === 4 ? usage >>> 0 : (g.usagePage << 16 | usage) >>> 0;

  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i];
    if (prefix === 0xfe) { // long item: skip it
      const length = bytes[i + 1] ?? 0;
      i += 3 + length;
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 3];
    if (i + 1 + size > bytes.length) {
      throw new TypeError(`Report descriptor: item at byte ${i} is cut short`);
    }
    let data = 0;
    for (let k = 0; k < size; k++) data |= bytes[i + 1 + k] << (8 * k);
    data >>>= 0;
    const type = (prefix >> 2) & 3;
    const tag = prefix >> 4;
    if (type === 0) { // main
      if (tag === 0xa) { // Collection
        const usage = l.usages[0] ?? (l.usageMinimum ?? 0);
        const collection: HidCollectionInfo = {
          usagePage: usage >>> 16,
          usage: usage & 0xffff,
          type: data,
          children: [],
          inputReports: [],
          outputReports: [],
          featureReports: [],
        };
        (stack.length ? stack[stack.length - 1].children : top).push(collection);
        stack.push(collection);
      } else if (tag === 0xc) { // End Collection
        if (!stack.pop()) {
          throw new TypeError(`Report descriptor: End Collection at byte ${i} closes nothing`);
        }
      } else if (tag === 0x8 || tag === 0x9 || tag === 0xb) { // Input, Output, Feature
        const owner = stack[stack.length - 1];
        if (owner) {
          const list = tag === 0x8
            ? owner.inputReports
            : tag === 0x9
            ? owner.outputReports
            : owner.featureReports;
          let report = list.find((r) => r.reportId === g.reportId);
          if (!report) list.push(report = { reportId: g.reportId, items: [] });
          report.items.push(item(data, g, l));
        }
      }
      l = { usages: [], usageMinimum: null, usageMaximum: null };
    } else if (type === 1) { // global
      switch (tag) {
        case 0x0:
          g.usagePage = data;
          break;
        case 0x1:
          g.logicalMinimum = signed(data, size);
          break;
        case 0x2:
          g.logicalMaximum = g.logicalMinimum < 0 ? signed(data, size) : data;
          break;
        case 0x3:
          g.physicalMinimum = signed(data, size);
          break;
        case 0x4:
          g.physicalMaximum = g.physicalMinimum < 0 ? signed(data, size) : data;
          break;
        case 0x5:
          g.unitExponent = nibble(data, 0);
          break;
        case 0x6:
          g.unit = data;
          break;
        case 0x7:
          g.reportSize = data;
          break;
        case 0x8:
          g.reportId = data;
          break;
        case 0x9:
          g.reportCount = data;
          break;
        case 0xa:
          saved.push({ ...g });
          break;
        case 0xb:
          g = saved.pop() ?? g;
          break;
      }
    } else if (type === 2) { // local
      if (tag === 0x0) l.usages.push(full(data, size));
      else if (tag === 0x1) l.usageMinimum = full(data, size);
      else if (tag === 0x2) l.usageMaximum = full(data, size);
    }
    i += 1 + size;
  }
  return top;
}

function item(flags: number, g: Globals, l: Locals): HidReportItem {
  const isRange = l.usageMinimum !== null && l.usageMaximum !== null;
  const system = g.unit & 0xf;
  return {
    isAbsolute: (flags & 0x04) === 0,
    isArray: (flags & 0x02) === 0,
    isBufferedBytes: (flags & 0x100) !== 0,
    isConstant: (flags & 0x01) !== 0,
    isLinear: (flags & 0x10) === 0,
    isRange,
    isVolatile: (flags & 0x80) !== 0,
    hasNull: (flags & 0x40) !== 0,
    hasPreferredState: (flags & 0x20) === 0,
    wrap: (flags & 0x08) !== 0,
    usages: isRange ? [] : [...l.usages],
    usageMinimum: l.usageMinimum ?? 0,
    usageMaximum: l.usageMaximum ?? 0,
    reportSize: g.reportSize,
    reportCount: g.reportCount,
    unitExponent: g.unitExponent,
    unitSystem: system === 0xf ? "vendor-defined" : UNIT_SYSTEMS[system] ?? "reserved",
    unitFactorLengthExponent: nibble(g.unit, 1),
    unitFactorMassExponent: nibble(g.unit, 2),
    unitFactorTimeExponent: nibble(g.unit, 3),
    unitFactorTemperatureExponent: nibble(g.unit, 4),
    unitFactorCurrentExponent: nibble(g.unit, 5),
    unitFactorLuminousIntensityExponent: nibble(g.unit, 6),
    logicalMinimum: g.logicalMinimum,
    logicalMaximum: g.logicalMaximum,
    physicalMinimum: g.physicalMinimum,
    physicalMaximum: g.physicalMaximum,
    strings: [],
  };
}

/** Whether the descriptor declares report ids (then every report starts with its id byte). */
export function usesReportIds(collections: HidCollectionInfo[]): boolean {
  return collections.some((c) =>
    [...c.inputReports, ...c.outputReports, ...c.featureReports].some((r) => r.reportId !== 0) ||
    usesReportIds(c.children)
  );
}
