/**
 * Declaration merging that types `ses.webRequest` and `ses.declarativeNetRequest` on `Session`.
 * Import it for its types (`import "./plugins/web-request/session_types.ts"`). It is kept out of
 * the plugin's module graph because JSR's slow-type check refuses module augmentation; without
 * it, `webRequestOf(ses)` and `declarativeNetRequestOf(ses)` give the same types.
 *
 * @module
 */
import type { WebRequest } from "./web_request.ts";
import type { DeclarativeNetRequest } from "./declarative_net_request.ts";

declare module "../../kernel/session.ts" {
  interface Session {
    /** webRequest: Electron's and Chrome's listener surfaces (web-request plugin). */
    readonly webRequest: WebRequest;
    /** Chrome's declarative rules (web-request plugin). */
    readonly declarativeNetRequest: DeclarativeNetRequest;
  }
}
