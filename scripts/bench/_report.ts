/**
 * The shared reporting of every benchmark: a readable line per figure while it runs, and at the
 * end one JSON line per figure
 * `{"bench","figure","value","unit","baseline","ratio","goal","met"}` for comparing runs.
 *
 * @module
 */

/** One measured figure, compared with a baseline measured in the same run. */
export interface Figure {
  /** The benchmark's name, e.g. `fetch`. */
  bench: string;
  /** What was measured, e.g. `sequential throughput`. */
  figure: string;
  /** The measured value. */
  value: number;
  /** Its unit, e.g. `req/s`, `µs`, `MiB`. */
  unit: string;
  /** The baseline's name and value, when there is one. */
  baseline?: { name: string; value: number } | null;
  /** `value / baseline.value` (computed when absent). */
  ratio?: number | null;
  /** The goal, in words a reader can check, e.g. `ratio >= 0.9`. */
  goal?: string | null;
  /** Whether the goal was met (null when there is no goal). */
  met?: boolean | null;
}

const figures: Figure[] = [];

/**
 * Records a figure and prints it as a readable line.
 *
 * @example
 * ```ts
 * const ratio = 0.95;
 * report({ bench: "fetch", figure: "sequential", value: 9500, unit: "req/s",
 *   baseline: { name: "raw fetch", value: 10000 }, goal: "ratio >= 0.9", met: ratio >= 0.9 });
 * ```
 */
export function report(figure: Figure): void {
  const ratio = figure.ratio ??
    (figure.baseline ? figure.value / figure.baseline.value : null);
  const full: Figure = {
    bench: figure.bench,
    figure: figure.figure,
    value: round(figure.value),
    unit: figure.unit,
    baseline: figure.baseline
      ? { name: figure.baseline.name, value: round(figure.baseline.value) }
      : null,
    ratio: ratio === null ? null : round(ratio),
    goal: figure.goal ?? null,
    met: figure.met ?? null,
  };
  figures.push(full);
  const base = full.baseline
    ? ` vs ${full.baseline.name} ${full.baseline.value} ${full.unit} (ratio ${full.ratio})`
    : "";
  const goal = full.goal ? ` goal ${full.goal}: ${full.met ? "met" : "NOT met"}` : "";
  console.log(`${full.bench} · ${full.figure}: ${full.value} ${full.unit}${base}${goal}`);
}

/**
 * Prints the JSON lines of every figure recorded so far; call once at the end of a benchmark.
 *
 * @example
 * ```ts
 * finish();
 * ```
 */
export function finish(): void {
  for (const f of figures.splice(0)) console.log(JSON.stringify(f));
}

/**
 * Runs `fn` repeatedly for about `ms` milliseconds and returns operations per second.
 *
 * @example
 * ```ts
 * const perSecond = await rate(() => Promise.resolve(), 200);
 * ```
 */
export async function rate(
  fn: () => unknown,
  ms: number,
  batch = 1,
): Promise<number> {
  const end = performance.now() + ms;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    await fn();
    n += batch;
  }
  return n / ((performance.now() - start) / 1000);
}

/**
 * Returns the given percentile (0..100) of a list of numbers.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2
 * ```
 */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000;
}
