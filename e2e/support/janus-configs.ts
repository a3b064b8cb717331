import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface GatewayPorts {
  http: number;
  admin: number;
  ws: number;
  adminWs: number;
}

export const JANUS_LIB = "/usr/lib/x86_64-linux-gnu/janus";
export const CONFORMANCE_ADMIN_SECRET = "conformance-admin-secret";

/**
 * Writes Janus 1.x config files (the same text for Janus and Callgate but for the ports):
 * token auth on, admin secret set, HTTP, WebSocket and admin listeners on loopback, only the
 * VideoCall and EchoTest plugins (Janus gets folders holding just those libraries).
 */
export function writeJanusConfigs(dir: string, ports: GatewayPorts, extraGeneral = "", extraNat = ""): void {
  mkdirSync(dir, { recursive: true });
  const lib = (kind: string, names: string[]) => {
    const folder = join(dir, kind);
    mkdirSync(folder, { recursive: true });
    // rmSync first: a retry on other ports writes the same folder again.
    for (const name of names) {
      rmSync(join(folder, name), { force: true });
      symlinkSync(join(JANUS_LIB, kind, name), join(folder, name));
    }
    return folder;
  };
  const plugins = lib("plugins", ["libjanus_videocall.so", "libjanus_echotest.so"]);
  const transports = lib("transports", ["libjanus_http.so", "libjanus_websockets.so"]);
  const events = lib("events", []);
  const loggers = lib("loggers", []);
  writeFileSync(
    join(dir, "janus.jcfg"),
    `general: {
	configs_folder = "${dir}"
	plugins_folder = "${plugins}"
	transports_folder = "${transports}"
	events_folder = "${events}"
	loggers_folder = "${loggers}"
	debug_level = 3
	admin_secret = "${CONFORMANCE_ADMIN_SECRET}"
	token_auth = true
	session_timeout = 60
	server_name = "ConformanceGateway"
${extraGeneral}}
certificates: {
}
media: {
}
nat: {
	nice_debug = false
	ice_ignore_list = "vmnet"
${extraNat}}
plugins: {
}
transports: {
}
loggers: {
}
events: {
}
`,
  );
  writeFileSync(
    join(dir, "janus.transport.http.jcfg"),
    `general: {
	json = "indented"
	base_path = "/janus"
	http = true
	port = ${ports.http}
	ip = "127.0.0.1"
	https = false
}
admin: {
	admin_base_path = "/admin"
	admin_http = true
	admin_port = ${ports.admin}
	admin_ip = "127.0.0.1"
	admin_https = false
}
cors: {
}
`,
  );
  writeFileSync(
    join(dir, "janus.transport.websockets.jcfg"),
    `general: {
	json = "indented"
	ws = true
	ws_port = ${ports.ws}
	ws_ip = "127.0.0.1"
	wss = false
}
admin: {
	admin_ws = true
	admin_ws_port = ${ports.adminWs}
	admin_ws_ip = "127.0.0.1"
	admin_wss = false
}
cors: {
}
`,
  );
  writeFileSync(join(dir, "janus.plugin.videocall.jcfg"), "general: {\n\tevents = false\n}\n");
  writeFileSync(join(dir, "janus.plugin.echotest.jcfg"), "general: {\n\tevents = false\n}\n");
}
