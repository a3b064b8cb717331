/**
 * The admin console's settings, in Mattermost's config shape (the sections and names an admin
 * coming from the seed guide looks for). Secrets are write-only through the API: they come back
 * as MASKED when set, and MASKED sent back means "keep the current value".
 */
export interface ServerConfig {
  ServiceSettings: {
    /** Skips TLS verification of every outgoing request (kept for compatibility; pinning is better). */
    EnableInsecureOutgoingConnections: boolean;
  };
  TeamSettings: {
    /** Anyone may sign up; otherwise only with the invite link (or accounts the admin creates). */
    EnableOpenServer: boolean;
  };
  WebrtcSettings: {
    Enable: boolean;
    GatewayWebsocketUrl: string;
    GatewayAdminUrl: string;
    GatewayAdminSecret: string;
    /** SHA-256 fingerprint of the gateway's certificate, as the gateway prints it: trusted even when self-signed. */
    GatewayCertificateFingerprint: string;
    StunURI: string;
    TurnURI: string;
    TurnUsername: string;
    TurnSharedKey: string;
  };
}

export const MASKED = "********";

export const SECRET_FIELDS = ["GatewayAdminSecret", "TurnSharedKey"] as const;

export function defaultConfig(): ServerConfig {
  return {
    ServiceSettings: { EnableInsecureOutgoingConnections: false },
    TeamSettings: { EnableOpenServer: false },
    WebrtcSettings: {
      Enable: false,
      GatewayWebsocketUrl: "",
      GatewayAdminUrl: "",
      GatewayAdminSecret: "",
      GatewayCertificateFingerprint: "",
      StunURI: "",
      TurnURI: "",
      TurnUsername: "",
      TurnSharedKey: "",
    },
  };
}

/** The inverse of maskSecrets for a config sent back: a masked secret means the stored one. */
export function unmaskSecrets(next: ServerConfig, stored: ServerConfig): ServerConfig {
  const webrtc = { ...next.WebrtcSettings };
  for (const field of SECRET_FIELDS)
    if (webrtc[field] === MASKED) webrtc[field] = stored.WebrtcSettings[field];
  return { ...next, WebrtcSettings: webrtc };
}

/** The config as the API shows it: secrets masked. */
export function maskSecrets(config: ServerConfig): ServerConfig {
  const webrtc = { ...config.WebrtcSettings };
  for (const field of SECRET_FIELDS) if (webrtc[field]) webrtc[field] = MASKED;
  return { ...config, WebrtcSettings: webrtc };
}
