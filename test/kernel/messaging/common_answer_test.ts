import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  FromWorkerSchema,
  isCommonAnswer,
  malformed,
  WireAnswerSchema,
} from "../../../kernel/messaging/_worker_messages.ts";

const H = "\u0000headers";
const block = (text: string) => ({ [H]: text });

// every message here is [message, whether the schemas accept it]
const cases: Array<[unknown, boolean]> = [
  [["r", 1, undefined], true],
  [["r", 7, null], true],
  [["r", 2, { cancel: true }], true],
  [["r", 2, { cancel: "yes" }], false],
  [["r", 3, { redirectUrl: "https://example.test/" }], true],
  [["r", 3, { redirectUrl: 5 }], false],
  [["r", 4, { requestHeaders: block("a\u0000b\n") }], true],
  [["r", 4, { requestHeaders: block("a\u0000b") }], false],
  [["r", 4, { responseHeaders: block("\u0000b\n") }], false],
  [["r", 4, { responseHeaders: { ...block("a\u0000b\n"), extra: 1 } }], false],
  [["r", 4, { requestHeaders: "a\u0000b\n" }], false],
  [["r", 5, { username: "u", password: "p" }], true],
  [["r", 5, { username: ["u"] }], false],
  [["r", 6, { somethingElse: { deep: true } }], true],
  [["r", 0, null], false],
  [["r", 1.5, null], false],
  [["r", "1", null], false],
  [["r", 1, null, "extra"], false],
  [["r", 1, "text"], false],
  [["x", 1, null], false],
];

function schemasAccept(message: unknown): boolean {
  if (malformed(FromWorkerSchema, message) !== null) return false;
  return malformed(WireAnswerSchema, (message as unknown[])[2]) === null;
}

describe("isCommonAnswer, the fast check of a tap's answer from a Worker", () => {
  for (const [message, accepted] of cases) {
    it(`${JSON.stringify(message)}: the schemas ${accepted ? "accept" : "refuse"} it`, () => {
      assert.equal(schemasAccept(message), accepted);
      // the fast check says yes only where the schemas do, and to every common valid answer
      assert.equal(isCommonAnswer(message), accepted);
    });
  }

  it("leaves responses and errors to the schemas", () => {
    const response = { "\u0000response": { status: 200, statusText: "", headers: "", body: null } };
    assert.equal(schemasAccept(["r", 1, response]), true);
    assert.equal(isCommonAnswer(["r", 1, response]), false);
    assert.equal(isCommonAnswer(["e", 1, { name: "Error", message: "x" }]), false);
    // an array passes the schemas' loose object; the fast check leaves it to them
    assert.equal(schemasAccept(["r", 1, [1, 2]]), true);
    assert.equal(isCommonAnswer(["r", 1, [1, 2]]), false);
    assert.equal(isCommonAnswer({ t: "ready" }), false);
  });
});
