import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  dispositionFilename,
  sanitizeFilename,
  suggestedFilename,
} from "../../../plugins/downloads/filename.ts";

describe("download file names", () => {
  it("prefer filename* (RFC 5987, UTF-8 and ISO-8859-1) over filename", () => {
    assert.equal(
      dispositionFilename(`attachment; filename="a.txt"; filename*=UTF-8''%C3%A9t%C3%A9.txt`),
      "été.txt",
    );
    assert.equal(dispositionFilename(`attachment; filename*=ISO-8859-1''caf%E9.txt`), "café.txt");
    assert.equal(
      dispositionFilename(`inline; filename="quoted \\"name\\".txt"`),
      'quoted "name".txt',
    );
    assert.equal(dispositionFilename(`attachment; filename=bare.bin`), "bare.bin");
  });

  it("read a filename out of a header the parser refuses", () => {
    assert.equal(dispositionFilename(`attachment; filename="a.txt"; foo`), "a.txt");
    assert.equal(dispositionFilename("attachment"), null);
    assert.equal(dispositionFilename(""), null);
    assert.equal(dispositionFilename(null), null);
  });

  it("fall back to the URL's last segment (decoded), then the host, then 'download'", () => {
    assert.equal(suggestedFilename("", "http://example.com/dir/a%20b.zip?x=1"), "a b.zip");
    assert.equal(suggestedFilename("", "http://example.com/dir/"), "dir");
    assert.equal(suggestedFilename("", "http://example.com/"), "example.com");
    assert.equal(suggestedFilename("attachment", "data:,x"), "download");
  });

  it("are made safe: separators, reserved characters, dots, reserved names, length", () => {
    assert.equal(sanitizeFilename("a/b\\c.txt"), "a_b_c.txt");
    assert.equal(sanitizeFilename('x<y>z:"|?*.txt'), "x_y_z_____.txt");
    assert.equal(sanitizeFilename("  .hidden. "), "hidden");
    assert.equal(sanitizeFilename("con.txt"), "_con.txt");
    assert.equal(sanitizeFilename("tab\there\u0000.txt"), "tab_here_.txt");
    assert.equal(sanitizeFilename(""), "download");
    const long = sanitizeFilename(`${"n".repeat(300)}.tar.gz`);
    assert.equal(long.length, 255);
    assert.ok(long.endsWith(".gz"));
  });
});
