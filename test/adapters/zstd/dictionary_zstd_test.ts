// The runtime's zstd decoder with a dictionary, against streams the zstd command line makes (the
// reference implementation): with and without the content size in the frame, and corrupt input.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { decodeZstdWithDictionary } from "../../../adapters/zstd/dictionary_zstd.ts";
import { needs } from "../../_system.ts";

needs("zstd");

const encode = (text: string) => new TextEncoder().encode(text);
const dictionary = encode(
  "const answer = 42; export function ask(question) { return answer; }\n".repeat(30),
);
// 3 MiB, more than the 1 MiB a frame without its size first gets to decode into
const body = encode(
  "const answer = 42; export function ask(question) { return answer; } // v2\n".repeat(45_000),
);

function zstdCli(data: Uint8Array, args: string[]): Uint8Array {
  const folder = mkdtempSync(`${tmpdir()}/websession-zstd-`);
  try {
    writeFileSync(`${folder}/dictionary`, dictionary);
    return new Uint8Array(
      execFileSync("zstd", ["-q", "-c", "-D", `${folder}/dictionary`, ...args], {
        input: data,
        maxBuffer: 64 * 1024 * 1024,
      }),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe("decodeZstdWithDictionary", () => {
  it("decodes what the zstd command compressed with the dictionary", async () => {
    const compressed = zstdCli(body, []);
    assert.ok(compressed.length < body.length / 100, "the dictionary was used");
    assert.deepEqual(await decodeZstdWithDictionary(compressed, dictionary), body);
  });

  it("decodes a frame that does not state its size", async () => {
    const compressed = zstdCli(body, ["--no-content-size"]);
    assert.deepEqual(await decodeZstdWithDictionary(compressed, dictionary), body);
  });

  it("rejects a corrupt stream and one decoded with another dictionary", async () => {
    const compressed = zstdCli(body, []);
    await assert.rejects(decodeZstdWithDictionary(compressed.subarray(0, 20), dictionary));
    await assert.rejects(decodeZstdWithDictionary(compressed, encode("another dictionary")));
  });
});
