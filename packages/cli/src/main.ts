import { Command } from "commander";
import { addServerTimingOptions } from "./chat-server-launch.js";
import { addGatewayOptions } from "./gateway-options.js";
import { type GatewayCommandOptions, runGateway } from "./run-gateway.js";
import { runServer, type ServerCommandOptions } from "./run-server.js";
import { runStart, type StartCommandOptions } from "./run-start.js";

/** The `callgate` command. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let result: Promise<number> = Promise.resolve(0);
  const program = new Command("callgate")
    .description("Callgate: self-hosted one-on-one video calling for team chat")
    .showHelpAfterError();

  addGatewayOptions(
    program
      .command("gateway")
      .description(
        "run the Janus-compatible WebRTC gateway in the foreground (reads Janus's own config files)",
      ),
  ).action((opts: GatewayCommandOptions) => {
    result = runGateway(opts);
  });

  const serverCommand = program
    .command("server")
    .description(
      "run the chat server in the foreground (SQLite in the data folder, or PostgreSQL when DATABASE_URL is set)",
    )
    .option("-p, --port <port>", "HTTP port of the API", "8065")
    .option("--bind <address>", "address to listen on (all interfaces by default, as Mattermost)", "::")
    .option(
      "--data-dir <dir>",
      "folder for the SQLite database and secrets (created on first start)",
      "./data",
    );
  addServerTimingOptions(serverCommand).action((opts: ServerCommandOptions) => {
    result = runServer(opts);
  });

  const startCommand = addGatewayOptions(
    program
      .command("start")
      .description(
        "run all of Callgate on this machine: gateway, chat server and web app, with embedded defaults (data in ./data)",
      ),
  )
    .option("-p, --port <port>", "HTTP port of the web app and chat API", "8065")
    .option("--data-dir <dir>", "folder for the database, the gateway's state and secrets", "./data")
    .option("--public-host <host>", "host name browsers use to reach this machine", "localhost");
  addServerTimingOptions(startCommand).action((opts: StartCommandOptions) => {
    result = runStart(opts);
  });

  await program.parseAsync(argv);
  return result;
}
