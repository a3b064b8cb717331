import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { RTCDtlsTransport } from "werift";
import {
  DtlsSession,
  type DtlsSessionOptions,
  liveNativeDtlsSessions,
  nativeDtlsAvailable,
} from "./native-dtls.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** A session's options that do nothing, with `given` on top. */
function options(given: Partial<DtlsSessionOptions>): DtlsSessionOptions {
  const ignore = () => {};
  return {
    role: "client",
    certPem: "",
    keyPem: "",
    srtpProfiles: [0x0001],
    send: ignore,
    connected: ignore,
    data: ignore,
    closed: ignore,
    failed: ignore,
    ...given,
  };
}

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
      new DtlsSession(options({ certPem: certificate.certPem, keyPem: certificate.privateKey })).close();
    }
    assert.ok(liveNativeDtlsSessions() > before, "the sessions are counted");
    for (let i = 0; i < 50 && liveNativeDtlsSessions() > before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(liveNativeDtlsSessions(), before);
  });

  it("takes garbage from the network without throwing: dropped, or the handshake fails", async () => {
    const certificate = await RTCDtlsTransport.SetupCertificate();
    const failures: Error[] = [];
    const server = new DtlsSession(
      options({
        role: "server",
        certPem: certificate.certPem,
        keyPem: certificate.privateKey,
        failed: (error) => failures.push(error),
      }),
    );
    for (let i = 0; i < 500; i++) {
      const datagram = randomBytes(1 + (i % 300));
      datagram[0] = 20 + (i % 44); // DTLS's first-byte range (RFC 7983)
      if (i % 3 === 0 && datagram.length > 13) datagram.writeUInt16BE(0xfefd, 1); // and its version
      server.receive(datagram);
    }
    for (const error of failures) assert.match(error.message, /^DTLS handshake failed: /);
    server.close();
  });

  it("refuses an SRTP profile list OpenSSL does not know, with what was given", () => {
    assert.throws(
      () => new DtlsSession(options({ srtpProfiles: [0x00ff] })),
      /no SRTP profile OpenSSL knows among 255/,
    );
  });

  it("refuses a certificate that is not PEM, saying which part", () => {
    assert.throws(
      () => new DtlsSession(options({ certPem: "not a certificate", keyPem: "not a key" })),
      /DTLS context: the certificate \(PEM\) refused/,
    );
  });
});
