/**
 * Which CONNECT targets the server decrypts. By default all of them, as mitmproxy does;
 * `--intercept LIST` decrypts only the listed hosts (mitmproxy's `allow_hosts`), `--no-intercept
 * LIST` passes the listed ones through (its `ignore_hosts`), a bare `--no-intercept` decrypts
 * nothing. A list is separated by commas or spaces; each entry is a host name or IP literal where
 * `*` stands for any run of characters (`*.example.com`, `10.0.0.*`), optionally with `:port`
 * (then it is matched against `host:port`; IPv6 as `[::1]:443`). Hosts can be added to the
 * pass-through list while the server runs (pinned clients), and handshakes the client refused are
 * counted per host.
 *
 * @module
 */

/** A failed client handshake, counted per host. */
export interface HandshakeFailures {
  /** The CONNECT host. */
  host: string;
  /** How many handshakes failed. */
  count: number;
  /** The last failure's message. */
  lastError: string;
  /** When it happened (ms since the epoch). */
  lastAt: number;
}

/** What `GET /api/intercept` shows. */
export interface InterceptState {
  /** Whether anything is decrypted at all. */
  enabled: boolean;
  /** The `--intercept` list (null: every host). */
  intercept: string[] | null;
  /** The `--no-intercept` list and the hosts added from the API. */
  passThrough: string[];
  /** Failed client handshakes per host. */
  failures: HandshakeFailures[];
}

/**
 * Parses a pattern list; throws a TypeError naming a bad entry.
 *
 * @example
 * ```ts
 * parsePatternList("example.com, *.test:8443"); // ["example.com", "*.test:8443"]
 * ```
 */
export function parsePatternList(list: string, flag = "pattern list"): string[] {
  const entries = list.split(/[\s,]+/).filter((entry) => entry !== "");
  for (const entry of entries) {
    const match = /^(\[[0-9a-fA-F:.*]+\]|[A-Za-z0-9_.*-]+|[0-9a-fA-F:.*]+)(:(\d+|\*))?$/.exec(
      entry,
    );
    if (!match) {
      throw new TypeError(
        `${flag}: "${entry}" is not a host pattern (a host name or IP, * as a wildcard, optional :port)`,
      );
    }
    const port = Number(match[3]);
    if (/^\d+$/.test(match[3] ?? "") && !(port >= 1 && port <= 65535)) {
      throw new TypeError(`${flag}: "${entry}" has port ${port}, not one from 1 to 65535`);
    }
  }
  return entries;
}

function compile(pattern: string): (host: string, port: number) => boolean {
  const withPort = /^\[.*\]:(\d+|\*)$|^[^:[\]]+:(\d+|\*)$/.test(pattern);
  const regex = new RegExp(
    `^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`,
  );
  return (host, port) => {
    const name = host.toLowerCase();
    if (withPort) return regex.test(`${name.includes(":") ? `[${name}]` : name}:${port}`);
    return regex.test(name) || regex.test(`[${name}]`);
  };
}

/**
 * The interception policy of a running server.
 *
 * @example
 * ```ts
 * const policy = new InterceptPolicy({ noIntercept: ["*.bank.example"] });
 * policy.shouldIntercept("www.bank.example", 443); // false
 * policy.shouldIntercept("example.com", 443); // true
 * ```
 */
export class InterceptPolicy {
  #enabled: boolean;
  #intercept: string[] | null;
  #passThrough: string[];
  #allow: Array<(host: string, port: number) => boolean> | null;
  #deny: Array<(host: string, port: number) => boolean>;
  #failures = new Map<string, HandshakeFailures>();

  /**
   * `intercept`: only these (null or absent: all); `noIntercept`: never these; `enabled: false`:
   * nothing at all.
   */
  constructor(
    options: { enabled?: boolean; intercept?: string[] | null; noIntercept?: string[] } = {},
  ) {
    this.#enabled = options.enabled ?? true;
    this.#intercept = options.intercept ?? null;
    this.#passThrough = [...(options.noIntercept ?? [])];
    this.#allow = this.#intercept ? this.#intercept.map(compile) : null;
    this.#deny = this.#passThrough.map(compile);
  }

  /** Whether a CONNECT to `host:port` is decrypted. */
  shouldIntercept(host: string, port: number): boolean {
    if (!this.#enabled) return false;
    if (this.#allow && !this.#allow.some((match) => match(host, port))) return false;
    return !this.#deny.some((match) => match(host, port));
  }

  /** Adds patterns to the pass-through list; returns the ones that were not there yet. */
  addPassThrough(patterns: string[]): string[] {
    const added = patterns.filter((pattern) => !this.#passThrough.includes(pattern));
    this.#passThrough.push(...added);
    this.#deny.push(...added.map(compile));
    return added;
  }

  /** Removes patterns from the pass-through list; returns the ones that were there. */
  removePassThrough(patterns: string[]): string[] {
    const removed = patterns.filter((pattern) => this.#passThrough.includes(pattern));
    this.#passThrough = this.#passThrough.filter((pattern) => !removed.includes(pattern));
    this.#deny = this.#passThrough.map(compile);
    return removed;
  }

  /** Counts a client handshake that failed for `host`; returns the new count. */
  recordFailure(host: string, error: string): number {
    const entry = this.#failures.get(host) ??
      { host, count: 0, lastError: "", lastAt: 0 };
    entry.count++;
    entry.lastError = error;
    entry.lastAt = Date.now();
    this.#failures.set(host, entry);
    return entry.count;
  }

  /** The policy and the failures, for the API. */
  state(): InterceptState {
    return {
      enabled: this.#enabled,
      intercept: this.#intercept ? [...this.#intercept] : null,
      passThrough: [...this.#passThrough],
      failures: [...this.#failures.values()].map((entry) => ({ ...entry })),
    };
  }
}
