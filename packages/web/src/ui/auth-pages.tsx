import { useState } from "preact/hooks";
import { type Api, ApiError } from "../api/http.js";
import type { ClientConfig, User } from "../api/types.js";

interface Props {
  api: Api;
  config: ClientConfig;
  onLoggedIn(user: User): void;
}

function Field(props: {
  label: string;
  name: string;
  type?: "text" | "password" | "email";
  value: string;
  onInput(v: string): void;
  autocomplete?: string;
  hint?: string;
}) {
  const id = `field-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {(() => {
        const attrs = {
          id,
          name: props.name,
          value: props.value,
          autocomplete: props.autocomplete,
          required: true,
          onInput: (e: Event) => props.onInput((e.target as HTMLInputElement).value),
          "aria-describedby": props.hint ? `${id}-hint` : undefined,
        };
        // One element per type: Preact's types tie each input type to its own attributes.
        if (props.type === "password") return <input type="password" {...attrs} />;
        if (props.type === "email") return <input type="email" {...attrs} />;
        return <input type="text" {...attrs} />;
      })()}
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** A form's submit: busy while it runs, and the error's words (through `describe`) when it fails. */
function useSubmit(
  action: () => Promise<void>,
  describe: (err: unknown) => string = (err) => (err as Error).message,
) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await action();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return { submit, error, busy };
}

export function LoginPage({ api, config, onLoggedIn }: Props) {
  const [loginId, setLoginId] = useState("");
  const [password, setPassword] = useState("");
  const { submit, error, busy } = useSubmit(async () =>
    onLoggedIn(await api.login(loginId.trim(), password)),
  );
  return (
    <main class="auth">
      <h1>Callgate</h1>
      <form onSubmit={submit} aria-label="Log in">
        <h2>Log in</h2>
        <Field
          label="Username or email"
          name="login_id"
          value={loginId}
          onInput={setLoginId}
          autocomplete="username"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          autocomplete="current-password"
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Log in
        </button>
        {config.EnableOpenServer === "true" && (
          <p>
            No account yet? <a href="#/signup">Create one</a>
          </p>
        )}
      </form>
    </main>
  );
}

/** Sign-up; on a fresh install, the admin account. An invite link carries `?iid=` in the hash. */
export function SignupPage({ api, config, onLoggedIn }: Props) {
  const firstRun = config.NoAccounts === "true";
  const inviteId = new URLSearchParams(location.hash.split("?")[1] ?? "").get("iid") ?? undefined;
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { submit, error, busy } = useSubmit(
    async () => {
      await api.signUp({ username: username.trim(), email: email.trim(), password }, inviteId);
      onLoggedIn(await api.login(username.trim(), password));
    },
    (err) =>
      err instanceof ApiError && err.status === 400
        ? friendlySignupError(err.message)
        : (err as Error).message,
  );
  return (
    <main class="auth">
      <h1>Callgate</h1>
      <form onSubmit={submit} aria-label={firstRun ? "Create the admin account" : "Sign up"}>
        <h2>{firstRun ? "Create the admin account" : "Create your account"}</h2>
        {firstRun && <p>This is a new Callgate server. The first account you create administers it.</p>}
        <Field
          label="Username"
          name="username"
          value={username}
          onInput={setUsername}
          autocomplete="username"
          hint="3 to 22 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter."
        />
        <Field
          label="Email"
          name="email"
          type="email"
          value={email}
          onInput={setEmail}
          autocomplete="email"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          autocomplete="new-password"
          hint="At least 8 characters."
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {firstRun ? "Create admin account" : "Create account"}
        </button>
        {!firstRun && (
          <p>
            Have an account? <a href="#/login">Log in</a>
          </p>
        )}
      </form>
    </main>
  );
}

function friendlySignupError(message: string): string {
  if (/username.*pattern/.test(message))
    return "That username is not allowed: see the rules under the field.";
  if (/password.*fewer/.test(message)) return "The password needs at least 8 characters.";
  if (/email.*format/.test(message)) return "That email address does not look right.";
  return message;
}
