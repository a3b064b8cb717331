import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DtlsClient, Event, RTCDtlsFingerprint, RTCDtlsParameters, RTCDtlsTransport } from "werift";
import { eventually } from "../../testing/werift-client.js";

/** A stand-in for werift's ICE connection: what the DTLS transport reads from and writes to. */
function fakeIceConnection() {
  const sent: Buffer[] = [];
  const connection = {
    onData: new Event<[Buffer]>(),
    send: async (data: Buffer) => {
      sent.push(data);
    },
    close: () => {},
  };
  return { connection, sent };
}

// Our patch to werift (patches/werift+0.24.4.patch): the DTLS client no longer sleeps 100 ms
// before its ClientHello, so the far side may get it before its own ICE says "connected" and its
// DTLS starts. Browsers keep such an early record; werift now does too.
describe("werift DTLS, as patched", () => {
  it("answers a ClientHello that arrived before its DTLS transport started", async () => {
    const certificate = await RTCDtlsTransport.SetupCertificate();
    const client = fakeIceConnection();
    const dtlsClient = new DtlsClient({
      cert: certificate.certPem,
      key: certificate.privateKey,
      signatureHash: certificate.signatureHash,
      transport: {
        type: "ice",
        address: {},
        onData: () => {},
        send: (data: Buffer) => client.connection.send(data),
        close: () => {},
      } as never,
      srtpProfiles: [],
      extendedMasterSecret: true,
    });
    void dtlsClient.connect().catch(() => {});
    await eventually(() => client.sent.length > 0, 3000, "the client's ClientHello");

    const server = fakeIceConnection();
    const transport = new RTCDtlsTransport(
      {} as never,
      { connection: server.connection } as never,
      certificate,
    );
    // The ClientHello arrives first...
    server.connection.onData.execute(client.sent[0]!);
    assert.equal(server.sent.length, 0);
    // ...and the transport starts after it, as when ICE reports "connected" a tick late.
    transport.role = "server";
    transport.setRemoteParams(new RTCDtlsParameters([new RTCDtlsFingerprint("sha-256", "00:11")], "client"));
    void transport.start().catch(() => {});
    try {
      await eventually(() => server.sent.length > 0, 3000, "the server's reply to the early ClientHello");
      assert.equal(server.sent[0]![0], 22, "a DTLS handshake record");
    } finally {
      transport.dtls?.close();
      dtlsClient.close();
    }
  });
});
