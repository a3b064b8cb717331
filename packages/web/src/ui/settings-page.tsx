import { useEffect, useState } from "preact/hooks";
import { useSession } from "./session.js";

/** Account Settings > Advanced: the pre-release opt-in for calls. */
export function SettingsPage() {
  const { api, me } = useSession();
  const [optIn, setOptIn] = useState<boolean | undefined>();
  const [message, setMessage] = useState("");
  useEffect(() => {
    api.callsOptIn().then(setOptIn, (err: Error) => setMessage(err.message));
  }, [api]);
  const change = async (on: boolean) => {
    setOptIn(on);
    try {
      await api.setCallsOptIn(me.id, on);
      setMessage(
        on ? "Video calls are on: people can call you." : "Video calls are off: calls to you are refused.",
      );
    } catch (err) {
      setOptIn(!on);
      setMessage((err as Error).message);
    }
  };
  return (
    <section class="settings" aria-label="Account settings">
      <h2>Account settings</h2>
      <fieldset>
        <legend>Advanced</legend>
        <label class="check">
          <input
            type="checkbox"
            name="feature_enabled_webrtc_preview"
            checked={optIn === true}
            disabled={optIn === undefined}
            onChange={(e) => void change((e.target as HTMLInputElement).checked)}
          />
          Preview pre-release features: video calls
        </label>
        <p class="hint">Lets others call you, and you call them, one on one with video.</p>
        {message && <p role="status">{message}</p>}
      </fieldset>
    </section>
  );
}
