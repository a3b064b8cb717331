import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { Api } from "../api/http.js";
import type { ChatSocket } from "../api/socket.js";
import type { User } from "../api/types.js";
import type { CallController, CallState } from "../call/call-controller.js";

/** What every view of a logged-in person shares. */
export interface Session {
  api: Api;
  socket: ChatSocket;
  me: User;
  calls: CallController;
  webrtcEnabled: boolean;
  /** Everyone, with presence kept current from the socket. */
  users: Map<string, User>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside a logged-in page");
  return s;
}

/** The call state, re-rendering on every change. */
export function useCallState(): CallState {
  const { calls } = useSession();
  const [state, setState] = useState(calls.current);
  useEffect(() => calls.subscribe(setState), [calls]);
  return state;
}

/** The location hash as a route: "#/dm/ID" → ["dm", "ID"]. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener("hashchange", on);
    on(); // The hash may have changed between the first render and this listener.
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

export function navigate(path: string): void {
  location.hash = `#/${path}`;
}
