import { useEffect, useRef, useState } from "preact/hooks";
import type { CallState } from "../call/call-controller.js";
import { listDevices } from "../call/local-media.js";
import { formatSeconds } from "./format.js";
import { useCallState, useSession } from "./session.js";

function Video({
  stream,
  muted,
  label,
  class: cls,
}: {
  stream?: MediaStream;
  muted: boolean;
  label: string;
  class: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== (stream ?? null)) ref.current.srcObject = stream ?? null;
  }, [stream]);
  return <video ref={ref} class={cls} autoplay playsinline muted={muted} aria-label={label} />;
}

function useDuration(startedAt?: number): string {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!startedAt) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [startedAt]);
  return startedAt ? formatSeconds(Math.floor((now - startedAt) / 1000)) : "";
}

function DevicePickers({ state }: { state: CallState }) {
  const { calls } = useSession();
  const [devices, setDevices] = useState<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }>({
    cameras: [],
    microphones: [],
  });
  useEffect(() => {
    void listDevices()
      .then(setDevices)
      .catch(() => {});
  }, [state.localStream]);
  const current = (kind: "audio" | "video") =>
    state.localStream
      ?.getTracks()
      .find((t) => t.kind === kind)
      ?.getSettings().deviceId ?? "";
  return (
    <div class="devices">
      <label>
        Camera
        <select
          value={current("video")}
          onChange={(e) => void calls.chooseDevice("camera", (e.target as HTMLSelectElement).value)}
        >
          {devices.cameras.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `Camera ${i + 1}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Microphone
        <select
          value={current("audio")}
          onChange={(e) => void calls.chooseDevice("microphone", (e.target as HTMLSelectElement).value)}
        >
          {devices.microphones.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `Microphone ${i + 1}`}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

const QUALITY_TEXT = {
  good: "Good connection",
  fair: "Fair connection",
  poor: "Poor connection",
  unknown: "Measuring connection…",
};

/** The call: the other side large, ourselves small, and the controls, each showing its true state. */
export function CallPanel({ onMinimize }: { onMinimize(): void }) {
  const { calls } = useSession();
  const state = useCallState();
  const duration = useDuration(state.startedAt);
  const name = state.peer?.username ?? "";
  const status =
    state.phase === "outgoing"
      ? `Calling ${name}…`
      : state.phase === "connecting"
        ? `Connecting to ${name}…`
        : `In a call with ${name}`;
  return (
    <section class="call-panel" aria-label="Video call" data-phase={state.phase}>
      <header>
        <h2 aria-live="polite">{status}</h2>
        {state.phase === "active" && (
          <span class="duration">
            <span class="visually-hidden">Call duration </span>
            <time>{duration}</time>
          </span>
        )}
        {state.phase === "active" && (
          <span class={`quality ${state.quality}`} role="status" aria-label="Connection quality">
            {QUALITY_TEXT[state.quality]}
          </span>
        )}
        <button type="button" onClick={onMinimize}>
          Back to messages
        </button>
      </header>
      <div class="videos">
        <Video class="remote" stream={state.remoteStream} muted={false} label={`Video of ${name}`} />
        {state.peerVideoOff && <p class="overlay video-off">{name}'s camera is off</p>}
        {state.peerAudioMuted && <p class="overlay audio-off">{name} is muted</p>}
        <Video class="local" stream={state.localStream} muted label="Your camera" />
        {state.videoOff && <p class="overlay local-off">Your camera is off</p>}
      </div>
      <div class="controls">
        {state.phase === "outgoing" ? (
          <button type="button" class="danger" onClick={() => void calls.cancel()}>
            Cancel
          </button>
        ) : (
          <>
            <button type="button" aria-pressed={state.audioMuted} onClick={() => calls.toggleAudio()}>
              {state.audioMuted ? "Unmute" : "Mute"}
            </button>
            <button type="button" aria-pressed={state.videoOff} onClick={() => calls.toggleVideo()}>
              {state.videoOff ? "Turn camera on" : "Turn camera off"}
            </button>
            <button type="button" class="danger" onClick={() => void calls.hangup()}>
              Hang up
            </button>
          </>
        )}
      </div>
      {state.localStream && <DevicePickers state={state} />}
    </section>
  );
}

/** "NAME is calling you" with Answer / Decline; focus goes to Answer so a key press answers. */
export function IncomingCall() {
  const { calls } = useSession();
  const state = useCallState();
  const answer = useRef<HTMLButtonElement>(null);
  useEffect(() => answer.current?.focus(), []);
  const name = state.peer?.username ?? "";
  return (
    <div class="incoming" role="alertdialog" aria-modal="true" aria-labelledby="incoming-title">
      <p id="incoming-title">{name} is calling you</p>
      <div class="controls">
        <button type="button" class="primary" ref={answer} onClick={() => void calls.answer()}>
          Answer
        </button>
        <button type="button" class="danger" onClick={() => void calls.decline()}>
          Decline
        </button>
      </div>
    </div>
  );
}

/** Shown while a call runs and its panel is hidden. */
export function ReturnToCall({ onReturn }: { onReturn(): void }) {
  const state = useCallState();
  return (
    <button type="button" class="return-to-call" onClick={onReturn}>
      {state.phase === "outgoing" ? "Calling" : "Return to call with"} {state.peer?.username}
    </button>
  );
}

/** The last call's outcome or problem. */
export function CallNotice() {
  const { calls } = useSession();
  const state = useCallState();
  if (!state.notice) return null;
  return (
    <div class={`notice ${state.notice.kind}`} role={state.notice.kind === "error" ? "alert" : "status"}>
      <span>{state.notice.text}</span>
      <button type="button" class="icon" aria-label="Dismiss" onClick={() => calls.dismissNotice()}>
        ×
      </button>
    </div>
  );
}
