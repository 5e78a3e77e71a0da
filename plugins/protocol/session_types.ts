/**
 * Declaration merging that types `ses.protocol` on `Session`. Import it for its types
 * (`import "./plugins/protocol/session_types.ts"`); it is kept out of the plugin's module graph
 * because JSR's slow-type check refuses module augmentation.
 *
 * @module
 */
import type { Protocol } from "./mod.ts";

declare module "../../kernel/session.ts" {
  interface Session {
    /** Protocol handlers of this session (the protocol plugin). */
    readonly protocol: Protocol;
  }
}
