import { Command } from "commander";
import { addGatewayOptions } from "./gateway-options.js";
import { type GatewayCommandOptions, runGateway } from "./run-gateway.js";
import { runServer, type ServerCommandOptions } from "./run-server.js";

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

  program
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
    )
    .option("--ring-timeout <seconds>", "how long a call rings unanswered before 'no answer'", "45")
    .option("--session-length <days>", "how long a login lasts", "30")
    .option("--turn-credentials-lifetime <hours>", "how long issued TURN credentials stay valid", "24")
    .action((opts: ServerCommandOptions) => {
      result = runServer(opts);
    });

  addGatewayOptions(
    program
      .command("start")
      .description(
        "run all of Callgate on this machine with embedded defaults (today: the gateway; data in ./data)",
      ),
  ).action((opts: GatewayCommandOptions) => {
    result = runGateway(opts);
  });

  await program.parseAsync(argv);
  return result;
}
