// The device plugins of the default preset look the permission broker up on first use, not at
// setup: when the permissions plugin fails to set up (as it does on a store that does not open),
// serial, hid and usb still set up, report nothing of their own, and their requests reject
// naming the missing plugin.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { definePlugin, type HookError, session } from "../../../mod.ts";
import { serialPlugin } from "../../../entries/serial.ts";
import { hidPlugin } from "../../../entries/hid.ts";
import { usbPlugin } from "../../../entries/usb.ts";
import manifest from "../../../plugins/permissions/manifest.json" with { type: "json" };

/** A permissions plugin whose setup fails, as the real one does when the store cannot open. */
const brokenPermissions = definePlugin({
  manifest,
  setup() {
    throw new Error("the store cannot be opened");
  },
});

describe("device plugins when the permissions plugin failed to set up", () => {
  it("serial, hid and usb set up; their requests name the missing permissions plugin", async () => {
    const ses = session.fromPartition(`devices-without-broker-${Math.random()}`, {
      preset: false,
      plugins: [brokenPermissions, serialPlugin, hidPlugin, usbPlugin],
    });
    const errors: HookError[] = [];
    ses.on("hook-error", (_event, error) => errors.push(error as HookError));
    await ses.ready;
    assert.deepEqual(errors.map((e) => e.plugin), ["permissions"], String(errors));
    assert.deepEqual(
      ses.plugins.list().filter((p) => p.active).map((p) => p.name).sort(),
      ["hid", "serial", "usb"],
    );
    const missing = { name: "MissingPluginError", message: /permissions plugin/ };
    await assert.rejects(ses.serial.requestPort(), missing);
    await assert.rejects(ses.serial.getPorts(), missing);
    await assert.rejects(ses.hid.requestDevice({ filters: [] }), missing);
    await assert.rejects(ses.usb.requestDevice({ filters: [] }), missing);
    await session.closePartition(ses.partition);
  });

  it("with the permissions plugin, the preset's device plugins answer at once", async () => {
    const ses = session.fromPartition(`devices-in-preset-${Math.random()}`);
    const errors: unknown[] = [];
    ses.on("hook-error", (_event, error) => errors.push(error));
    await ses.ready;
    assert.deepEqual(errors, []);
    ses.setPermissionCheckHandler((_wc, permission) => permission !== "serial");
    await assert.rejects(ses.serial.requestPort(), { name: "SecurityError" });
    await session.closePartition(ses.partition);
  });

  it("a grant revoked before the device plugins' first call is reported (*-revoked)", async () => {
    const ses = session.fromPartition(`devices-revoked-at-once-${Math.random()}`);
    const revoked: string[] = [];
    for (const event of ["serial-port-revoked", "hid-device-revoked", "usb-device-revoked"]) {
      ses.on(event as "serial-port-revoked", (_event, details) => {
        revoked.push(`${event} ${(details as { origin: string }).origin}`);
      });
    }
    const origin = "https://devices.example";
    for (const deviceType of ["serial", "hid", "usb"] as const) {
      ses.permissions.grantDevice(origin, { deviceType, key: `${deviceType}-1`, device: {} });
      assert.equal(ses.permissions.revokeDevice(deviceType, origin, `${deviceType}-1`), true);
    }
    assert.deepEqual(revoked, [
      `serial-port-revoked ${origin}`,
      `hid-device-revoked ${origin}`,
      `usb-device-revoked ${origin}`,
    ]);
    await session.closePartition(ses.partition);
  });
});
