/** Part (2) placeholder until the plugin exists. @module */
/** Runs part (2). */
export async function listenerBench(_bench: string, _time: unknown): Promise<void> {}
