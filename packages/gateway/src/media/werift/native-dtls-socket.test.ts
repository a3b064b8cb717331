import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Event, RTCDtlsFingerprint, RTCDtlsParameters, RTCDtlsTransport } from "werift";
import { eventually } from "../../testing/werift-client.js";
import { nativeDtlsAvailable } from "../dtls/native-dtls.js";
import { NativeDtlsSocket, nativeDtlsSocketFactory } from "./native-dtls-socket.js";
import { dtlsInternals } from "./werift-internals.js";

const GCM = 0x0007;
const AES_CM = 0x0001;
type Engine = "native" | "werift";

/** A stand-in for werift's ICE connection; `drop` decides which outgoing datagrams are lost. */
function fakeIceConnection(deliver: (data: Buffer) => void) {
  return { onData: new Event<[Buffer]>(), send: async (data: Buffer) => deliver(data), close: () => {} };
}

interface Options {
  client: Engine;
  server: Engine;
  clientProfiles?: number[];
  serverProfiles?: number[];
  /** Drops the client's datagrams while this says so (index from 0). */
  dropFromClient?: (index: number) => boolean;
  /** Drops the server's datagrams while this says so. */
  dropFromServer?: (datagram: Buffer) => boolean;
  /** The fingerprint the client expects of the server (default: the right one). */
  wrongServerFingerprint?: boolean;
}

/** A client and a server werift DTLS transport, each on werift's DTLS or on Callgate's native one. */
async function pair(options: Options) {
  const certificate = await RTCDtlsTransport.SetupCertificate();
  let sentByClient = 0;
  const clientConnection = fakeIceConnection((data) => {
    if (!options.dropFromClient?.(sentByClient++)) serverConnection.onData.execute(data);
  });
  const serverConnection = fakeIceConnection((data) => {
    if (!options.dropFromServer?.(data)) clientConnection.onData.execute(data);
  });
  const transport = (connection: unknown, role: "client" | "server", engine: Engine, profiles: number[]) => {
    const config = engine === "native" ? { dtlsSocketFactory: nativeDtlsSocketFactory } : {};
    const t = new RTCDtlsTransport(config as never, { connection } as never, certificate, profiles as never);
    t.role = role;
    const fingerprints =
      role === "client" && options.wrongServerFingerprint
        ? [new RTCDtlsFingerprint("sha-256", `${"00:".repeat(31)}00`)]
        : certificate.getFingerprints();
    t.setRemoteParams(new RTCDtlsParameters(fingerprints, role === "client" ? "server" : "client"));
    return t;
  };
  const client = transport(
    clientConnection,
    "client",
    options.client,
    options.clientProfiles ?? [GCM, AES_CM],
  );
  const server = transport(
    serverConnection,
    "server",
    options.server,
    options.serverProfiles ?? [GCM, AES_CM],
  );
  return { client, server };
}

/** The SRTP keys each side derived: the client's own are the server's remote ones, and back. */
function assertSameKeys(client: RTCDtlsTransport, server: RTCDtlsTransport, profile: number) {
  const c = dtlsInternals(client).dtls!;
  const s = dtlsInternals(server).dtls!;
  assert.equal(c.srtp.srtpProfile, profile);
  assert.equal(s.srtp.srtpProfile, profile);
  const [keyLength, saltLength] = profile === GCM ? [16, 12] : [16, 14];
  const ck = c.extractSessionKeys(keyLength, saltLength);
  const sk = s.extractSessionKeys(keyLength, saltLength);
  assert.deepEqual(ck.localKey, sk.remoteKey);
  assert.deepEqual(ck.localSalt, sk.remoteSalt);
  assert.deepEqual(ck.remoteKey, sk.localKey);
  assert.deepEqual(ck.remoteSalt, sk.localSalt);
  assert.notDeepEqual(ck.localKey, ck.remoteKey);
  assert.equal(ck.localSalt.length, saltLength);
}

describe("DTLS on OpenSSL (the native addon) behind werift's DTLS transport", {
  skip: !nativeDtlsAvailable(),
}, () => {
  const combinations: Array<[Engine, Engine]> = [
    ["native", "native"],
    ["werift", "native"],
    ["native", "werift"],
  ];
  for (const [clientEngine, serverEngine] of combinations) {
    it(`connects a ${clientEngine} client to a ${serverEngine} server, with the same SRTP keys on both`, async () => {
      const { client, server } = await pair({ client: clientEngine, server: serverEngine });
      await Promise.all([client.start(), server.start()]);
      assert.equal(client.state, "connected");
      assert.equal(server.state, "connected");
      const native = clientEngine === "native" ? client : server;
      assert.ok(dtlsInternals(native).dtls instanceof NativeDtlsSocket);
      assertSameKeys(client, server, GCM);
    });
  }

  it("agrees on AES-CM when the other side offers only that", async () => {
    const { client, server } = await pair({ client: "werift", server: "native", clientProfiles: [AES_CM] });
    await Promise.all([client.start(), server.start()]);
    assertSameKeys(client, server, AES_CM);
    const again = await pair({ client: "native", server: "werift", serverProfiles: [AES_CM] });
    await Promise.all([again.client.start(), again.server.start()]);
    assertSameKeys(again.client, again.server, AES_CM);
  });

  it("resends a lost flight on its own timer and still connects", async () => {
    const { client, server } = await pair({
      client: "native",
      server: "native",
      dropFromClient: (i) => i === 0, // the ClientHello
    });
    const started = performance.now();
    await Promise.all([client.start(), server.start()]);
    const took = performance.now() - started;
    assert.ok(took >= 350, `connected after ${took} ms: the ClientHello was dropped`);
    assert.equal(client.state, "connected");
  });

  // With a native client only: werift resends a flight as the same records (same sequence
  // numbers), which OpenSSL, as Janus's, drops as replays; browsers send new records.
  it("resends its last flight when the client did not get it, after it counts itself connected", async () => {
    let dropped = 0;
    const { client, server } = await pair({
      client: "native",
      server: "native",
      // The server's ChangeCipherSpec and Finished (record type 20 first), once.
      dropFromServer: (datagram) => datagram[0] === 20 && dropped++ === 0,
    });
    await Promise.all([client.start(), server.start()]);
    assert.equal(dropped, 2, "dropped once, then resent");
    assert.equal(client.state, "connected");
    assertSameKeys(client, server, GCM);
    // The server's record buffers went once it was connected, and came back for the resend.
    (dtlsInternals(server).dtls as unknown as NativeDtlsSocket).close();
    await eventually(() => client.state === "closed", 2000, "the client saw the close_notify");
  });

  it("fails the transport when the peer's certificate is not the one the SDP named", async () => {
    const { client, server } = await pair({
      client: "native",
      server: "werift",
      wrongServerFingerprint: true,
    });
    server.start().catch(() => {});
    await assert.rejects(client.start(), /fingerprint mismatch/);
    assert.equal(client.state, "failed");
  });

  it("sends a close_notify on close, which closes the peer's transport, every time", async () => {
    // 40 sessions: unpatched werift read an encrypted alert's ciphertext as the alert about
    // one time in ten, took it for a fatal one and did not close (the werift patch decrypts).
    for (let i = 0; i < 40; i++) {
      const { client, server } = await pair({ client: "werift", server: "native" });
      await Promise.all([client.start(), server.start()]);
      (dtlsInternals(server).dtls as unknown as NativeDtlsSocket).close();
      await eventually(
        () => client.state === "closed",
        2000,
        `session ${i}: the werift client saw the close_notify`,
      );
    }
  });

  it("carries application data both ways (SCTP's channel)", async () => {
    const { client, server } = await pair({ client: "native", server: "werift" });
    await Promise.all([client.start(), server.start()]);
    const got: string[] = [];
    client.dataReceiver = (data: Buffer) => got.push(`client got ${data.toString()}`);
    server.dataReceiver = (data: Buffer) => got.push(`server got ${data.toString()}`);
    await client.sendData(Buffer.from("hello"));
    await server.sendData(Buffer.from("hi"));
    await eventually(() => got.length === 2, 2000, "both messages arrived");
    assert.deepEqual(got.sort(), ["client got hi", "server got hello"]);
  });
});
