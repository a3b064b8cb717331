import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { Api } from "../api/http.js";
import { ChatSocket } from "../api/socket.js";
import { type ClientConfig, isAdmin, type Presence, type User } from "../api/types.js";
import { CallController } from "../call/call-controller.js";
import { LoginPage, SignupPage } from "./auth-pages.js";
import { CallNotice, CallPanel, IncomingCall, ReturnToCall } from "./call-views.js";
import { ConsolePage } from "./console-page.js";
import { Conversation } from "./conversation.js";
import { PeopleList } from "./people-list.js";
import { navigate, type Session, SessionContext, useCallState, useRoute, useSession } from "./session.js";
import { SettingsPage } from "./settings-page.js";

const api = new Api();

/** Loads who is logged in, then shows the login / first-run pages or the app. */
export function App() {
  const [config, setConfig] = useState<ClientConfig | undefined>();
  const [me, setMe] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState("");
  const route = useRoute();
  // Stable, so that the logged-in part's effects (its socket) do not restart on every render here.
  const loggedOut = useCallback(() => setMe(null), []);

  useEffect(() => {
    api.clientConfig().then(setConfig, (err: Error) => setError(err.message));
    api.currentUser().then(setMe, (err: Error) => setError(err.message));
  }, []);

  if (error)
    return (
      <main class="auth">
        <p class="error" role="alert">
          {error}
        </p>
      </main>
    );
  if (!config || me === undefined) return <main class="auth">Loading…</main>;
  if (!me) {
    const loggedIn = (user: User) => {
      setMe(user);
      navigate("");
    };
    return config.NoAccounts === "true" || route[0]?.startsWith("signup") ? (
      <SignupPage api={api} config={config} onLoggedIn={loggedIn} />
    ) : (
      <LoginPage api={api} config={config} onLoggedIn={loggedIn} />
    );
  }
  return <LoggedIn me={me} webrtcEnabled={config.EnableWebrtc === "true"} onLoggedOut={loggedOut} />;
}

function LoggedIn({
  me,
  webrtcEnabled,
  onLoggedOut,
}: {
  me: User;
  webrtcEnabled: boolean;
  onLoggedOut(): void;
}) {
  const [users, setUsers] = useState(new Map<string, User>());
  const [connected, setConnected] = useState(true);
  const session = useMemo<Session>(() => {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new ChatSocket(`${scheme}//${location.host}/api/v4/websocket`);
    const known = new Map<string, User>();
    const userById = async (id: string) => known.get(id) ?? (await api.user(id).catch(() => undefined));
    const calls = new CallController(api, socket, me, userById);
    return { api, socket, me, calls, webrtcEnabled, users: known };
  }, [me, webrtcEnabled]);

  useEffect(() => {
    const { socket } = session;
    const refresh = () =>
      api.users().then((list) => {
        session.users.clear();
        for (const u of list) session.users.set(u.id, u);
        setUsers(new Map(session.users));
      });
    const off = socket.on((e) => {
      if (e.event === "hello") void refresh();
      if (e.event === "status_change") {
        const id = String(e.data.user_id);
        const u = session.users.get(id);
        if (u) session.users.set(id, { ...u, status: e.data.status as Presence });
        else void refresh();
        setUsers(new Map(session.users));
      }
      if (e.event === "user_updated") {
        const id = String(e.data.user_id);
        const u = session.users.get(id);
        if (u) session.users.set(id, { ...u, calls_enabled: e.data.calls_enabled === true });
        setUsers(new Map(session.users));
      }
      // The socket was closed as unauthenticated: logged out elsewhere, or a hiccup while it
      // authenticated. The HTTP session says which.
      if (e.event === "session_ended")
        void api.currentUser().then(
          (user) => (user ? socket.start() : onLoggedOut()),
          () => onLoggedOut(),
        );
    });
    socket.onConnectionChange = setConnected;
    socket.start();
    const idle = () =>
      void socket.send("user_update_active_status", { user_is_active: !document.hidden }).catch(() => {});
    document.addEventListener("visibilitychange", idle);
    return () => {
      off();
      socket.stop();
      document.removeEventListener("visibilitychange", idle);
    };
  }, [session, onLoggedOut]);

  return (
    <SessionContext.Provider value={{ ...session, users }}>
      <Shell connected={connected} onLoggedOut={onLoggedOut} />
    </SessionContext.Provider>
  );
}

function Shell({ connected, onLoggedOut }: { connected: boolean; onLoggedOut(): void }) {
  const { me, users, calls } = useSession();
  const call = useCallState();
  const route = useRoute();
  const [callHidden, setCallHidden] = useState(false);
  const inCall = call.phase === "outgoing" || call.phase === "connecting" || call.phase === "active";
  useEffect(() => {
    if (call.phase === "idle") setCallHidden(false);
  }, [call.phase]);
  useEffect(() => {
    // Opening the call from anywhere (a person's card, the header) shows it.
    if (call.phase === "outgoing") setCallHidden(false);
  }, [call.phase]);
  // Going somewhere else during a call (another conversation, the settings) shows that page, with
  // the "Return to call" bar above it.
  const path = route.join("/");
  const [lastPath, setLastPath] = useState(path);
  if (path !== lastPath) {
    setLastPath(path);
    if (inCall) setCallHidden(true);
  }

  const logout = async () => {
    if (inCall) await calls.hangup();
    await api.logout().catch(() => {});
    onLoggedOut();
  };

  const [view, arg] = route;
  const other = view === "dm" && arg ? users.get(arg) : undefined;
  let main = (
    <section class="welcome">
      <h2>Welcome, {me.username}</h2>
      <p>Pick someone on the left to send a message or start a video call.</p>
    </section>
  );
  if (other) main = <Conversation other={other} />;
  else if (view === "console" && isAdmin(me)) main = <ConsolePage />;
  else if (view === "settings") main = <SettingsPage />;

  return (
    <div class="shell">
      <aside class="sidebar">
        <p class="me">
          Logged in as <strong>{me.username}</strong>
        </p>
        <PeopleList active={other?.id} />
        {/* Pinned to the sidebar's foot, so that it stays put while people join the list above it. */}
        <nav aria-label="Account" class="account-links">
          <ul class="links">
            <li>
              <a href="#/settings">Account settings</a>
            </li>
            {isAdmin(me) && (
              <li>
                <a href="#/console">System console</a>
              </li>
            )}
            <li>
              <button type="button" class="link" onClick={() => void logout()}>
                Log out
              </button>
            </li>
          </ul>
        </nav>
      </aside>
      <main class="main">
        {!connected && (
          <p class="banner" role="alert">
            Connection to the server lost. Reconnecting…
          </p>
        )}
        {inCall && callHidden && <ReturnToCall onReturn={() => setCallHidden(false)} />}
        <CallNotice />
        {inCall && !callHidden ? <CallPanel onMinimize={() => setCallHidden(true)} /> : main}
      </main>
      {call.phase === "incoming" && <IncomingCall />}
    </div>
  );
}
