import { ApiError } from "../api/errors.js";
import type { ServerConfig } from "./server-config.js";

function invalid(field: string, message: string): ApiError {
  return new ApiError(
    400,
    `model.config.is_valid.webrtc_${field.toLowerCase()}.app_error`,
    `WebrtcSettings.${field}: ${message}`,
  );
}

function isUrl(value: string, schemes: string[]): boolean {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

/**
 * The original's rules, with a message naming the field: when enabled, both gateway URLs and the
 * admin secret are required; a STUN URI looks like `stun:`, a TURN URI like `turn:`/`turns:` and
 * then needs a username and shared key. Returns the config normalized (trimmed, fingerprint upper-case).
 */
export function validateConfig(config: ServerConfig): ServerConfig {
  const w = { ...config.WebrtcSettings };
  for (const key of Object.keys(w) as Array<keyof typeof w>) {
    const value = w[key];
    if (typeof value === "string") (w as Record<string, unknown>)[key] = value.trim();
  }
  w.GatewayCertificateFingerprint = w.GatewayCertificateFingerprint.toUpperCase();
  if (w.Enable) {
    if (!w.GatewayWebsocketUrl) throw invalid("GatewayWebsocketUrl", "required when WebRTC is enabled.");
    if (!w.GatewayAdminUrl) throw invalid("GatewayAdminUrl", "required when WebRTC is enabled.");
    if (!w.GatewayAdminSecret) throw invalid("GatewayAdminSecret", "required when WebRTC is enabled.");
  }
  if (w.GatewayWebsocketUrl && !isUrl(w.GatewayWebsocketUrl, ["ws:", "wss:"]))
    throw invalid(
      "GatewayWebsocketUrl",
      "must be a ws:// or wss:// URL, e.g. wss://gateway.example.com:8189.",
    );
  if (w.GatewayAdminUrl && !isUrl(w.GatewayAdminUrl, ["http:", "https:"]))
    throw invalid(
      "GatewayAdminUrl",
      "must be an http:// or https:// URL, e.g. https://gateway.example.com:7089/admin.",
    );
  if (w.GatewayCertificateFingerprint && !FINGERPRINT.test(w.GatewayCertificateFingerprint))
    throw invalid(
      "GatewayCertificateFingerprint",
      "must be a SHA-256 fingerprint as the gateway prints it: 32 hex byte pairs separated by colons.",
    );
  if (w.StunURI && !/^stuns?:[^\s]+$/.test(w.StunURI))
    throw invalid("StunURI", "must look like stun:host:port.");
  if (w.TurnURI) {
    if (!/^turns?:[^\s]+$/.test(w.TurnURI))
      throw invalid("TurnURI", "must look like turn:host:port or turns:host:port.");
    if (!w.TurnUsername) throw invalid("TurnUsername", "required when a TURN URI is set.");
    if (!w.TurnSharedKey) throw invalid("TurnSharedKey", "required when a TURN URI is set.");
  }
  return {
    ServiceSettings: { ...config.ServiceSettings },
    TeamSettings: { ...config.TeamSettings },
    WebrtcSettings: w,
  };
}
