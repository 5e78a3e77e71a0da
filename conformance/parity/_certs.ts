/**
 * A CA and one leaf for every host name the differential tests reach over TLS (openssl, in a temp
 * folder removed afterwards). Chromium runs with `--ignore-certificate-errors`; websession is given
 * the CA through the transport's `caCerts`.
 *
 * @module
 */
import { issueTestCerts } from "../../test/_openssl_certs.ts";

/** The CA (PEM) and the leaf's certificate and key. */
export interface ParityCerts {
  ca: string;
  cert: string;
  key: string;
}

/** Names the leaf covers. */
const NAMES = [
  "DNS:localhost",
  "DNS:*.localhost",
  "DNS:example.com",
  "DNS:*.example.com",
  "DNS:*.b.example.co.uk",
  "DNS:*.github.io",
  "DNS:*.test",
  "DNS:*.a.test",
  "IP:127.0.0.1",
];

let made: ParityCerts | null = null;

/** Makes (once per process) the CA and the leaf. */
export function parityCerts(): ParityCerts {
  return made ??= issueTestCerts("websession parity CA", NAMES);
}
