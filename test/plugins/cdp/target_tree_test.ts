import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CDPClosedError } from "../../../kernel/cdp/mod.ts";
import { type CdpBrowser, connect, launch } from "../../../entries/cdp.ts";
import { TargetTree } from "../../../plugins/cdp/target_tree.ts";
import { type CdpSite, startCdpSite, until } from "../../_cdp_site.ts";
import { needs } from "../../_system.ts";

describe("TargetTree on real Chromium (pipe)", () => {
  needs("chromium");
  let browser: CdpBrowser;
  let site: CdpSite;
  let tree: TargetTree;
  const logs: { label: string; text: string; sessionId: string }[] = [];
  const errors: unknown[] = [];

  before(async () => {
    site = await startCdpSite();
    browser = await launch({ pipe: true, args: ["--remote-debugging-port=0"] });
    tree = await TargetTree.start(browser.connection, {
      hooks: [(session) => session.send("Runtime.enable")],
      policy: { service_worker: { detachWhenIdle: 400 } },
      onError: (error) => errors.push(error),
    });
    browser.connection.on("Runtime.consoleAPICalled", (event, sessionId) => {
      logs.push({ label: tree.label(sessionId), text: String(event.args[0]?.value), sessionId });
    });
  });

  after(async () => {
    tree?.stop();
    await browser?.close();
    await site?.close();
  });

  const labelsOf = (text: string) => logs.filter((l) => l.text === text).map((l) => l.label);

  it("sees every console call of the scenario, first logs included, labelled from the tree", async () => {
    const page = await tree.newPage(site.page);
    assert.equal(page.info.type, "page");
    await until(() => logs.length >= 5, 10000, "five console calls");
    assert.deepEqual(labelsOf("page"), [`page,${site.page}`]);
    assert.deepEqual(labelsOf("frame"), [`iframe,${site.frame}`]);
    assert.deepEqual(labelsOf("nested"), [`iframe,${site.nested}`]);
    assert.deepEqual(labelsOf("worker"), [`worker,${site.worker}`]);
    assert.deepEqual(labelsOf("shared"), [`shared_worker,${site.shared}`]);
    assert.deepEqual(errors, []);
  });

  it("keeps a tree of sessions with queries by type and URL", async () => {
    const [page] = tree.query({ type: "page", url: site.page });
    const [frame] = tree.query({ type: "iframe", url: /localhost/ });
    const [nested] = tree.query({ type: "iframe", url: site.nested });
    const [worker] = tree.query({ type: "worker" });
    const [shared] = tree.query({ type: "shared_worker" });
    assert.ok(page && frame && nested && worker && shared);
    assert.equal(frame.parentSessionId, page.sessionId);
    assert.equal(nested.parentSessionId, frame.sessionId);
    assert.equal(worker.parentSessionId, page.sessionId);
    assert.equal(shared.parentSessionId, "");
    assert.deepEqual([...page.children].sort(), [frame.sessionId, worker.sessionId].sort());
    assert.equal(tree.pageOf(nested.sessionId), page);
    assert.equal(tree.get(frame.sessionId), frame);
    assert.deepEqual(tree.byTargetId(frame.targetId), [frame]);
    assert.equal(tree.query({ type: "shared_worker" }).length, 1, "no twin session kept");
    assert.equal(tree.query({ type: ["iframe", "worker"] }).length, 3);
    // browser_ui targets exist but are ignored by default.
    const { targetInfos } = await browser.connection.send("Target.getTargets", { filter: [{}] });
    assert.ok(targetInfos.some((t) => t.type === "browser_ui"));
    assert.equal(tree.query({ type: "browser_ui" }).length, 0);
  });

  it("follows an iframe navigated to another origin (target swap)", async () => {
    const [page] = tree.query({ type: "page", url: site.page });
    const [frame] = tree.query({ type: "iframe", url: site.frame });
    const [nested] = tree.query({ type: "iframe", url: site.nested });
    const gone: string[] = [];
    const off = tree.on("detached", (node) => gone.push(node.sessionId));
    // To the page's own site: the frame leaves its process, its target and its child's go away.
    const sameSite = `${site.origins[2]}/log/swapped.html`;
    await browser.connection.send("Runtime.evaluate", {
      expression: `document.querySelector("iframe").src = ${JSON.stringify(sameSite)}`,
    }, { sessionId: page.sessionId });
    await until(() => labelsOf("swapped").length === 1, 10000, "the swapped log");
    assert.deepEqual(labelsOf("swapped"), [`page,${site.page}`]);
    await until(() => gone.includes(frame.sessionId), 5000, "the old iframe to detach");
    assert.ok(gone.includes(nested.sessionId));
    assert.equal(tree.get(frame.sessionId), undefined);
    // Back to a cross-site origin: a new iframe target, whose first log is seen.
    const crossSite = `${site.origins[1]}/log/back.html`;
    await browser.connection.send("Runtime.evaluate", {
      expression: `document.querySelector("iframe").src = ${JSON.stringify(crossSite)}`,
    }, { sessionId: page.sessionId });
    const back = await tree.waitFor({ type: "iframe", url: crossSite });
    assert.notEqual(back.sessionId, frame.sessionId);
    assert.equal(back.parentSessionId, page.sessionId);
    await until(() => labelsOf("back").length === 1, 10000, "the log of the new iframe");
    assert.deepEqual(labelsOf("back"), [`iframe,${crossSite}`]);
    off();
  });

  it("rejects a pending call when its target closes, and drops it from the tree", async () => {
    const [page] = tree.query({ type: "page", url: site.page });
    const [frame] = tree.query({ type: "iframe", url: /localhost/ });
    const session = browser.connection.session(frame.sessionId)!;
    const pending = session.send("Runtime.evaluate", {
      expression: "new Promise(() => {})",
      awaitPromise: true,
    }).catch((e) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await browser.connection.send("Runtime.evaluate", {
      expression: `document.querySelector("iframe").remove()`,
    }, { sessionId: page.sessionId });
    const error = await pending;
    assert.ok(error instanceof CDPClosedError, String(error));
    assert.equal(tree.get(frame.sessionId), undefined);
    assert.ok(session.detached);
  });

  it("attaches service workers and detaches them when idle, by policy", async () => {
    const seen: string[] = [];
    const offReady = tree.on("ready", (n) => {
      if (n.info.type === "service_worker") seen.push(n.sessionId);
    });
    const gone: string[] = [];
    const offGone = tree.on("detached", (n) => gone.push(n.sessionId));
    await tree.newPage(`${site.origins[0]}/sw.html`);
    await until(() => labelsOf("sw").length === 1, 10000, "the service worker's log");
    assert.deepEqual(labelsOf("sw"), [`service_worker,${site.origins[0]}/sw.js`]);
    await until(() => seen.length > 0 && gone.includes(seen[0]), 5000, "the idle detach");
    offReady();
    offGone();
  });

  it("applies per-type policies, next to another client that sees everything", async () => {
    const other = await connect(browser.wsEndpoint!);
    const second = await TargetTree.start(other, {
      hooks: [(session) => session.send("Runtime.enable")],
      policy: { worker: { ignore: true }, iframe: { pause: false, recurse: false } },
    });
    const before = logs.length;
    const page = await tree.newPage(`${site.page}?again`);
    // The shared worker already runs (the first page keeps it), so four new sources log; the
    // service worker detached when idle starts again for this page (in its scope) and logs too.
    const expected = [
      `iframe,${site.frame}`,
      `iframe,${site.nested}`,
      `page,${site.page}?again`,
      `worker,${site.worker}`,
    ];
    const fresh = () =>
      logs.slice(before).map((l) => l.label).filter((l) => !/^service_worker,/.test(l));
    await until(() => fresh().length >= 4, 10000, "four more console calls (first client)");
    assert.deepEqual(fresh().sort(), expected.sort());
    const under = (t: TargetTree, type: string, pageId: string) =>
      t.query({ type }).filter((n) => t.pageOf(n.sessionId)?.targetId === pageId);
    await second.waitFor({ type: "iframe", url: site.frame });
    const [secondPage] = second.query({ type: "page", url: page.info.url });
    assert.ok(secondPage);
    assert.deepEqual(under(second, "worker", page.targetId), [], "workers are ignored");
    assert.equal(under(second, "iframe", page.targetId).length, 1, "no recursion below iframes");
    assert.equal(under(tree, "iframe", page.targetId).length, 2);
    assert.equal(under(tree, "worker", page.targetId).length, 1);
    second.stop();
    other.close();
  });

  it("empties when the browser dies", async () => {
    assert.ok(tree.nodes.length > 0);
    browser.kill("SIGKILL");
    await browser.connection.closed;
    assert.deepEqual(tree.nodes, []);
  });
});
