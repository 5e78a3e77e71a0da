import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import {
  type DevicePermissionDetails,
  type PermissionRequestDetails,
  permissionsPlugin,
  pick,
} from "../../../plugins/permissions/mod.ts";

function fresh(prefix = "") {
  const name = `${prefix}permissions-${Math.random().toString(36).slice(2)}`;
  return session.fromPartition(name, { plugins: [permissionsPlugin] });
}

const serialPort = { portId: "p1", portName: "ttyUSB0", vendorId: "1027", productId: "24577" };

describe("permissions: request handler", () => {
  it("grants without a handler, as Electron does", async () => {
    const ses = fresh();
    assert.equal(await ses.permissions.request("notifications"), true);
    assert.equal(ses.permissions.check("serial"), true);
  });

  it("passes (webContents, permission, callback, details) and uses the callback's answer", async () => {
    const ses = fresh();
    const seen: unknown[][] = [];
    ses.setPermissionRequestHandler((webContents, permission, callback, details) => {
      seen.push([webContents, permission, details]);
      setTimeout(() => callback(permission === "media"), 5);
    });
    assert.equal(
      await ses.permissions.request("media", {
        requestingUrl: "https://cam.example/call",
        mediaTypes: ["video"],
        securityOrigin: "https://cam.example",
        requester: { type: "page", id: "https://cam.example/call" },
      }),
      true,
    );
    assert.equal(await ses.permissions.request("geolocation"), false);
    assert.deepEqual(seen[0], [
      { type: "page", id: "https://cam.example/call" },
      "media",
      {
        requestingUrl: "https://cam.example/call",
        isMainFrame: true,
        mediaTypes: ["video"],
        securityOrigin: "https://cam.example",
      } satisfies PermissionRequestDetails,
    ]);
    // No requester known: null where Electron passes a webContents; the application's own URL.
    assert.deepEqual(seen[1], [null, "geolocation", {
      requestingUrl: "websession://app/",
      isMainFrame: true,
    }]);
  });

  it("a second callback throws Electron's TypeError and changes nothing; a throwing handler denies; null restores the default", async () => {
    const ses = fresh();
    const errors: unknown[] = [];
    ses.on("hook-error", (_event, error) => errors.push(error));
    let second: unknown = null;
    ses.setPermissionRequestHandler((_wc, _p, callback) => {
      callback(false);
      try {
        callback(true);
      } catch (error) {
        second = error;
      }
    });
    assert.equal(
      await ses.permissions.request("openExternal", { externalURL: "mailto:a@b" }),
      false,
    );
    // Every callback Electron hands to JavaScript is one-time (gin_helper's translater).
    assert.ok(second instanceof TypeError);
    assert.equal((second as TypeError).message, "One-time callback was called more than once");
    ses.setPermissionRequestHandler(() => {
      throw new Error("handler broke");
    });
    assert.equal(await ses.permissions.request("fullscreen"), false);
    assert.match((errors[0] as Error).message, /failed in permissions: handler broke$/);
    ses.setPermissionRequestHandler(null);
    assert.equal(await ses.permissions.request("fullscreen"), true);
  });

  it("clearing the handler denies the requests it left pending, as Electron's spec asks", async () => {
    // Electron's spec/api-session-spec.ts: 'cancels any pending requests when cleared'.
    const ses = fresh();
    ses.setPermissionRequestHandler(() => ses.setPermissionRequestHandler(null));
    const outcome = await Promise.race([
      ses.permissions.request("midiSysex"),
      new Promise((resolve) => setTimeout(() => resolve("still pending"), 500)),
    ]);
    assert.equal(outcome, false);
    // Replacing a handler by another leaves them waiting for their callback.
    const later: Array<(granted: boolean) => void> = [];
    ses.setPermissionRequestHandler((_wc, _permission, callback) => later.push(callback));
    const asked = ses.permissions.request("notifications");
    ses.setPermissionRequestHandler(() => {});
    later[0](true);
    assert.equal(await asked, true);
  });

  it("refuses names Electron does not have and handlers that are not functions", () => {
    const ses = fresh();
    assert.throws(
      () => ses.permissions.request("camera" as never),
      { name: "TypeError", message: 'ses.permissions.request: unknown permission "camera"' },
    );
    assert.throws(
      () => ses.permissions.check("notifications-x" as never),
      { name: "TypeError", message: 'ses.permissions.check: unknown permission "notifications-x"' },
    );
    // "serial" is a check permission, not a request one (Electron's lists differ).
    assert.throws(() => ses.permissions.request("serial" as never), TypeError);
    for (
      const method of [
        "setPermissionRequestHandler",
        "setPermissionCheckHandler",
        "setDevicePermissionHandler",
      ] as const
    ) {
      assert.throws(() => ses[method]("yes" as never), {
        name: "TypeError",
        message: `ses.${method}: Must pass null or a function`,
      });
    }
  });
});

describe("permissions: check handler", () => {
  it("passes (webContents, permission, requestingOrigin, details) and uses its answer", () => {
    const ses = fresh();
    const seen: unknown[][] = [];
    ses.setPermissionCheckHandler((webContents, permission, origin, details) => {
      seen.push([webContents, permission, origin, details]);
      return origin === "https://ok.example";
    });
    assert.equal(
      ses.permissions.check("serial", {
        requestingUrl: "https://ok.example/page",
        isMainFrame: false,
        embeddingOrigin: "https://top.example",
      }),
      true,
    );
    assert.equal(ses.permissions.check("hid"), false);
    assert.deepEqual(seen[0], [null, "serial", "https://ok.example", {
      requestingUrl: "https://ok.example/page",
      isMainFrame: false,
      embeddingOrigin: "https://top.example",
    }]);
    assert.deepEqual(seen[1], [null, "hid", "websession://app", {
      requestingUrl: "websession://app/",
      isMainFrame: true,
    }]);
    ses.setPermissionCheckHandler(null);
    assert.equal(ses.permissions.check("hid"), true);
  });
});

describe("permissions: the picker's callback", () => {
  it("is one-time, as Electron's: a second call throws a TypeError and the first choice stands", async () => {
    let second: unknown = null;
    const chosen = await pick<string>({
      list: () => Promise.resolve(["a", "b"]),
      identity: (d) => d,
      idOf: (d) => d,
      select: (_devices, callback) => {
        callback("b");
        try {
          callback("a");
        } catch (error) {
          second = error;
        }
        return true;
      },
      added() {},
      removed() {},
      report() {},
    });
    assert.equal(chosen, "b");
    assert.ok(second instanceof TypeError);
    assert.equal((second as TypeError).message, "One-time callback was called more than once");
  });

  it("may still be called once after the selection ended without preventDefault()", async () => {
    let late: ((id?: string | null) => void) | null = null;
    const chosen = await pick<string>({
      list: () => Promise.resolve(["a"]),
      identity: (d) => d,
      idOf: (d) => d,
      select: (_devices, callback) => (late = callback, false),
      added() {},
      removed() {},
      report() {},
    });
    assert.equal(chosen, null);
    late!("a"); // too late to choose, and no error: the app never called it before
  });
});

describe("permissions: answers that are not booleans", () => {
  // Electron reads every answer through gin's bool converter, which is JavaScript truthiness
  // (v8's BooleanValue): a handler returning 1 or "yes" grants, 0, "" or undefined denies.
  const truthy: unknown[] = [1, "yes", {}, []];
  const falsy: unknown[] = [0, "", undefined, null, NaN];
  const device = { deviceType: "serial" as const, key: "path:/dev/ttyS9", device: serialPort };

  it("the check handler's return value counts by truthiness, as Electron's", () => {
    const ses = fresh();
    for (const answer of [...truthy, ...falsy]) {
      ses.setPermissionCheckHandler(() => answer as boolean);
      assert.equal(ses.permissions.check("serial"), Boolean(answer), String(answer));
    }
  });

  it("the request callback's argument counts by truthiness, as Electron's", async () => {
    const ses = fresh();
    for (const answer of [...truthy, ...falsy]) {
      ses.setPermissionRequestHandler((_wc, _p, callback) => callback(answer as boolean));
      assert.equal(await ses.permissions.request("notifications"), Boolean(answer), String(answer));
    }
  });

  it("the device permission handler's return value counts by truthiness, as Electron's", () => {
    const ses = fresh();
    for (const answer of [...truthy, ...falsy]) {
      ses.setDevicePermissionHandler(() => answer as boolean);
      assert.equal(ses.permissions.hasDevice("https://a.example", device), Boolean(answer));
    }
  });
});

describe("permissions: device grants", () => {
  const device = { deviceType: "serial" as const, key: "1027:24577:A1", device: serialPort };

  it("a picker's grant answers until revoked; revoking tells the device plugin", () => {
    const ses = fresh();
    const revoked: unknown[] = [];
    ses.permissions.onDeviceRevoked("serial", (grant) => revoked.push(grant));
    assert.equal(ses.permissions.hasDevice("https://a.example", device), false);
    ses.permissions.grantDevice("https://a.example", device);
    assert.equal(ses.permissions.hasDevice("https://a.example", device), true);
    assert.equal(ses.permissions.hasDevice("https://b.example", device), false);
    assert.equal(ses.permissions.revokeDevice("serial", "https://a.example", device.key), true);
    assert.equal(ses.permissions.revokeDevice("serial", "https://a.example", device.key), false);
    assert.equal(ses.permissions.hasDevice("https://a.example", device), false);
    assert.deepEqual(revoked, [{ ...device, origin: "https://a.example" }]);
  });

  it("the device permission handler decides when set, with Electron's details", () => {
    const ses = fresh();
    const seen: DevicePermissionDetails[] = [];
    ses.setDevicePermissionHandler((details) => {
      seen.push(details);
      return details.origin === "https://b.example";
    });
    ses.permissions.grantDevice("https://a.example", device);
    assert.equal(ses.permissions.hasDevice("https://a.example", device), false);
    assert.equal(ses.permissions.hasDevice("https://b.example", device), true);
    assert.deepEqual(seen[1], {
      deviceType: "serial",
      origin: "https://b.example",
      device: serialPort,
    });
    ses.setDevicePermissionHandler(null);
    assert.equal(ses.permissions.hasDevice("https://a.example", device), true);
  });

  it("persist: partitions keep grants across a restart of the session; others do not", async () => {
    const name = `persist:grants-${Math.random().toString(36).slice(2)}`;
    const first = session.fromPartition(name, { plugins: [permissionsPlugin] });
    await first.ready;
    first.permissions.grantDevice("https://a.example", device);
    first.permissions.grantDevice("https://c.example", device);
    first.permissions.revokeDevice("serial", "https://c.example", device.key);
    await first.flushStorageData();
    await session.closePartition(name);
    const again = session.fromPartition(name, { plugins: [permissionsPlugin] });
    await again.ready;
    assert.equal(again.permissions.hasDevice("https://a.example", device), true);
    assert.equal(again.permissions.hasDevice("https://c.example", device), false);
    assert.deepEqual(again.permissions.grantedDevices("serial"), [{
      ...device,
      origin: "https://a.example",
    }]);
    await session.closePartition(name);

    const memory = `grants-${Math.random().toString(36).slice(2)}`;
    const m1 = session.fromPartition(memory, { plugins: [permissionsPlugin] });
    m1.permissions.grantDevice("https://a.example", device);
    await session.closePartition(memory);
    const m2 = session.fromPartition(memory, { plugins: [permissionsPlugin] });
    assert.equal(m2.permissions.hasDevice("https://a.example", device), false);
    await session.closePartition(memory);
  });
});
