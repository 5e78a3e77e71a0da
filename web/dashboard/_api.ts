/**
 * The dashboard's calls of the control API: same-origin, with the sign-in cookie; a 401 shows the
 * sign-in form.
 *
 * @module
 */
/// <reference lib="dom" />
import { $ } from "./_dom.ts";

/** Shows the sign-in form instead of the app. */
export function showSignIn(): void {
  $("#signin").hidden = false;
  $("#app").hidden = true;
}

/** Calls `/api${path}`; a 401 shows the sign-in form and rejects. */
export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`/api${path}`, {
    ...init,
    credentials: "same-origin",
    headers: init.body ? { "content-type": "application/json" } : {},
  });
  if (response.status === 401) {
    showSignIn();
    throw new Error("Not signed in");
  }
  return response;
}
