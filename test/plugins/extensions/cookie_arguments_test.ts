/**
 * `chrome.cookies.*` arguments off the schema throw at the call with the words of Chrome's
 * bindings. Every expected message is the text Chromium 156 (Debian's, 156.0.8078.129) threw for
 * the same call in an MV3 extension's service worker (puppeteer-core, `worker.evaluate`): a
 * missing required property (reported in name order), an unknown one, a wrong type, a value
 * outside `cookies.SameSiteStatus`, no details at all; properties are checked in the order they
 * were given, and a null one counts as left out.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cookiesPlugin } from "../../../plugins/cookies/mod.ts";
import { cookiesCall, type SessionCookies } from "../../../plugins/extensions/cookie_calls.ts";
import { HostAccess } from "../../../plugins/extensions/mod.ts";
import { testSession } from "../../../testing/mod.ts";
import { askChrome, cleanUp, loadWritten } from "./_helpers.ts";

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers) await close();
  await cleanUp();
});

const url = "https://plain.example/";
const GET = "cookies.get(cookies.CookieDetails details, optional function callback)";
const SET = "cookies.set(object details, optional function callback)";
const GET_ALL = "cookies.getAll(object details, optional function callback)";
const thrown = (signature: string, problem: string) => ({
  thrown: `TypeError: Error in invocation of ${signature}: ${problem}`,
});
const atDetails = (signature: string, problem: string) =>
  thrown(signature, `Error at parameter 'details': ${problem}`);

describe("chrome.cookies arguments off the schema (Chromium 156's words)", () => {
  it("throw at the call, and nothing is changed", async () => {
    const { ses, id } = await loadWritten({
      manifest_version: 3,
      name: "Cookie arguments",
      version: "1.0",
      permissions: ["cookies"],
      host_permissions: ["<all_urls>"],
      background: { service_worker: "worker.js" },
    });
    const ask = (call: string, ...args: unknown[]) => askChrome(ses, id, call, ...args);
    await ses.cookies.set({ url, name: "a", value: "1" });
    const cases: Array<[string, unknown[], { thrown: string }]> = [
      ["cookies.get", [{ name: "a" }], atDetails(GET, "Missing required property 'url'.")],
      [
        "cookies.remove",
        [{ name: "a" }],
        atDetails(GET.replace("get", "remove"), "Missing required property 'url'."),
      ],
      ["cookies.set", [{ name: "a" }], atDetails(SET, "Missing required property 'url'.")],
      ["cookies.get", [{}], atDetails(GET, "Missing required property 'name'.")],
      [
        "cookies.get",
        [{ url: 3, name: "a" }],
        atDetails(GET, "Error at property 'url': Invalid type: expected string, found integer."),
      ],
      [
        "cookies.getAll",
        [{ domain: 3 }],
        atDetails(
          GET_ALL,
          "Error at property 'domain': Invalid type: expected string, found integer.",
        ),
      ],
      [
        "cookies.getAll",
        [{ session: "x", domain: 3 }],
        atDetails(
          GET_ALL,
          "Error at property 'session': Invalid type: expected boolean, found string.",
        ),
      ],
      [
        "cookies.set",
        [{ url, sameSite: "bogus" }],
        atDetails(
          SET,
          "Error at property 'sameSite': Value must be one of lax, no_restriction, strict, " +
            "unspecified.",
        ),
      ],
      [
        "cookies.set",
        [{ url, sameSite: 3 }],
        atDetails(
          SET,
          "Error at property 'sameSite': Invalid type: expected cookies.SameSiteStatus, found " +
            "integer.",
        ),
      ],
      [
        "cookies.set",
        [{ url, value: 3, name: 3 }],
        atDetails(SET, "Error at property 'value': Invalid type: expected string, found integer."),
      ],
      [
        "cookies.set",
        [{ url, expirationDate: "1" }],
        atDetails(
          SET,
          "Error at property 'expirationDate': Invalid type: expected number, found string.",
        ),
      ],
      [
        "cookies.set",
        [{ url, httpOnly: 1 }],
        atDetails(
          SET,
          "Error at property 'httpOnly': Invalid type: expected boolean, found integer.",
        ),
      ],
      [
        "cookies.get",
        [{ url, name: 2 ** 31 }],
        atDetails(GET, "Error at property 'name': Invalid type: expected string, found number."),
      ],
      [
        "cookies.get",
        [{ url, name: "a", bogus: 1, storeId: 3 }],
        atDetails(GET, "Unexpected property: 'bogus'."),
      ],
      [
        "cookies.get",
        [{ url, name: "a", partitionKey: { bogus: 1 } }],
        atDetails(GET, "Error at property 'partitionKey': Unexpected property: 'bogus'."),
      ],
      ["cookies.getAll", [], thrown(GET_ALL, "No matching signature.")],
      ["cookies.getAll", [3], thrown(GET_ALL, "No matching signature.")],
      [
        "cookies.getAllCookieStores",
        [{}],
        thrown("cookies.getAllCookieStores(optional function callback)", "No matching signature."),
      ],
    ];
    for (const [call, args, expected] of cases) {
      assert.deepEqual(await ask(call, ...args), expected, `${call}(${JSON.stringify(args)})`);
    }
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["a"]);
    // a property that is null counts as left out, as Chrome's bindings take it
    const all = await ask("cookies.getAll", { url: null, domain: null, name: "a" });
    assert.deepEqual((all.value as Array<{ name: string }>).map((c) => c.name), ["a"]);
  });

  it("are refused by the session side with the same words (a call around the bindings)", async () => {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    const cookies = ses.cookies as unknown as SessionCookies;
    const access = new HostAccess(["<all_urls>"]);
    await assert.rejects(cookiesCall(cookies, access, "get", [{ name: "a" }]), {
      name: "TypeError",
      message: `Error in invocation of ${GET}: Error at parameter 'details': Missing required ` +
        "property 'url'.",
    });
    // NaN does not cross the background's message channel; the shared check is Chrome's here
    await assert.rejects(cookiesCall(cookies, access, "set", [{ url, expirationDate: NaN }]), {
      name: "TypeError",
      message: `Error in invocation of ${SET}: Error at parameter 'details': Error at property ` +
        "'expirationDate': Value must not be NaN or Infinity.",
    });
    assert.deepEqual(await ses.cookies.get({}), []);
  });
});
