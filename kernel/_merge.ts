/**
 * How the results of several blocking taps combine (Chromium's rules): a cancel wins; of the
 * redirects, the most recently installed tap's wins; header changes merge unless two taps change
 * the same header differently, in which case the older tap's whole header change is ignored.
 * Every ignored action is returned so that nothing is dropped silently.
 *
 * @module
 */

/** One tap's answer with who gave it. */
export interface TapAnswer<R> {
  /** The plugin that installed the tap. */
  plugin: string;
  /** A label the plugin gave the tap (e.g. a listener's name). */
  label: string;
  /** Install order: larger is more recent. */
  seq: number;
  /** What it answered. */
  result: R;
}

/** An action that lost a conflict. */
export interface IgnoredAction {
  /** The plugin whose action was ignored. */
  plugin: string;
  /** The tap's label. */
  label: string;
  /** `redirect`, `requestHeaders` or `responseHeaders`. */
  action: string;
  /** The plugin and label whose action won, when one did. */
  winner: string | null;
}

/** The merged outcome of a blocking stage. */
export interface MergedOutcome {
  /** Some tap cancelled (and who). */
  cancel: string | null;
  /** The reason the cancelling tap gave, if any. */
  cancelReason?: string;
  /** The redirect to follow, if any. */
  redirectUrl: string | null;
  /** The merged headers (request or response), or null when unchanged. */
  headers: Headers | null;
  /** Actions that lost. */
  ignored: IgnoredAction[];
}

interface Blocking {
  cancel?: boolean;
  reason?: string;
  redirectUrl?: string;
  requestHeaders?: HeadersInit;
  responseHeaders?: HeadersInit;
}

type Delta = Map<string, string | null>;

/**
 * Merges the answers of a blocking stage. `headerKey` says which headers the stage may change.
 *
 * @example
 * ```ts
 * const out = mergeBlocking([
 *   { plugin: "a", label: "a", seq: 1, result: { redirectUrl: "https://a.test/" } },
 *   { plugin: "b", label: "b", seq: 2, result: { redirectUrl: "https://b.test/" } },
 * ], "requestHeaders", new Headers());
 * out.redirectUrl; // "https://b.test/"
 * out.ignored[0].plugin; // "a"
 * ```
 */
export function mergeBlocking(
  answers: TapAnswer<Blocking>[],
  headerKey: "requestHeaders" | "responseHeaders",
  original: Headers,
): MergedOutcome {
  const outcome: MergedOutcome = { cancel: null, redirectUrl: null, headers: null, ignored: [] };
  const newestFirst = answers.slice().sort((a, b) => b.seq - a.seq);
  for (const answer of newestFirst) {
    if (answer.result.cancel === true && outcome.cancel === null) {
      outcome.cancel = who(answer);
      if (typeof answer.result.reason === "string") outcome.cancelReason = answer.result.reason;
    }
  }
  let redirectWinner: TapAnswer<Blocking> | null = null;
  for (const answer of newestFirst) {
    const url = answer.result.redirectUrl;
    if (typeof url !== "string" || url === "") continue;
    if (redirectWinner === null) {
      redirectWinner = answer;
      outcome.redirectUrl = url;
    } else if (url !== outcome.redirectUrl) {
      outcome.ignored.push(ignored(answer, "redirect", who(redirectWinner)));
    }
  }
  const claimed = new Map<string, { value: string | null; by: string }>();
  let changed = false;
  for (const answer of newestFirst) {
    const init = answer.result[headerKey];
    if (init === undefined || init === null) continue;
    const delta = diff(original, new Headers(init));
    let conflictWith: string | null = null;
    for (const [name, value] of delta) {
      const prior = claimed.get(name);
      if (prior && prior.value !== value) {
        conflictWith = prior.by;
        break;
      }
    }
    if (conflictWith !== null) {
      outcome.ignored.push(ignored(answer, headerKey, conflictWith));
      continue;
    }
    for (const [name, value] of delta) {
      if (!claimed.has(name)) claimed.set(name, { value, by: who(answer) });
      changed = true;
    }
  }
  if (changed) {
    const headers = new Headers(original);
    for (const [name, { value }] of claimed) {
      if (value === null) headers.delete(name);
      else if (name === "set-cookie") {
        headers.delete(name);
        for (const line of value.split("\n")) headers.append(name, line);
      } else headers.set(name, value);
    }
    outcome.headers = headers;
  }
  if (outcome.cancel !== null) {
    // A cancel makes every other action moot; report each once, as lost to the cancel (not
    // also to the redirect or header change it would have lost to otherwise).
    outcome.ignored = [];
    for (const answer of newestFirst) {
      if (who(answer) === outcome.cancel && answer.result.cancel) continue;
      if (answer.result.redirectUrl) {
        outcome.ignored.push(ignored(answer, "redirect", outcome.cancel));
      }
      if (answer.result[headerKey]) {
        outcome.ignored.push(ignored(answer, headerKey, outcome.cancel));
      }
    }
  }
  return outcome;
}

function diff(before: Headers, after: Headers): Delta {
  const delta: Delta = new Map();
  const seen = new Set<string>();
  for (const name of after.keys()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const value = name === "set-cookie" ? after.getSetCookie().join("\n") : after.get(name);
    const old = name === "set-cookie" ? before.getSetCookie().join("\n") : before.get(name);
    if (value !== old) delta.set(name, value);
  }
  for (const name of before.keys()) {
    if (!after.has(name)) delta.set(name, null);
  }
  return delta;
}

function who(answer: TapAnswer<unknown>): string {
  return answer.label === answer.plugin ? answer.plugin : `${answer.plugin}:${answer.label}`;
}

function ignored(answer: TapAnswer<unknown>, action: string, winner: string | null): IgnoredAction {
  return { plugin: answer.plugin, label: answer.label, action, winner };
}
