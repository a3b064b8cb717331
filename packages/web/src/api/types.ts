/** The chat server's objects, as its API sends them (Mattermost v4 shapes). */

export type Presence = "online" | "away" | "offline";

export interface User {
  id: string;
  username: string;
  email: string;
  roles: string;
  create_at: number;
  delete_at: number;
  status?: Presence;
  /** Whether the user opted in to calls (Account Settings > Advanced). */
  calls_enabled?: boolean;
}

export interface Channel {
  id: string;
  type: string;
  name: string;
  last_post_at: number;
}

export interface CallRecord {
  outcome: "ended" | "declined" | "missed" | "failed";
  caller_id: string;
  callee_id: string;
  duration_ms: number;
}

export interface Post {
  id: string;
  channel_id: string;
  user_id: string;
  message: string;
  type: string;
  create_at: number;
  props: { call?: CallRecord };
}

export interface WebrtcSettings {
  Enable: boolean;
  GatewayWebsocketUrl: string;
  GatewayAdminUrl: string;
  GatewayAdminSecret: string;
  GatewayCertificateFingerprint: string;
  StunURI: string;
  TurnURI: string;
  TurnUsername: string;
  TurnSharedKey: string;
}

export interface ServerConfig {
  ServiceSettings: { EnableInsecureOutgoingConnections: boolean };
  TeamSettings: { EnableOpenServer: boolean };
  WebrtcSettings: WebrtcSettings;
}

export interface ClientConfig {
  EnableWebrtc: "true" | "false";
  EnableOpenServer: "true" | "false";
  NoAccounts: "true" | "false";
}

export interface ConnectionReport {
  ok: boolean;
  result: string;
  message: string;
  fingerprint?: string;
  gateway?: string;
}

export interface WebrtcToken {
  token: string;
  gateway_url: string;
  stun_uri?: string;
  turn_uri?: string;
  turn_username?: string;
  turn_password?: string;
}

export const MASKED = "********";
export const WEBRTC_OPT_IN = {
  category: "advanced_settings",
  name: "feature_enabled_webrtc_preview",
} as const;

export function isAdmin(user: User): boolean {
  return user.roles.split(" ").includes("system_admin");
}
