// `node floor-servers.js WS_PORT HTTP_PORT`: the floor under the request rates. A WebSocket server
// (ws, as the gateway uses) and an HTTP server (node:http, as the gateway uses) that do nothing
// but parse each request and answer it with an indented success, as Janus words it: no sessions,
// no auth, no validation. What the benchmark's request loops reach against them is what Node and
// the kernel allow one thread before any gateway work (see `npm run bench -- --floor`).
import { createServer } from "node:http";
import { JANUS_PROTOCOL } from "@callgate/protocol";
import { WebSocketServer } from "ws";

const [wsPort, httpPort] = process.argv.slice(2).map(Number);
let nextId = 1;

function answer(text: string): string {
  const request = JSON.parse(text) as { transaction?: unknown; session_id?: unknown };
  const reply = {
    janus: "success",
    session_id: request.session_id,
    transaction: request.transaction,
    data: { id: nextId++ },
  };
  return JSON.stringify(reply, null, 3);
}

const wss = new WebSocketServer({
  port: wsPort,
  host: "127.0.0.1",
  perMessageDeflate: false,
  handleProtocols: () => JANUS_PROTOCOL,
});
wss.on("connection", (socket) =>
  socket.on("message", (data: Buffer) => {
    try {
      socket.send(answer(data.toString()));
    } catch {
      socket.close(1007, "not JSON"); // bad input closes the socket, not the server
    }
  }),
);

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    let reply: string;
    try {
      reply = answer(Buffer.concat(chunks).toString());
    } catch {
      // Not JSON (the harness's readiness GET): no Janus reply, and no crash.
      res.writeHead(400).end();
      return;
    }
    // With the length given, as the gateway does (else Node sends the reply chunked).
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(reply) });
    res.end(reply);
  });
}).listen(httpPort, "127.0.0.1");
