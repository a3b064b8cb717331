import {
  type ChatServerFlags,
  launchChatServer,
  parseServerFlags,
  untilSignalled,
} from "./chat-server-launch.js";

export interface ServerCommandOptions extends ChatServerFlags {
  bind: string;
}

/** `callgate server`: the chat server and web app in the foreground until SIGINT/SIGTERM. Returns the exit code. */
export async function runServer(opts: ServerCommandOptions): Promise<number> {
  const flags = parseServerFlags(opts);
  if (typeof flags === "number") return flags;
  const server = await launchChatServer(flags, opts.bind);
  if (typeof server === "number") return server;
  return untilSignalled(async (signal) => {
    server.app.log.info({ signal }, "shutting down");
    await server.stop();
  });
}
