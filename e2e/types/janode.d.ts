// Minimal types for the parts of Janode (Meetecho's Node.js Janus client, plain JavaScript) the interop test uses.
declare module "janode" {
  import type { EventEmitter } from "node:events";
  export interface JanodeServer {
    url: string;
    token?: string;
    apisecret?: string;
  }
  export interface JanodeConnection extends EventEmitter {
    create(kaIntervalSeconds?: number): Promise<JanodeSession>;
    sendRequest(request: Record<string, unknown>): Promise<Record<string, unknown>>;
    getInfo(): Promise<Record<string, unknown>>;
    listSessions(): Promise<{ sessions: number[] }>;
    close(): Promise<void>;
  }
  export interface JanodeSession extends EventEmitter {
    id: number;
    attach<H>(descriptor: { id: string; Handle?: new (session: JanodeSession, id: number) => H }): Promise<H>;
    destroy(): Promise<void>;
  }
  const Janode: {
    connect(config: {
      address: JanodeServer;
      is_admin?: boolean;
      max_retries?: number;
      retry_time_secs?: number;
    }): Promise<JanodeConnection>;
    Logger: { setLevel(level: string): void };
  };
  export default Janode;
}

declare module "janode/handle" {
  import type { EventEmitter } from "node:events";
  export default class JanodeHandle extends EventEmitter {
    constructor(session: unknown, id: number);
    id: number;
    message(body: Record<string, unknown>, jsep?: Record<string, unknown>): Promise<Record<string, unknown>>;
    detach(): Promise<void>;
    ownsTransaction(transaction: string): boolean;
    closeTransactionWithSuccess(transaction: string, data: unknown): void;
    closeTransactionWithError(transaction: string, error: Error): void;
    handleMessage(message: Record<string, unknown>): unknown;
  }
}
