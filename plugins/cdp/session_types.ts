/**
 * Declaration merging that types `ses.cdp` on `Session`. Import it for its types
 * (`import "./plugins/cdp/session_types.ts"`); it is kept out of the plugin's module graph because
 * JSR's slow-type check refuses module augmentation.
 *
 * @module
 */
import type { CdpApi } from "./mod.ts";

declare module "../../kernel/session.ts" {
  interface Session {
    /** Chrome DevTools Protocol: launch or connect (added by the cdp plugin). */
    readonly cdp: CdpApi;
  }
}
