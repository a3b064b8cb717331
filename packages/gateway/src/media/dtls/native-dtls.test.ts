import assert from "node:assert/strict";
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
