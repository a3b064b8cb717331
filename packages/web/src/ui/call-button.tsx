import type { User } from "../api/types.js";
import { useCallState, useSession } from "./session.js";

/** "Start video call", disabled with the reason shown when calling is not possible. */
export function CallButton({ user, label = "Start video call" }: { user: User; label?: string }) {
  const { calls, webrtcEnabled } = useSession();
  useCallState();
  const why = calls.whyCannotCall(user, webrtcEnabled);
  const reasonId = `call-reason-${user.id}`;
  return (
    <span class="call-button">
      <button
        type="button"
        class="primary"
        disabled={why !== undefined}
        aria-describedby={why ? reasonId : undefined}
        onClick={() => void calls.startCall(user)}
      >
        {label}
      </button>
      {why && (
        <span class="reason" id={reasonId}>
          {why}
        </span>
      )}
    </span>
  );
}
