import type { FastifyInstance } from "fastify";
import type { Accounts } from "../accounts/accounts.js";
import type { ConfigStore } from "../settings/config-store.js";
import { maskSecrets, type ServerConfig } from "../settings/server-config.js";
import { authHooks, requireAdmin } from "./session-auth.js";

const str = { type: "string", maxLength: 1024 } as const;

/** The config document's schema: unknown fields are refused, every known one is required (a PUT replaces the whole). */
export const configSchema = {
  type: "object",
  required: ["ServiceSettings", "TeamSettings", "WebrtcSettings"],
  additionalProperties: false,
  properties: {
    ServiceSettings: {
      type: "object",
      required: ["EnableInsecureOutgoingConnections"],
      additionalProperties: false,
      properties: { EnableInsecureOutgoingConnections: { type: "boolean" } },
    },
    TeamSettings: {
      type: "object",
      required: ["EnableOpenServer"],
      additionalProperties: false,
      properties: { EnableOpenServer: { type: "boolean" } },
    },
    WebrtcSettings: {
      type: "object",
      additionalProperties: false,
      required: [
        "Enable",
        "GatewayWebsocketUrl",
        "GatewayAdminUrl",
        "GatewayAdminSecret",
        "GatewayCertificateFingerprint",
        "StunURI",
        "TurnURI",
        "TurnUsername",
        "TurnSharedKey",
      ],
      properties: {
        Enable: { type: "boolean" },
        GatewayWebsocketUrl: str,
        GatewayAdminUrl: str,
        GatewayAdminSecret: str,
        GatewayCertificateFingerprint: str,
        StunURI: str,
        TurnURI: str,
        TurnUsername: str,
        TurnSharedKey: str,
      },
    },
  },
} as const;

/** `GET /api/v4/config` and `PUT /api/v4/config`: the admin console's settings, admins only. */
export function configRoutes(app: FastifyInstance, accounts: Accounts, config: ConfigStore): void {
  // What every client may know (Mattermost's client config, "old" format: strings): whether calls
  // are on and whether sign-up is open. Nothing about the gateway's admin side.
  // `NoAccounts` lets the web app offer "create the admin account" on a fresh install.
  app.get("/api/v4/config/client", async () => {
    const c = config.get();
    return {
      EnableWebrtc: String(c.WebrtcSettings.Enable),
      EnableOpenServer: String(c.TeamSettings.EnableOpenServer),
      NoAccounts: String(!(await accounts.anyUser())),
    };
  });

  app.get("/api/v4/config", async (request) => {
    await requireAdmin(accounts, request);
    return maskSecrets(config.get());
  });

  const auth = authHooks(accounts);
  app.put<{ Body: ServerConfig }>(
    "/api/v4/config",
    { schema: { body: configSchema }, preValidation: auth.admin },
    async (request) => {
      return maskSecrets(await config.update(request.body));
    },
  );
}
