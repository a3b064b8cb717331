import { Event } from "werift";
import { DtlsSession } from "../dtls/native-dtls.js";
import type { DtlsSocketFactory, DtlsSocketOptions } from "./werift-internals.js";

/** RFC 5764 §4.2: the label the SRTP master keys and salts are exported under. */
const SRTP_KEYING_LABEL = "EXTRACTOR-dtls_srtp";

/**
 * Callgate's DTLS (OpenSSL, native/dtls_engine.c) in the shape of werift's DtlsSocket, as far as
 * werift's RTCDtlsTransport and Callgate's SRTP fast path use it: werift keeps ICE, the
 * certificate's fingerprint check, SRTP set-up and the DTLS transport's states.
 */
export class NativeDtlsSocket {
  readonly onConnect = new Event<[]>();
  readonly onData = new Event<[Buffer]>();
  readonly onError = new Event<[Error]>();
  readonly onClose = new Event<[]>();
  /** What werift reads the negotiated SRTP profile from. */
  readonly srtp: { srtpProfile?: number } = {};
  /** What werift's getStats reads (DTLS 1.2 is the only version offered). */
  readonly dtls = { version: { major: 254, minor: 253 } };
  readonly cipher = { cipher: { name: "OpenSSL" } };
  private readonly session: DtlsSession;
  private certificate: Buffer | undefined;

  constructor(
    private readonly role: "client" | "server",
    options: DtlsSocketOptions,
  ) {
    this.session = new DtlsSession({
      role,
      certPem: options.cert,
      keyPem: options.key,
      srtpProfiles: options.srtpProfiles,
      send: (datagram) => {
        // A send on a closed ICE transport fails; DTLS's retransmission covers a lost datagram.
        Promise.resolve(options.transport.send(datagram)).catch(() => {});
      },
      connected: () => {
        this.certificate = this.session.peerCertificate();
        this.srtp.srtpProfile = this.session.srtpProfile();
        this.onConnect.execute();
      },
      data: (data) => this.onData.execute(data),
      closed: () => this.onClose.execute(),
      failed: (error) => this.onError.execute(error),
    });
    options.transport.onData = (datagram) => this.session.receive(datagram);
  }

  /** The client's first flight. */
  async connect(): Promise<void> {
    this.session.start();
  }

  get remoteCertificate(): Buffer | undefined {
    return this.certificate;
  }

  /** Application data (SCTP). */
  async send(data: Buffer): Promise<void> {
    if (!this.session.write(data)) throw new Error("DTLS is not connected");
  }

  /** Our close_notify to the peer, and the end of the session. */
  close(): void {
    this.session.close();
  }

  /** The SRTP master keys and salts (RFC 5764 §4.2), ours and the peer's by role. */
  extractSessionKeys(
    keyLength: number,
    saltLength: number,
  ): { localKey: Buffer; localSalt: Buffer; remoteKey: Buffer; remoteSalt: Buffer } {
    const m = this.session.exportKeyingMaterial(SRTP_KEYING_LABEL, 2 * (keyLength + saltLength));
    const clientKey = m.subarray(0, keyLength);
    const serverKey = m.subarray(keyLength, 2 * keyLength);
    const clientSalt = m.subarray(2 * keyLength, 2 * keyLength + saltLength);
    const serverSalt = m.subarray(2 * keyLength + saltLength);
    return this.role === "client"
      ? { localKey: clientKey, localSalt: clientSalt, remoteKey: serverKey, remoteSalt: serverSalt }
      : { localKey: serverKey, localSalt: serverSalt, remoteKey: clientKey, remoteSalt: clientSalt };
  }
}

/** The factory a werift PeerConnection takes as its `dtlsSocketFactory` (see the werift patch). */
export const nativeDtlsSocketFactory: DtlsSocketFactory = (role, options) =>
  new NativeDtlsSocket(role, options);
