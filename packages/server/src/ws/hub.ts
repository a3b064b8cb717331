import { EventEmitter } from "node:events";

export type Presence = "online" | "away" | "offline";

/** One authenticated WebSocket, as the hub sees it (the transport lives in websocket-route.ts). */
export interface HubConnection {
  readonly id: string;
  readonly userId: string;
  readonly sessionId: string;
  /** False once the client says its user is idle (Mattermost's `user_update_active_status`). */
  active: boolean;
  /** Sends an event in Mattermost's envelope; the connection numbers them (`seq`). */
  sendEvent(event: string, data: Record<string, unknown>, broadcast?: Record<string, unknown>): void;
  close(code: number, reason: string): void;
}

interface HubEvents {
  /** A user's last connection closed. */
  offline: [userId: string];
  /** A connection closed (the user may have others). */
  closed: [connection: HubConnection];
}

/**
 * Who is connected: each user's open sockets, their presence derived from them (online with an
 * active socket, away when every socket is idle, offline with none), and delivery of events to a
 * user's sockets. Presence changes go to everyone connected, as Mattermost's `status_change`.
 */
export class Hub extends EventEmitter<HubEvents> {
  private readonly byUser = new Map<string, Set<HubConnection>>();

  add(connection: HubConnection): void {
    const before = this.statusOf(connection.userId);
    const set = this.byUser.get(connection.userId) ?? new Set();
    this.byUser.set(connection.userId, set);
    set.add(connection);
    this.announce(connection.userId, before);
  }

  remove(connection: HubConnection): void {
    const set = this.byUser.get(connection.userId);
    if (!set?.has(connection)) return;
    const before = this.statusOf(connection.userId);
    set.delete(connection);
    if (set.size === 0) this.byUser.delete(connection.userId);
    this.announce(connection.userId, before);
    this.emit("closed", connection);
    if (set.size === 0) this.emit("offline", connection.userId);
  }

  setActive(connection: HubConnection, active: boolean): void {
    const before = this.statusOf(connection.userId);
    connection.active = active;
    this.announce(connection.userId, before);
  }

  statusOf(userId: string): Presence {
    const set = this.byUser.get(userId);
    if (!set || set.size === 0) return "offline";
    for (const c of set) if (c.active) return "online";
    return "away";
  }

  connectionsOf(userId: string): HubConnection[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  isOnline(userId: string): boolean {
    return (this.byUser.get(userId)?.size ?? 0) > 0;
  }

  /** Sends an event to every socket of a user, but `except` one. */
  sendToUser(userId: string, event: string, data: Record<string, unknown>, except?: HubConnection): void {
    for (const c of this.byUser.get(userId) ?? [])
      if (c !== except)
        c.sendEvent(event, data, { user_id: userId, channel_id: "", team_id: "", omit_users: null });
  }

  /** Sends an event to every connected socket. */
  broadcast(event: string, data: Record<string, unknown>): void {
    for (const set of this.byUser.values())
      for (const c of set) c.sendEvent(event, data, { user_id: c.userId });
  }

  /** Closes the sockets of one session (logout, revoke): they may not outlive it. */
  closeSession(sessionId: string): void {
    for (const set of this.byUser.values())
      for (const c of [...set]) if (c.sessionId === sessionId) c.close(4001, "session ended");
  }

  /** Closes every socket of a user (deactivation). */
  closeUser(userId: string): void {
    for (const c of this.connectionsOf(userId)) c.close(4001, "session ended");
  }

  closeAll(): void {
    for (const set of this.byUser.values()) for (const c of [...set]) c.close(1001, "server stopping");
  }

  private announce(userId: string, before: Presence): void {
    const status = this.statusOf(userId);
    if (status === before) return;
    for (const set of this.byUser.values())
      for (const c of set) c.sendEvent("status_change", { status, user_id: userId }, { user_id: c.userId });
  }
}
