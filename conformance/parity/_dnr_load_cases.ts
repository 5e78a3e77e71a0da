/**
 * The page loads of the DNR differential test: rules, then a real navigation in Chromium and in
 * websession to the parity origin; the final URL and the headers the origin saw are compared.
 * URLs name the origin's ports as `@HTTP@` and `@HTTPS@`.
 *
 * @module
 */

/**
 * A real page load: the rules, then a navigation (main_frame) to `url` on the parity origin
 * (`@HTTP@`/`@HTTPS@` ports); what counts is the final URL and the headers the origin saw.
 */
export interface DnrLoadCase {
  id: string;
  rules: Record<string, unknown>[];
  url: string;
}

/** What a page load came to (the origin's ports written back as `@HTTP@`/`@HTTPS@`). */
export interface DnrLoadOutcome {
  /** The final URL, or `failed`. */
  url: string;
  /** The `x-*` and `accept-language` request headers the origin saw (none when it was not reached). */
  headers: Record<string, string>;
}

const FRAMES = ["main_frame", "xmlhttprequest", "other"];

/** The page loads. */
export function dnrLoads(): DnrLoadCase[] {
  const at = (condition: Record<string, unknown>) => ({ ...condition, resourceTypes: FRAMES });
  const set = (
    id: number,
    header: string,
    value: string,
    priority?: number,
    operation = "set",
  ) => ({
    id,
    priority,
    condition: at({ urlFilter: "/h" }),
    action: { type: "modifyHeaders", requestHeaders: [{ header, operation, value }] },
  });
  const page = "http://a.test:@HTTP@";
  return [
    {
      id: "load-url-and-transform",
      rules: [{
        id: 1,
        condition: at({ urlFilter: "/r/" }),
        action: {
          type: "redirect",
          redirect: { url: `${page}/u`, transform: { path: "/t" } },
        },
      }],
      url: `${page}/r/x`,
    },
    {
      id: "load-transform-keeps-fragment",
      rules: [{
        id: 1,
        condition: at({ urlFilter: "/r/" }),
        action: { type: "redirect", redirect: { transform: { path: "/t" } } },
      }],
      url: `${page}/r/x#frag`,
    },
    {
      id: "load-query-transform",
      rules: [{
        id: 1,
        condition: at({ urlFilter: "/q?" }),
        action: {
          type: "redirect",
          redirect: {
            transform: {
              queryTransform: {
                removeParams: ["a"],
                addOrReplaceParams: [{ key: "b", value: "x y" }],
              },
            },
          },
        },
      }],
      url: `${page}/q?a=1&b=2&c=3`,
    },
    {
      id: "load-regex-substitution",
      rules: [{
        id: 1,
        condition: at({ regexFilter: "^http://a\\.test:([0-9]+)/s/([a-z]+)$" }),
        action: { type: "redirect", redirect: { regexSubstitution: "http://b.test:\\1/d/\\2" } },
      }],
      url: `${page}/s/abc`,
    },
    {
      id: "load-modify-tie",
      rules: [set(9, "x-a", "nine"), set(1, "x-a", "one")],
      url: `${page}/h`,
    },
    {
      id: "load-modify-priority",
      rules: [set(1, "x-a", "low", 1), set(2, "x-a", "high", 2)],
      url: `${page}/h`,
    },
    {
      id: "load-modify-append-after-set",
      rules: [
        set(1, "accept-language", "fr", 2),
        set(2, "accept-language", "de", 1, "append"),
        set(3, "x-b", "b", 1),
      ],
      url: `${page}/h`,
    },
    {
      id: "load-allow-above-modify",
      rules: [
        { id: 1, priority: 2, condition: at({ urlFilter: "/h" }), action: { type: "allow" } },
        set(2, "x-a", "below", 1),
        set(3, "x-b", "above", 3),
      ],
      url: `${page}/h`,
    },
    {
      id: "load-redirect-tie",
      rules: [
        {
          id: 7,
          condition: at({ urlFilter: "/r/" }),
          action: { type: "redirect", redirect: { transform: { path: "/seven" } } },
        },
        {
          id: 2,
          condition: at({ urlFilter: "/r/" }),
          action: { type: "redirect", redirect: { transform: { path: "/two" } } },
        },
      ],
      url: `${page}/r/x`,
    },
  ];
}

/** A load's URL with the origin's ports filled in. */
export function loadUrl(url: string, ports: { http: number; https: number }): string {
  return url.replace("@HTTP@", String(ports.http)).replace("@HTTPS@", String(ports.https));
}

/** A load's rules with the origin's ports filled in. */
export function loadRules(
  load: DnrLoadCase,
  ports: { http: number; https: number },
): Record<string, unknown>[] {
  return JSON.parse(
    loadUrl(JSON.stringify(load.rules), ports).replaceAll("@HTTP@", String(ports.http)),
  );
}

/** A final URL with the origin's ports written back as `@HTTP@`/`@HTTPS@`. */
export function portsBack(url: string, ports: { http: number; https: number }): string {
  return url.replace(`:${ports.http}`, ":@HTTP@").replace(`:${ports.https}`, ":@HTTPS@");
}
