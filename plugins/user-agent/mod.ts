/**
 * The user-agent plugin: Electron's `ses.setUserAgent(userAgent[, acceptLanguages])` and
 * `ses.getUserAgent()`. Every request of the session (`ses.fetch`, `net.request`, downloads, PAC
 * script fetches, ...) sends the session's `User-Agent`, and the `Accept-Language` built from
 * `acceptLanguages` with Chromium's q-values, unless the request sets its own header. Until
 * `setUserAgent` is called the user agent is websession's default (`defaultUserAgent()`:
 * `websession/VERSION Runtime/VERSION (os; arch)`), and no `Accept-Language` is added.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("user-agent-doc");
 * ses.setUserAgent("MyApp/1.0", "en-US,fr");
 * ses.getUserAgent(); // "MyApp/1.0"
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { acceptLanguageHeader } from "./accept_language.ts";
import { defaultUserAgent } from "./default_user_agent.ts";

export type * from "../../kernel/mod.ts";
export { acceptLanguageHeader } from "./accept_language.ts";
export { defaultUserAgent, WEBSESSION_VERSION } from "./default_user_agent.ts";

/**
 * The session members the user-agent plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: UserAgentMembers = session.fromPartition("user-agent-members");
 * ses.getUserAgent();
 * ```
 */
export interface UserAgentMembers {
  /**
   * Overrides the user agent (and, given `acceptLanguages`, a comma-separated ordered list of
   * language codes such as `"en-US,fr,de,ko,zh-CN,ja"`, the `Accept-Language`; `""` sends none)
   * of the session. Throws a TypeError for a value that is not a string or not a language list.
   */
  setUserAgent(userAgent: string, acceptLanguages?: string): void;
  /** The session's user agent. */
  getUserAgent(): string;
}

/**
 * The user-agent plugin.
 *
 * @example
 * ```ts
 * userAgentPlugin.manifest.api; // ["setUserAgent", "getUserAgent"]
 * ```
 */
export const userAgentPlugin: Plugin<UserAgentMembers> = definePlugin<UserAgentMembers>({
  manifest,
  setup(ctx) {
    let userAgent = defaultUserAgent();
    let acceptLanguage: string | null = null;
    ctx.tap("beforeSendHeaders", (request) => {
      const headers = request.headers;
      // Headers that never had an entry (ses.fetch without headers) need no look-up first.
      const empty = (headers as { mayHaveEntries?: boolean }).mayHaveEntries === false;
      if (empty || !headers.has("user-agent")) headers.set("user-agent", userAgent);
      if (acceptLanguage !== null && (empty || !headers.has("accept-language"))) {
        headers.set("accept-language", acceptLanguage);
      }
    }, { order: "pre", label: "user agent" });
    ctx.provide({
      setUserAgent(value: string, acceptLanguages?: string): void {
        if (typeof value !== "string") {
          throw new TypeError("setUserAgent: userAgent must be a string");
        }
        if (/[\r\n\0]/.test(value)) {
          throw new TypeError("setUserAgent: userAgent must not contain CR, LF or NUL");
        }
        if (acceptLanguages !== undefined && typeof acceptLanguages !== "string") {
          throw new TypeError("setUserAgent: acceptLanguages must be a string");
        }
        // An empty list sends no Accept-Language, as Chromium's empty setting.
        const language = acceptLanguages === undefined
          ? acceptLanguage
          : acceptLanguageHeader(acceptLanguages) || null;
        userAgent = value;
        acceptLanguage = language;
      },
      getUserAgent: (): string => userAgent,
    });
  },
});
