/**
 * The dashboard's DOM helpers: `$` (one element by selector), `el` (an element with properties,
 * listeners and children) and `sizeText` (bytes for people).
 *
 * @module
 */
/// <reference lib="dom" />

/** The element `selector` finds. */
export const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

/** Makes an element: `props` are properties, `on*` listeners and `dataset`; then its children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...children: Array<Node | string | null>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value as EventListener);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else (node as unknown as Record<string, unknown>)[key] = value;
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

/** A size in B, kB or MB. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
