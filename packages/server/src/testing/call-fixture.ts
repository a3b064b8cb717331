import { WEBRTC_OPT_IN } from "../accounts/preferences.js";
import type { ServerConfig } from "../settings/server-config.js";
import type { TestServer, TestUser } from "./test-server.js";

/** WebRTC switched on; gateway settings not yet set get well-formed placeholders (signalling needs no gateway). */
export async function enableWebrtc(server: TestServer, over: Partial<ServerConfig["WebrtcSettings"]> = {}) {
  const config = server.config.get();
  const w = config.WebrtcSettings;
  await server.config.update({
    ...config,
    WebrtcSettings: {
      ...w,
      Enable: true,
      GatewayWebsocketUrl: w.GatewayWebsocketUrl || "ws://127.0.0.1:8188",
      GatewayAdminUrl: w.GatewayAdminUrl || "http://127.0.0.1:7088/admin",
      GatewayAdminSecret: w.GatewayAdminSecret || "a-test-admin-secret",
      ...over,
    },
  });
}

/** The user's Account Settings > Advanced opt-in to calls. */
export async function optIn(server: TestServer, user: TestUser, value = true): Promise<void> {
  const res = await server.call(user, "PUT", "/api/v4/users/me/preferences", [
    { user_id: user.id, ...WEBRTC_OPT_IN, value: String(value) },
  ]);
  if (res.statusCode !== 200) throw new Error(`opt-in failed: ${res.body}`);
}
