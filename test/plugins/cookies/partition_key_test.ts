/**
 * websession's `partitionKey` on `ses.cookies`: `set` stores a partitioned (CHIPS) cookie keyed by
 * a top-level site, `get` reports the key, a request from that top-level site carries the cookie
 * and one from another does not, and `remove` reaches every partition or only the one named.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { cookiesPlugin } from "../../../plugins/cookies/mod.ts";
import { testSession } from "../../../testing/mod.ts";

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers) await close();
});

const url = "https://shop.example/";

describe("ses.cookies with partitionKey", () => {
  it("sets a partitioned cookie that get reports with its top-level site", async () => {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    await ses.cookies.set({ url, name: "u", value: "1", secure: true });
    await ses.cookies.set({
      url,
      name: "p",
      value: "2",
      secure: true,
      partitionKey: "https://www.news.example/front",
    });
    const cookies = await ses.cookies.get({ url });
    assert.deepEqual(
      cookies.map((c) => [c.name, c.partitionKey]).sort(),
      [["p", "https://news.example"], ["u", undefined]],
    );
  });

  it("refuses a partitioned cookie without Secure and a key that is not a site", async () => {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    await assert.rejects(
      ses.cookies.set({ url, name: "p", value: "1", partitionKey: "https://news.example" }),
      /Partitioned cookie without Secure/,
    );
    await assert.rejects(
      ses.cookies.set({ url, name: "p", value: "1", secure: true, partitionKey: "news" }),
      { name: "TypeError", message: /cookies\.set: partitionKey must be a top-level site/ },
    );
    assert.deepEqual(await ses.cookies.get({}), []);
  });

  it("removes from every partition by default, or from the one named", async () => {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    const both = async () => {
      await ses.cookies.set({ url, name: "a", value: "u", secure: true });
      await ses.cookies.set({
        url,
        name: "a",
        value: "p",
        secure: true,
        partitionKey: "https://news.example",
      });
    };
    const values = async () => (await ses.cookies.get({ url })).map((c) => c.value).sort();
    await both();
    assert.deepEqual(await values(), ["p", "u"]);
    await ses.cookies.remove(url, "a", { partitionKey: "" });
    assert.deepEqual(await values(), ["p"]);
    await ses.cookies.remove(url, "a", { partitionKey: "https://other.example" });
    assert.deepEqual(await values(), ["p"]);
    await ses.cookies.remove(url, "a", { partitionKey: "https://news.example" });
    assert.deepEqual(await values(), []);
    await both();
    await ses.cookies.remove(url, "a");
    assert.deepEqual(await values(), []);
  });

  it("is sent by a request from its top-level site only", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    // localhost counts as secure, so a Secure (and partitioned) cookie may be set over http
    await ses.cookies.set({
      url: `${origin}/`,
      name: "p",
      value: "1",
      sameSite: "no_restriction",
      partitionKey: "https://news.example",
    });
    // the request of a frame of `origin` embedded in a page of `top`
    const cookieFrom = async (top: string) => {
      const response = await ses.fetch(`${origin}/`, { initiator: top, topLevelSite: top });
      await response.text();
      return seen.at(-1)?.cookie;
    };
    assert.equal(await cookieFrom("https://news.example"), "p=1");
    assert.equal(await cookieFrom("https://elsewhere.example"), undefined);
  });
});
