/**
 * The control API's access tokens: JWTs signed with jose (HS256), with a key generated on first
 * start and kept in the storage folder with file mode 0600. Rotating the key invalidates every
 * token signed with the old one.
 *
 * @module
 */
import { jwtVerify, SignJWT } from "jose";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const ALGORITHM = "HS256";

/**
 * The signing key of a server, kept in a file.
 *
 * @example
 * ```ts
 * const keys = new TokenKeys(`${Deno.makeTempDirSync()}/server-key.json`);
 * const token = await keys.issue(3600);
 * await keys.verify(token); // true
 * ```
 */
export class TokenKeys {
  #path: string;
  #secret: Uint8Array;

  /** Loads the key from `path`, creating it (mode 0600) when missing. */
  constructor(path: string) {
    this.#path = path;
    this.#secret = existsSync(path) ? this.#load() : this.#create();
  }

  /** Issues a token valid for `ttlSeconds` (0: no expiry). */
  async issue(ttlSeconds: number): Promise<string> {
    let jwt = new SignJWT({ scope: "api" })
      .setProtectedHeader({ alg: ALGORITHM })
      .setIssuedAt()
      .setSubject("websession");
    if (ttlSeconds > 0) jwt = jwt.setExpirationTime(`${Math.round(ttlSeconds)}s`);
    return await jwt.sign(this.#secret);
  }

  /** Whether a token was signed with the current key and has not expired. */
  async verify(token: string): Promise<boolean> {
    try {
      await jwtVerify(token, this.#secret, { algorithms: [ALGORITHM], subject: "websession" });
      return true;
    } catch {
      return false;
    }
  }

  /** Replaces the key; tokens signed with the old one stop working. */
  rotate(): void {
    this.#secret = this.#create();
  }

  #load(): Uint8Array {
    const { key } = JSON.parse(readFileSync(this.#path, "utf8")) as { key: string };
    const bytes = Uint8Array.from(atob(key), (c) => c.charCodeAt(0));
    if (bytes.length < 32) throw new TypeError(`The key in ${this.#path} is too short`);
    return bytes;
  }

  #create(): Uint8Array {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const dir = this.#path.replace(/[\\/][^\\/]*$/, "");
    if (dir && dir !== this.#path) mkdirSync(dir, { recursive: true });
    const text = JSON.stringify({ alg: ALGORITHM, key: btoa(String.fromCharCode(...bytes)) });
    writeFileSync(this.#path, text, { mode: 0o600 });
    chmodSync(this.#path, 0o600);
    return bytes;
  }
}
