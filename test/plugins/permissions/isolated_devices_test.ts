/**
 * Devices for isolated plugins: a third-party plugin in a Worker reaches a serial port (a socat
 * pty joined to an echo device) only through the permission broker (`ctx.devices.call`), only
 * when its manifest lists the kind in `permissions.devices`, and only when the check handler lets
 * it; the handlers and the picker see it as `{ type: "plugin", id }`.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { detectRuntime, session } from "../../../mod.ts";
import { type PermissionRequester, permissionsPlugin } from "../../../plugins/permissions/mod.ts";
import { createSerialPlugin } from "../../../plugins/serial/mod.ts";
import { posixSerialAdapter } from "../../../adapters/serial/posix.ts";
import { isolationFor } from "../../../adapters/isolation/mod.ts";
import { isolatedPlugin } from "../../../kernel/messaging/_isolated_plugin.ts";
import { parseManifest } from "../../../kernel/manifest.ts";
import type { HookError } from "../../../kernel/errors.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { needs } from "../../_system.ts";
import { type FakeDevice, portFolder, startDevice } from "../serial/_pty.ts";

needs("socat");

const fixture = new URL("../../fixtures/serial_echo_plugin/", import.meta.url);
const folder = portFolder();
const running: FakeDevice[] = [];
let server: TestServer | null = null;
after(async () => {
  await server?.close();
  await Promise.all(running.map((d) => d.stop()));
  folder.remove();
});

function echoPlugin(devices: string[]) {
  const manifest = parseManifest({
    name: "serial-echo",
    version: "1.0.0",
    requires: ["permissions", "serial"],
    hooks: ["beforeSendHeaders"],
    permissions: { devices },
    isolation: "worker",
  });
  return isolatedPlugin(manifest, new URL("mod.ts", fixture), {
    adapter: isolationFor(detectRuntime()),
    permissions: { net: [], read: [decodeURIComponent(fixture.pathname)], write: [], env: [] },
    hookTimeout: 10_000,
    setupTimeout: 10_000,
  });
}

let counter = 0;
async function setup(devices: string[]) {
  server ??= await serve((request) => Response.json(Object.fromEntries(request.headers)));
  const name = `isolated-port-${counter++}`;
  running.push(await startDevice(join(folder.dir, name), "SYSTEM:cat"));
  const ses = session.fromPartition(`isolated-devices-${Math.random().toString(36).slice(2)}`, {
    plugins: [
      permissionsPlugin,
      createSerialPlugin({
        adapter: posixSerialAdapter({
          folders: [{ dir: folder.dir, match: new RegExp(`^${name}$`) }],
        }),
      }),
      echoPlugin(devices),
    ],
  });
  const errors: HookError[] = [];
  ses.on("hook-error", (_event, error) => errors.push(error as HookError));
  const pickedFor: Array<PermissionRequester | null> = [];
  ses.on("select-serial-port", (event, portList, webContents, callback) => {
    event.preventDefault();
    pickedFor.push(webContents);
    callback(portList[0]?.portId ?? "");
  });
  const headers = async (text: string) =>
    (await (await ses.fetch(server!.url, { headers: { "x-serial-text": text } })).json()) as Record<
      string,
      string
    >;
  return { ses, errors, pickedFor, headers };
}

describe("permissions: devices for isolated plugins (Worker, socat pty)", () => {
  it("a plugin whose manifest lists serial talks to the port through the broker, as itself", async () => {
    const { ses, pickedFor, headers, errors } = await setup(["serial"]);
    const checked: Array<[PermissionRequester | null, string, string]> = [];
    ses.setPermissionCheckHandler((webContents, permission, origin) => {
      checked.push([webContents, permission, origin]);
      return true;
    });
    try {
      const seen = await headers("ping through the broker");
      assert.equal(seen["x-device-error"], undefined);
      assert.equal(seen["x-echo"], "ping through the broker");
      assert.deepEqual(pickedFor, [{ type: "plugin", id: "serial-echo" }]);
      assert.ok(
        checked.some(([who, permission, origin]) =>
          who?.type === "plugin" && who.id === "serial-echo" && permission === "serial" &&
          origin === "websession-plugin://serial-echo"
        ),
        JSON.stringify(checked),
      );
      // the grant is the plugin's, not the application's
      assert.equal(
        ses.permissions.grantedDevices("serial", "websession-plugin://serial-echo").length,
        1,
      );
      assert.equal(ses.permissions.grantedDevices("serial", "websession://app").length, 0);
      assert.deepEqual(errors, []);
    } finally {
      await ses.close();
    }
  });

  it("the check handler denies: the plugin gets a SecurityError and no picker opens", async () => {
    const { ses, pickedFor, headers } = await setup(["serial"]);
    ses.setPermissionCheckHandler((webContents, permission) =>
      !(webContents?.type === "plugin" && permission === "serial")
    );
    try {
      const seen = await headers("denied");
      assert.equal(seen["x-echo"], undefined);
      assert.equal(
        seen["x-device-error"],
        "SecurityError: Plugin serial-echo was denied the serial permission",
      );
      assert.deepEqual(pickedFor, []);
    } finally {
      await ses.close();
    }
  });

  it("a manifest without serial in permissions.devices: refused before the broker is asked", async () => {
    const { ses, pickedFor, headers } = await setup([]);
    let asked = 0;
    ses.setPermissionCheckHandler(() => (asked++, true));
    try {
      const seen = await headers("undeclared");
      assert.equal(
        seen["x-device-error"],
        'TypeError: Plugin serial-echo may not use serial devices: its manifest does not list "serial" in permissions.devices',
      );
      assert.equal(asked, 0);
      assert.deepEqual(pickedFor, []);
    } finally {
      await ses.close();
    }
  });
});
