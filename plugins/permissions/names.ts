/**
 * Electron's permission names and the `details` objects its handlers receive.
 *
 * @module
 */

/** The permissions `setPermissionRequestHandler`'s handler is asked about (Electron's list). */
export const REQUEST_PERMISSIONS = [
  "clipboard-read",
  "clipboard-sanitized-write",
  "display-capture",
  "fullscreen",
  "geolocation",
  "idle-detection",
  "media",
  "mediaKeySystem",
  "midi",
  "midiSysex",
  "notifications",
  "pointerLock",
  "keyboardLock",
  "openExternal",
  "speaker-selection",
  "storage-access",
  "top-level-storage-access",
  "window-management",
  "unknown",
  "fileSystem",
] as const;

/** The permissions `setPermissionCheckHandler`'s handler is asked about (Electron's list). */
export const CHECK_PERMISSIONS = [
  "clipboard-read",
  "clipboard-sanitized-write",
  "geolocation",
  "fullscreen",
  "hid",
  "idle-detection",
  "media",
  "mediaKeySystem",
  "midi",
  "midiSysex",
  "notifications",
  "openExternal",
  "pointerLock",
  "serial",
  "storage-access",
  "top-level-storage-access",
  "usb",
  "deprecated-sync-clipboard-read",
  "fileSystem",
] as const;

/** A permission a request handler may be asked for. */
export type RequestPermission = typeof REQUEST_PERMISSIONS[number];
/** A permission a check handler may be asked about. */
export type CheckPermission = typeof CHECK_PERMISSIONS[number];
/** The device kinds of `setDevicePermissionHandler`. */
export type DeviceType = "hid" | "serial" | "usb";

/**
 * What websession passes where Electron passes a `webContents`: who asks. websession has no
 * `webContents`; it passes the requesting plugin, extension or page when it knows it, and `null`
 * otherwise (a call from the application itself).
 */
export interface PermissionRequester {
  /** What kind of requester. */
  readonly type: "plugin" | "extension" | "page";
  /** The plugin's or extension's name, or the page's URL. */
  readonly id: string;
}

/** The origin websession uses for requests made by the application itself (no page, no URL). */
export const APP_ORIGIN = "websession://app";

/** Electron's `details` of a permission request (`PermissionRequest` and its variants). */
export interface PermissionRequestDetails {
  /** The URL asking. */
  requestingUrl: string;
  /** Whether the request comes from the main frame. */
  isMainFrame: boolean;
  /** `media`: the security origin of the request. */
  securityOrigin?: string;
  /** `media`: the media asked for. */
  mediaTypes?: Array<"video" | "audio">;
  /** `openExternal`: the URL to open. */
  externalURL?: string;
  /** `fileSystem`: the path. */
  filePath?: string;
  /** `fileSystem`: whether it is a directory. */
  isDirectory?: boolean;
  /** `fileSystem`: the access asked for. */
  fileAccessType?: "writable" | "readable";
}

/** Electron's `details` of a permission check. */
export interface PermissionCheckDetails {
  /** The origin of the frame embedding the one checking, when it is a subframe. */
  embeddingOrigin?: string;
  /** `media`: the security origin. */
  securityOrigin?: string;
  /** `media`: the media type checked. */
  mediaType?: "video" | "audio" | "unknown";
  /** The URL of the frame checking. */
  requestingUrl?: string;
  /** Whether the check comes from the main frame. */
  isMainFrame: boolean;
}

/** Electron's `details` of a device permission check. */
export interface DevicePermissionDetails {
  /** `hid`, `serial` or `usb`. */
  deviceType: DeviceType;
  /** The origin asking. */
  origin: string;
  /** The device, in the shape of the picker's device list. */
  device: Record<string, unknown>;
}

/** `setPermissionRequestHandler`'s handler: call `callback(true)` to grant. */
export type PermissionRequestHandler = (
  webContents: PermissionRequester | null,
  permission: RequestPermission,
  callback: (permissionGranted: boolean) => void,
  details: PermissionRequestDetails,
) => void;

/** `setPermissionCheckHandler`'s handler: return `true` to grant. */
export type PermissionCheckHandler = (
  webContents: PermissionRequester | null,
  permission: CheckPermission,
  requestingOrigin: string,
  details: PermissionCheckDetails,
) => boolean;

/** `setDevicePermissionHandler`'s handler: return `true` to grant the device. */
export type DevicePermissionHandler = (details: DevicePermissionDetails) => boolean;

const REQUEST_SET: ReadonlySet<string> = new Set(REQUEST_PERMISSIONS);
const CHECK_SET: ReadonlySet<string> = new Set(CHECK_PERMISSIONS);

/**
 * Whether `name` is one of Electron's request permissions.
 *
 * @example
 * ```ts
 * isRequestPermission("notifications"); // true
 * ```
 */
export function isRequestPermission(name: unknown): name is RequestPermission {
  return typeof name === "string" && REQUEST_SET.has(name);
}

/**
 * Whether `name` is one of Electron's check permissions.
 *
 * @example
 * ```ts
 * isCheckPermission("serial"); // true
 * ```
 */
export function isCheckPermission(name: unknown): name is CheckPermission {
  return typeof name === "string" && CHECK_SET.has(name);
}

/**
 * The origin of a URL (`"null"` for opaque ones); the URL as is when it does not parse.
 *
 * @example
 * ```ts
 * originOf("https://example.com/a?b"); // "https://example.com"
 * ```
 */
export function originOf(url: string): string {
  if (url === "") return APP_ORIGIN;
  try {
    const parsed = new URL(url);
    if (parsed.origin !== "null") return parsed.origin;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return url;
  }
}
