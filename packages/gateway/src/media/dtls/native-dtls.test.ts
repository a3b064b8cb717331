import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { RTCDtlsTransport } from "werift";
import { DtlsSession, liveNativeDtlsSessions, nativeDtlsAvailable } from "./native-dtls.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** A client and a server session wired to each other in memory; resolves once both are connected. */
async function handshake(certPem: string, keyPem: string): Promise<void> {
  let client!: DtlsSession;
  let server!: DtlsSession;
  let up = 0;
  await new Promise<void>((resolve, reject) => {
    const common = {
      certPem,
      keyPem,
      srtpProfiles: [0x0007, 0x0001],
      connected: () => ++up === 2 && resolve(),
      data: () => {},
      closed: () => {},
      failed: reject,
    };
    client = new DtlsSession({
      ...common,
      role: "client",
      send: (d) => setImmediate(() => server.receive(d)),
    });
    server = new DtlsSession({
      ...common,
      role: "server",
      send: (d) => setImmediate(() => client.receive(d)),
    });
    client.start();
  });
  client.close();
  server.close();
}

describe("DTLS sessions on OpenSSL", { skip: !nativeDtlsAvailable() }, () => {
  it("are freed once dropped, handshake done or not", async () => {
    const certificate = await RTCDtlsTransport.SetupCertificate();
    const before = liveNativeDtlsSessions();
    for (let i = 0; i < 50; i++) await handshake(certificate.certPem, certificate.privateKey);
    for (let i = 0; i < 50; i++) {
      // started and left mid-handshake
      new DtlsSession({
        role: "client",
        certPem: certificate.certPem,
        keyPem: certificate.privateKey,
        srtpProfiles: [0x0001],
        send: () => {},
        connected: () => {},
        data: () => {},
        closed: () => {},
        failed: () => {},
      }).close();
    }
    assert.ok(liveNativeDtlsSessions() > before, "the sessions are counted");
    for (let i = 0; i < 50 && liveNativeDtlsSessions() > before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(liveNativeDtlsSessions(), before);
  });

  it("refuses an SRTP profile list OpenSSL does not know, with what was given", () => {
    assert.throws(
      () =>
        new DtlsSession({
          role: "server",
          certPem: "x",
          keyPem: "y",
          srtpProfiles: [0x00ff],
          send: () => {},
          connected: () => {},
          data: () => {},
          closed: () => {},
          failed: () => {},
        }),
      /no SRTP profile OpenSSL knows among 255/,
    );
  });

  it("refuses a certificate that is not PEM, saying which part", () => {
    assert.throws(
      () =>
        new DtlsSession({
          role: "server",
          certPem: "not a certificate",
          keyPem: "not a key",
          srtpProfiles: [0x0001],
          send: () => {},
          connected: () => {},
          data: () => {},
          closed: () => {},
          failed: () => {},
        }),
      /DTLS context: the certificate \(PEM\) refused/,
    );
  });
});
