/**
 * The `session` module typed with the members of the preset's plugins, one place for both entries
 * (`mod.ts` for Deno and Bun, `web/mod.ts` for pages): the plugins are the same, only the adapters
 * handed to them differ.
 *
 * @module
 */
import { session as kernelSession, type SessionModule } from "../kernel/partitions.ts";
import type { Session } from "../kernel/session.ts";
import type { ProtocolMembers } from "../plugins/protocol/mod.ts";
import type { WebRequestMembers } from "../plugins/web-request/mod.ts";
import type { CdpMembers } from "../plugins/cdp/mod.ts";
import type { ProxyMembers } from "../plugins/proxy/mod.ts";
import type { CookiesMembers } from "../plugins/cookies/mod.ts";
import type { NetLogMembers } from "../plugins/net-log/mod.ts";
import type { UserAgentMembers } from "../plugins/user-agent/mod.ts";
import type { EmulationMembers } from "../plugins/emulation/mod.ts";
import type { RendererMembers } from "../plugins/renderer/mod.ts";
import type { HostResolverMembers } from "../plugins/host-resolver/mod.ts";
import type { HarMembers } from "../plugins/har/plugin.ts";
import type { TlsMembers } from "../plugins/tls/mod.ts";
import type { CacheMembers } from "../plugins/cache/mod.ts";
import type { DownloadsMembers } from "../plugins/downloads/plugin.ts";
import type { PermissionsMembers } from "../plugins/permissions/plugin.ts";
import type { SpellcheckMembers } from "../plugins/spellcheck/mod.ts";
import type { ExtensionsMembers } from "../plugins/extensions/mod.ts";
import type { SerialMembers } from "../plugins/serial/plugin.ts";
import type { HidMembers } from "../plugins/hid/plugin.ts";
import type { UsbMembers } from "../plugins/usb/plugin.ts";
import type { SharedDictionaryMembers } from "../plugins/shared-dictionary/mod.ts";

/**
 * The members a session of the preset has: `ses.webRequest`, `ses.declarativeNetRequest`,
 * `ses.cookies`, `ses.setProxy` & co, `ses.protocol`, `ses.cdp`, `ses.setSpellCheckerLanguages` &
 * co and `ses.spellChecker`, `ses.loadExtension` & co (Deno and Bun; the browser preset has no
 * extensions plugin, so there they throw `MissingPluginError`), `ses.getCacheSize`/`clearCache`,
 * `ses.downloadURL` & co, `ses.setPermissionRequestHandler` & co and `ses.permissions`, and
 * `ses.serial`, `ses.hid` and `ses.usb` (both presets, as Electron has them on every session).
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses: DefaultMembers = session.fromPartition("preset-members");
 * ses.protocol.isProtocolHandled("app"); // false
 * ```
 */
export interface DefaultMembers
  extends
    WebRequestMembers,
    CdpMembers,
    ProxyMembers,
    CookiesMembers,
    ProtocolMembers,
    NetLogMembers,
    UserAgentMembers,
    EmulationMembers,
    RendererMembers,
    HostResolverMembers,
    HarMembers,
    TlsMembers,
    CacheMembers,
    DownloadsMembers,
    SpellcheckMembers,
    ExtensionsMembers,
    PermissionsMembers,
    SerialMembers,
    HidMembers,
    UsbMembers,
    SharedDictionaryMembers {}

/**
 * A session of the preset, with the members its plugins add.
 *
 * @example
 * ```ts
 * import { type DefaultSession, session } from "../mod.ts";
 * const ses: DefaultSession = session.fromPartition("typed");
 * await ses.cookies.get({});
 * ```
 */
export type DefaultSession = Session & DefaultMembers;

/**
 * Electron's `session` module, typed with the preset's members: `session.fromPartition` returns a
 * session whose `cookies`, `webRequest`, `setProxy`, `protocol`, ... type-check and work at once,
 * and `{ plugins: [...] }` adds the members of more plugins.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("persist:example");
 * ses.webRequest.onBeforeSendHeaders((_details, callback) => callback?.({}));
 * ```
 */
export const session: SessionModule<DefaultMembers> = kernelSession as SessionModule<
  DefaultMembers
>;
