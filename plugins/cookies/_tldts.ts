/**
 * tldts, installed as the public suffix list when this module is imported (statically by the
 * entries whose sync helpers need it, dynamically by `loadPublicSuffixList`).
 *
 * @module
 */
import type * as Tldts from "tldts";
// tldts's self-contained ES module build: Deno loads the package's default (CommonJS) entry
// through its Node module loader, 40-50 ms of cold start (issue #24); the types are the package's
// (`@ts-types` for Deno; a consumer's tsc has no declaration for this path, hence the cast).
// @ts-ignore: TS7016 under tsc, see above
// @ts-types="tldts"
import * as tldtsModule from "tldts/dist/index.esm.min.js";
import { installPublicSuffixList } from "./public_suffix.ts";

installPublicSuffixList(tldtsModule as typeof Tldts);
