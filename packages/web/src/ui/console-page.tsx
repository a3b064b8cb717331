import { useEffect, useState } from "preact/hooks";
import { type ConnectionReport, MASKED, type ServerConfig, type WebrtcSettings } from "../api/types.js";
import { useSession } from "./session.js";

type TextField = Exclude<keyof WebrtcSettings, "Enable">;

const FIELDS: Array<{ key: TextField; label: string; hint: string; secret?: boolean; placeholder?: string }> =
  [
    {
      key: "GatewayWebsocketUrl",
      label: "Gateway WebSocket URL",
      hint: "Where browsers reach the gateway's Janus API.",
      placeholder: "wss://gateway.example.com:8189",
    },
    {
      key: "GatewayAdminUrl",
      label: "Gateway Admin URL",
      hint: "Where this server reaches the gateway's admin API.",
      placeholder: "https://gateway.example.com:7089/admin",
    },
    {
      key: "GatewayAdminSecret",
      label: "Gateway Admin Secret",
      hint: "The gateway's admin_secret.",
      secret: true,
    },
    {
      key: "GatewayCertificateFingerprint",
      label: "Gateway certificate fingerprint (SHA-256)",
      hint: "Pin the gateway's self-signed certificate: paste the fingerprint it prints at start, or take it from Test connection.",
    },
    {
      key: "StunURI",
      label: "STUN URI",
      hint: "Optional, e.g. stun:stun.example.com:3478.",
      placeholder: "stun:",
    },
    {
      key: "TurnURI",
      label: "TURN URI",
      hint: "Optional, e.g. turn:turn.example.com:3478.",
      placeholder: "turn:",
    },
    { key: "TurnUsername", label: "TURN Username", hint: "Needed with a TURN URI." },
    {
      key: "TurnSharedKey",
      label: "TURN Shared Key",
      hint: "The TURN server's static-auth-secret.",
      secret: true,
    },
  ];

/** The admin console: Connections (insecure outgoing connections) and WebRTC, with Test connection. */
export function ConsolePage() {
  const { api } = useSession();
  const [config, setConfig] = useState<ServerConfig | undefined>();
  const [saved, setSaved] = useState("");
  const [error, setError] = useState("");
  const [report, setReport] = useState<ConnectionReport | undefined>();
  const [invite, setInvite] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.config().then(setConfig, (err: Error) => setError(err.message));
    api.inviteId().then(
      (r) => setInvite(`${location.origin}/#/signup?iid=${r.invite_id}`),
      () => {},
    );
  }, [api]);
  if (!config)
    return <section class="console">{error ? <p class="error">{error}</p> : <p>Loading…</p>}</section>;

  const w = config.WebrtcSettings;
  const setWebrtc = (patch: Partial<WebrtcSettings>) => {
    setSaved("");
    setConfig({ ...config, WebrtcSettings: { ...w, ...patch } });
  };
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      setConfig(await api.saveConfig(config));
      setSaved("Saved. The new settings apply at once.");
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const test = async () => {
    setBusy(true);
    setReport(undefined);
    try {
      setReport(await api.testConnection(config));
    } catch (err) {
      setReport({ ok: false, result: "invalid", message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="console" aria-label="System console">
      <h2>System console</h2>
      <form onSubmit={save}>
        <fieldset>
          <legend>Sign-up</legend>
          <label class="check">
            <input
              type="checkbox"
              name="EnableOpenServer"
              checked={config.TeamSettings.EnableOpenServer}
              onChange={(e) =>
                setConfig({
                  ...config,
                  TeamSettings: { EnableOpenServer: (e.target as HTMLInputElement).checked },
                })
              }
            />
            Anyone who can reach this server may create an account
          </label>
          {invite && (
            <p class="hint">
              Invite link: <code>{invite}</code>
            </p>
          )}
        </fieldset>
        <fieldset>
          <legend>Connections</legend>
          <label class="check">
            <input
              type="checkbox"
              name="EnableInsecureOutgoingConnections"
              checked={config.ServiceSettings.EnableInsecureOutgoingConnections}
              onChange={(e) =>
                setConfig({
                  ...config,
                  ServiceSettings: {
                    EnableInsecureOutgoingConnections: (e.target as HTMLInputElement).checked,
                  },
                })
              }
            />
            Enable insecure outgoing connections
          </label>
          <p class="warning" role="note">
            Warning: this skips certificate checks on every outgoing connection, so anyone on the network path
            can pose as the gateway and read its admin secret. Pin the gateway's certificate fingerprint below
            instead.
          </p>
        </fieldset>
        <fieldset>
          <legend>WebRTC</legend>
          <label class="check">
            <input
              type="checkbox"
              name="Enable"
              checked={w.Enable}
              onChange={(e) => setWebrtc({ Enable: (e.target as HTMLInputElement).checked })}
            />
            Enable video calls
          </label>
          {FIELDS.map((f) => (
            <div class="field" key={f.key}>
              <label for={`cfg-${f.key}`}>{f.label}</label>
              {(() => {
                const props = {
                  id: `cfg-${f.key}`,
                  name: f.key,
                  value: w[f.key],
                  placeholder: f.secret && w[f.key] === MASKED ? "set" : f.placeholder,
                  autocomplete: "off",
                  onInput: (e: Event) => setWebrtc({ [f.key]: (e.target as HTMLInputElement).value }),
                  "aria-describedby": `cfg-${f.key}-hint`,
                };
                return f.secret ? <input type="password" {...props} /> : <input type="text" {...props} />;
              })()}
              <p class="hint" id={`cfg-${f.key}-hint`}>
                {f.secret
                  ? `${w[f.key] === MASKED ? "Set (hidden). " : w[f.key] ? "" : "Not set. "}${f.hint}`
                  : f.hint}
              </p>
            </div>
          ))}
          <button type="button" onClick={() => void test()} disabled={busy}>
            Test connection
          </button>
          {report && (
            <div class={`report ${report.ok ? "ok" : "problem"}`} role="status" data-result={report.result}>
              <p>{report.message}</p>
              {report.fingerprint && !report.ok && (
                <button
                  type="button"
                  onClick={() => setWebrtc({ GatewayCertificateFingerprint: report.fingerprint ?? "" })}
                >
                  Pin this certificate
                </button>
              )}
            </div>
          )}
        </fieldset>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {saved && <p role="status">{saved}</p>}
        <button type="submit" class="primary" disabled={busy}>
          Save
        </button>
      </form>
    </section>
  );
}
