/**
 * `ses.allowNTLMCredentialsForDomains(domains)`: Electron lets Chromium answer NTLM/Negotiate
 * challenges with the signed-in user's own (ambient) credentials for the listed domains. websession
 * cannot: NTLM binds its handshake to one TCP connection, and neither Deno's nor Bun's fetch says
 * which pooled connection a request uses; ambient credentials need the OS's SSPI or GSSAPI, which
 * neither runtime exposes. npm's NTLM message libraries (`@ewsjs/ntlm-client`, `httpntlm`,
 * `ntlm-client`) build the messages but drive `node:http` agents themselves, outside the session's
 * pipeline. So the member checks its argument and throws a `NotSupportedError` saying this.
 *
 * @module
 */

/**
 * Checks `domains` (Electron's comma-separated list, `*` for all) and throws the
 * `NotSupportedError`.
 *
 * @example
 * ```ts
 * try {
 *   allowNtlmCredentialsForDomains("*.example.com", "deno");
 * } catch (error) {
 *   (error as DOMException).name; // "NotSupportedError"
 * }
 * ```
 */
export function allowNtlmCredentialsForDomains(domains: unknown, runtime: string): never {
  if (typeof domains !== "string") {
    throw new TypeError("allowNTLMCredentialsForDomains: domains must be a string");
  }
  throw new DOMException(
    `ses.allowNTLMCredentialsForDomains is not supported on ${runtime}: NTLM/Negotiate with ambient credentials needs connection-bound authentication and the OS's SSPI/GSSAPI, which ${runtime}'s fetch does not give; it works in Electron and the Chromium-backed session`,
    "NotSupportedError",
  );
}
