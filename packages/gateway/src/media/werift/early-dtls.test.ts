import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Event, RTCDtlsParameters, RTCDtlsTransport } from "werift";
import { eventually } from "../../testing/werift-client.js";

/** A stand-in for werift's ICE connection: what a DTLS transport reads from and writes to. */
function fakeIceConnection(deliver: (data: Buffer) => void) {
  const connection = {
    onData: new Event<[Buffer]>(),
    send: async (data: Buffer) => deliver(data),
    close: () => {},
  };
  return connection;
}

/** DTLS handshake records of type client_hello in what was sent. */
const clientHellos = (sent: Buffer[]) => sent.filter((b) => b[0] === 22 && b[13] === 1).length;

// Our patch to werift (patches/werift+0.24.4.patch): the DTLS client no longer sleeps 100 ms
// before its ClientHello, so the far side may get it before its own ICE says "connected" and its
// DTLS starts. Browsers keep such an early record; werift now does too.
describe("werift DTLS, as patched", () => {
  it("keeps a ClientHello that arrived before its DTLS transport started, and answers it", async () => {
    const certificate = await RTCDtlsTransport.SetupCertificate();
    const fromClient: Buffer[] = [];
    const clientConnection = fakeIceConnection((data) => {
      fromClient.push(data);
      serverConnection.onData.execute(data);
    });
    const serverConnection = fakeIceConnection((data) => clientConnection.onData.execute(data));
    const transport = (connection: unknown, role: "client" | "server") => {
      const t = new RTCDtlsTransport({} as never, { connection } as never, certificate);
      t.role = role;
      t.setRemoteParams(
        new RTCDtlsParameters(certificate.getFingerprints(), role === "client" ? "server" : "client"),
      );
      return t;
    };
    const client = transport(clientConnection, "client");
    const server = transport(serverConnection, "server");
    try {
      const clientDone = client.start();
      // The ClientHello goes out while the server has not started: werift alone dropped it here.
      await eventually(() => fromClient.length > 0, 3000, "the client's first ClientHello");
      await server.start();
      await clientDone;
      assert.equal(client.state, "connected");
      assert.equal(server.state, "connected");
      // One ClientHello, and one again with the server's cookie: none sent twice.
      assert.equal(clientHellos(fromClient), 2, "no retransmission was needed");
    } finally {
      await client.stop().catch(() => {});
      await server.stop().catch(() => {});
    }
  });
});
