import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { toNetError } from "../../kernel/http/to_net_error.ts";

describe("toNetError", () => {
  it("reads the runtime's words, not the URL its message quotes", () => {
    for (
      const url of ["http://h.test/tls/x", "https://h.test/certificate?ssl=1", "http://h/timed-out"]
    ) {
      const error = new TypeError(`error sending request for url (${url}): client error`);
      assert.equal(toNetError(error).code, "net::ERR_FAILED", url);
    }
    const refused = new TypeError(
      "error sending request for url (http://h/tls): Connection refused",
    );
    assert.equal(toNetError(refused).code, "net::ERR_CONNECTION_REFUSED");
    const handshake = new TypeError("client error (Connect): received corrupt message");
    assert.equal(toNetError(handshake).code, "net::ERR_SSL_PROTOCOL_ERROR");
  });
});
