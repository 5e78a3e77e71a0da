/**
 * header-signer: signs every request to one API host with an HMAC key that it fetches from that
 * host once, at set-up (`config.json`'s `keyUrl`, signed with the plugin). It runs isolated: its
 * Worker may reach that one host and read its own files, nothing else (the manifest's
 * permissions; Deno enforces them).
 *
 * @module
 */
import type { PipelineRequest, PluginContext } from "websession";
import config from "./config.json" with { type: "json" };
import { importKey, sign, signedText } from "./sign.ts";

export default {
  async setup(ctx: Pick<PluginContext, "tap" | "manifest">): Promise<void> {
    const keyUrl = new URL(config.keyUrl);
    const response = await fetch(keyUrl);
    if (!response.ok) throw new Error(`${keyUrl.href} answered ${response.status}`);
    const key = await importKey(new Uint8Array(await response.arrayBuffer()));
    ctx.tap("beforeSendHeaders", async (request: PipelineRequest) => {
      if (request.urlParts.host !== keyUrl.hostname) return;
      if (request.urlParts.port !== Number(keyUrl.port || 80)) return;
      const date = new Date().toUTCString();
      const { path, query } = request.urlParts;
      const headers = new Headers(request.headers);
      headers.set("x-signature-date", date);
      headers.set("x-signature", await sign(key, signedText(request.method, path + query, date)));
      return { requestHeaders: headers };
    });
  },
};
