import { after, before, describe, it } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../_process.ts";
import { assertPassed, copyLinked, runOwnTests } from "../_plugin_project.ts";

let dir = "";

describe("examples/plugins, built with new-plugin and tested with websession/testing", () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "websession-examples-"));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("request-logger (inline): its own tests pass", async () => {
    const project = join(dir, "request-logger");
    await copyLinked(join(root, "examples/plugins/request-logger"), project);
    assertPassed(await runOwnTests(project), 2);
  });

  it("header-signer (isolated): its own tests pass", async () => {
    const project = join(dir, "header-signer");
    await copyLinked(join(root, "examples/plugins/header-signer"), project);
    assertPassed(await runOwnTests(project), 1);
  });
});
