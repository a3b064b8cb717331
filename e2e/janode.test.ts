import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Janode, { type JanodeConnection } from "janode";
import JanodeHandle from "janode/handle";
import { CONFORMANCE_ADMIN_SECRET } from "./support/janus-configs.js";
import { janusInstalled, type RunningTarget, startCallgate, startJanus } from "./support/processes.js";

/** Janode ships no VideoCall plugin module; this is the whole of one, as Janode's docs describe. */
class VideoCallHandle extends JanodeHandle {
  override handleMessage(message: Record<string, unknown>): unknown {
    const plugindata = message.plugindata as { plugin: string; data: Record<string, unknown> } | undefined;
    const transaction = message.transaction as string | undefined;
    if (plugindata?.plugin !== "janus.plugin.videocall" || !transaction || !this.ownsTransaction(transaction))
      return null;
    const data = plugindata.data;
    if (typeof data.error_code === "number")
      this.closeTransactionWithError(transaction, new Error(`${data.error_code} ${data.error}`));
    else this.closeTransactionWithSuccess(transaction, data);
    return data;
  }
}

/**
 * Interop with Janode, Meetecho's own Node.js client from npm, against `callgate gateway -F DIR`
 * where DIR holds Janus's own config files (token auth on, admin secret set). The same test runs
 * against Debian's Janus, which shows that what it expects is what Janus does.
 */
const targets = [
  { name: "callgate gateway -F DIR", start: startCallgate, skip: false as string | false },
  {
    name: "Janus 1.1.2 (reference)",
    start: startJanus,
    skip: janusInstalled() ? false : "Debian's janus is not installed",
  },
];

for (const target of targets)
  describe(`Janode against ${target.name}`, { skip: target.skip }, () => {
    let gateway: RunningTarget;
    let admin: JanodeConnection;
    const token = `janode-${process.pid}`;

    before(async () => {
      Janode.Logger.setLevel("none");
      gateway = await target.start();
      admin = await Janode.connect({
        is_admin: true,
        address: { url: gateway.adminWs, apisecret: CONFORMANCE_ADMIN_SECRET },
        max_retries: 1,
      });
    });
    after(async () => {
      await admin?.close().catch(() => {});
      await gateway?.stop();
    });

    it("creates a session with a token registered through the admin API, attaches videocall and lists", async () => {
      const added = await admin.sendRequest({
        janus: "add_token",
        token,
        plugins: ["janus.plugin.videocall"],
      });
      assert.deepEqual((added.data as { plugins: string[] }).plugins, ["janus.plugin.videocall"]);
      const conn = await Janode.connect({ address: { url: gateway.ws, token }, max_retries: 1 });
      try {
        const info = await conn.getInfo();
        assert.equal(info.auth_token, true);
        const session = await conn.create();
        const handle = await session.attach({ id: "janus.plugin.videocall", Handle: VideoCallHandle });
        assert.deepEqual(await handle.message({ request: "list" }), {
          videocall: "event",
          result: { list: [] },
        });
        assert.deepEqual(await handle.message({ request: "register", username: "janode-user" }), {
          videocall: "event",
          result: { event: "registered", username: "janode-user" },
        });
        assert.deepEqual(await handle.message({ request: "list" }), {
          videocall: "event",
          result: { list: ["janode-user"] },
        });
        await assert.rejects(
          session.attach({ id: "janus.plugin.echotest" }),
          /405 Provided token can't access plugin 'janus.plugin.echotest'/,
        );
        const sessions = await admin.listSessions();
        assert.ok(sessions.sessions.includes(session.id));
        await handle.detach();
        await session.destroy();
      } finally {
        await conn.close();
      }
    });

    it("fails with Janus's 403 once the token was removed", async () => {
      await admin.sendRequest({ janus: "remove_token", token });
      const conn = await Janode.connect({ address: { url: gateway.ws, token }, max_retries: 1 });
      try {
        await assert.rejects(conn.create(), /403 Unauthorized request \(wrong or missing secret\/token\)/);
      } finally {
        await conn.close();
      }
    });
  });
