import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireCommand, requireUser } from "./_system.ts";
import process from "node:process";

const saved = { PATH: process.env.PATH, CHROME_PATH: process.env.CHROME_PATH };
const dirs: string[] = [];

function tempBin(...commands: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "websession-bin-"));
  dirs.push(dir);
  for (const command of commands) {
    writeFileSync(join(dir, command), "#!/bin/sh\n");
    chmodSync(join(dir, command), 0o755);
  }
  return dir;
}

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("requireCommand", () => {
  it("returns the executable found on the PATH", () => {
    const dir = tempBin("socat");
    process.env.PATH = dir;
    assert.equal(requireCommand("socat"), join(dir, "socat"));
  });

  it("names the missing Debian package", () => {
    process.env.PATH = tempBin();
    assert.throws(
      () => requireCommand("socat"),
      {
        message: "socat is missing: install the Debian package socat (deno task test does as root)",
      },
    );
  });

  it("takes Chromium from CHROME_PATH and says when that is not an executable file", () => {
    const dir = tempBin("my-chrome");
    process.env.CHROME_PATH = join(dir, "my-chrome");
    assert.equal(requireCommand("chromium"), join(dir, "my-chrome"));
    process.env.CHROME_PATH = dir;
    assert.throws(() => requireCommand("chromium"), {
      message: `CHROME_PATH names ${dir}, which is not an executable file`,
    });
  });

  it("refuses a command the table of system packages does not list", () => {
    assert.throws(() => requireCommand("nmap"), /Unknown system command nmap/);
  });
});

describe("requireUser", () => {
  it("refuses a user the table does not list", () => {
    assert.throws(() => requireUser("root"), /Unknown system user root/);
  });
});
