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

/** The records of one datagram: content type, and handshake type for plaintext handshakes. */
function records(datagram: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at + 13 <= datagram.length; at += 13 + datagram.readUInt16BE(at + 11)) {
    const type = datagram[at]!;
    const epoch = datagram.readUInt16BE(at + 3);
    out.push(type === 22 && epoch === 0 ? `handshake ${datagram[at + 13]}` : `type ${type}`);
  }
  return out;
}

/**
 * A client and a server DTLS transport wired to each other. With `byHand`, the client's first
 * datagram is left for the test to deliver (toServer), and a datagram the server repeats at once
 * is not passed on.
 */
async function handshake(byHand = false) {
  const certificate = await RTCDtlsTransport.SetupCertificate();
  const fromClient: Buffer[] = [];
  const fromServer: Buffer[] = [];
  const clientConnection = fakeIceConnection((data) => {
    fromClient.push(data);
    if (!byHand || fromClient.length > 1) serverConnection.onData.execute(data);
  });
  const serverConnection = fakeIceConnection((data) => {
    const repeated = fromServer.at(-1)?.equals(data) === true;
    fromServer.push(data);
    if (!byHand || !repeated) clientConnection.onData.execute(data);
  });
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
  const toServer = (data: Buffer) => serverConnection.onData.execute(data);
  return { client, server, fromClient, fromServer, toServer };
}

// Our patch to werift (patches/werift+0.24.4.patch): the DTLS client no longer sleeps 100 ms
// before its ClientHello, so the far side may get it before its own ICE says "connected" and its
// DTLS starts. Browsers keep such an early record; werift now does too.
describe("werift DTLS, as patched", () => {
  it("keeps a ClientHello that arrived before its DTLS transport started, and answers it", async () => {
    const { client, server, fromClient } = await handshake();
    try {
      const clientDone = client.start();
      // The ClientHello goes out while the server has not started: werift alone dropped it here.
      await eventually(() => fromClient.length > 0, 3000, "the client's first ClientHello");
      await server.start();
      await clientDone;
      assert.equal(client.state, "connected");
      assert.equal(server.state, "connected");
      // One ClientHello, answered without a cookie round trip, and not sent again.
      assert.equal(clientHellos(fromClient), 1, "no retransmission was needed");
    } finally {
      await client.stop().catch(() => {});
      await server.stop().catch(() => {});
    }
  });

  // As OpenSSL (Janus) and BoringSSL (browsers) under WebRTC: ICE has checked the peer's address
  // already, which is what the cookie round trip is for.
  it("answers a ClientHello at once, without a HelloVerifyRequest, and again if it comes again", async () => {
    const { client, server, fromClient, fromServer } = await handshake();
    try {
      const serverDone = server.start();
      const clientDone = client.start();
      await Promise.all([serverDone, clientDone]);
      const [firstHello] = fromClient;
      assert.deepEqual(records(firstHello!), ["handshake 1"]);
      const serverHello = fromServer[0]!;
      assert.equal(serverHello[13], 2, "the server's first message is its ServerHello");
      assert.equal(serverHello.readUInt16BE(13 + 4), 0, "with message_seq 0");
    } finally {
      await client.stop().catch(() => {});
      await server.stop().catch(() => {});
    }
  });

  it("sends the same flight again when the ClientHello comes again (a retransmission)", async () => {
    const { client, server, fromClient, fromServer, toServer } = await handshake(true);
    try {
      const clientDone = client.start();
      await eventually(() => fromClient.length > 0, 3000, "the client's ClientHello");
      const serverDone = server.start();
      const hello = fromClient[0]!;
      toServer(hello);
      toServer(hello);
      await Promise.all([clientDone, serverDone]);
      assert.equal(fromServer[0]![13], 2, "a ServerHello first");
      assert.deepEqual(fromServer[1], fromServer[0], "the same flight again, not a new hello");
      // The handshake completes on the flight sent first: the repeat did not renew the server's keys.
      assert.equal(client.state, "connected");
      assert.equal(server.state, "connected");
    } finally {
      await client.stop().catch(() => {});
      await server.stop().catch(() => {});
    }
  });

  // Each message of a flight was a datagram of its own: five sends (and five wake-ups of the
  // receiving process) where OpenSSL, and so Janus and browsers, send one.
  it("sends each flight's records together, in datagrams of at most 1,200 bytes", async () => {
    const { client, server, fromClient, fromServer } = await handshake();
    try {
      await Promise.all([server.start(), client.start()]);
      const [serverFlight, serverFinished] = fromServer.map(records);
      // ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone.
      assert.deepEqual(serverFlight, [
        "handshake 2",
        "handshake 11",
        "handshake 12",
        "handshake 13",
        "handshake 14",
      ]);
      // ChangeCipherSpec and the encrypted Finished.
      assert.deepEqual(serverFinished, ["type 20", "type 22"]);
      // Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished.
      assert.deepEqual(fromClient.map(records).at(-1), [
        "handshake 11",
        "handshake 16",
        "handshake 15",
        "type 20",
        "type 22",
      ]);
      assert.equal(fromServer.length, 2, "two server flights, a datagram each");
      for (const datagram of [...fromClient, ...fromServer]) assert.ok(datagram.length <= 1200);
    } finally {
      await client.stop().catch(() => {});
      await server.stop().catch(() => {});
    }
  });
});
