import type {
  Channel,
  ClientConfig,
  ConnectionReport,
  Post,
  ServerConfig,
  User,
  WebrtcToken,
} from "./types.js";
import { WEBRTC_OPT_IN } from "./types.js";

/** An error the server answered, with Mattermost's id and a message meant for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * The chat server's HTTP API. The session rides in the HTTP-only cookie the login set, so no
 * token is ever kept in page storage.
 */
export class Api {
  constructor(private readonly base = "") {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        credentials: "same-origin",
        headers:
          body === undefined
            ? {}
            : { "content-type": "application/json", "x-requested-with": "XMLHttpRequest" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, "network", "The server cannot be reached. Check your connection.");
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const e = (json ?? {}) as { id?: string; message?: string };
      throw new ApiError(res.status, e.id ?? "unknown", e.message ?? `The server answered ${res.status}.`);
    }
    return json as T;
  }

  clientConfig() {
    return this.request<ClientConfig>("GET", "/api/v4/config/client");
  }
  /** The logged-in user, or null (asked without a 401, which browsers log as an error). */
  async currentUser(): Promise<User | null> {
    return (await this.request<{ user: User | null }>("GET", "/api/v4/session")).user;
  }
  login(loginId: string, password: string) {
    return this.request<User>("POST", "/api/v4/users/login", { login_id: loginId, password });
  }
  logout() {
    return this.request<{ status: string }>("POST", "/api/v4/users/logout");
  }
  signUp(input: { username: string; email: string; password: string }, inviteId?: string) {
    const query = inviteId ? `?iid=${encodeURIComponent(inviteId)}` : "";
    return this.request<User>("POST", `/api/v4/users${query}`, input);
  }
  users() {
    return this.request<User[]>("GET", "/api/v4/users?per_page=200");
  }
  user(id: string) {
    return this.request<User>("GET", `/api/v4/users/${id}`);
  }
  directChannel(me: string, other: string) {
    return this.request<Channel>("POST", "/api/v4/channels/direct", [me, other]);
  }
  posts(channelId: string, page = 0) {
    return this.request<{ order: string[]; posts: Record<string, Post> }>(
      "GET",
      `/api/v4/channels/${channelId}/posts?page=${page}&per_page=60`,
    );
  }
  sendPost(channelId: string, message: string) {
    return this.request<Post>("POST", "/api/v4/posts", { channel_id: channelId, message });
  }
  config() {
    return this.request<ServerConfig>("GET", "/api/v4/config");
  }
  saveConfig(config: ServerConfig) {
    return this.request<ServerConfig>("PUT", "/api/v4/config", config);
  }
  testConnection(config: ServerConfig) {
    return this.request<ConnectionReport>("POST", "/api/v4/webrtc/test", config);
  }
  inviteId() {
    return this.request<{ invite_id: string }>("GET", "/api/v4/invite_id");
  }
  webrtcToken() {
    return this.request<WebrtcToken>("GET", "/api/v4/webrtc/token");
  }
  async callsOptIn(): Promise<boolean> {
    const prefs = await this.request<Array<{ category: string; name: string; value: string }>>(
      "GET",
      "/api/v4/users/me/preferences",
    );
    return prefs.some(
      (p) => p.category === WEBRTC_OPT_IN.category && p.name === WEBRTC_OPT_IN.name && p.value === "true",
    );
  }
  setCallsOptIn(userId: string, on: boolean) {
    return this.request<{ status: string }>("PUT", "/api/v4/users/me/preferences", [
      { user_id: userId, ...WEBRTC_OPT_IN, value: String(on) },
    ]);
  }
}
