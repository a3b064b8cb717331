import { nativeAddon } from "../native-addon.js";
import { packRecords } from "./dtls-records.js";

/** What native/dtls_engine.c exports (see there). */
interface DtlsAddon {
  createContext(certPem: Buffer, keyPem: Buffer, srtpProfiles: Buffer): object;
  createSession(context: object, isServer: boolean, mtu: number): object;
  feed(session: object, datagram: Buffer | null, appData: Buffer[]): DtlsState;
  takeOutput(session: object): Buffer | null;
  timeoutMs(session: object): number;
  handleTimeout(session: object): DtlsState;
  errorMessage(session: object): string;
  peerCertificate(session: object): Buffer | null;
  srtpProfile(session: object): number;
  exportKeyingMaterial(session: object, label: string, length: number): Buffer;
  write(session: object, data: Buffer): boolean;
  shutdown(session: object): DtlsState;
  liveSessions(): number;
}

export enum DtlsState {
  Handshaking = 0,
  Connected = 1,
  Closed = 2,
  Failed = 3,
}

/** IANA numbers of the SRTP profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) and OpenSSL's names. */
const PROFILE_NAMES: Record<number, string> = {
  1: "SRTP_AES128_CM_SHA1_80",
  2: "SRTP_AES128_CM_SHA1_32",
  7: "SRTP_AEAD_AES_128_GCM",
  8: "SRTP_AEAD_AES_256_GCM",
};

/** A DTLS datagram stays within what ICE paths carry unfragmented (the same as werift's). */
const DTLS_MTU = 1200;

/** CALLGATE_DTLS=werift keeps werift's DTLS in JavaScript: for measuring, and a way back. */
export function nativeDtlsAvailable(): boolean {
  return process.env.CALLGATE_DTLS !== "werift" && nativeAddon<DtlsAddon>("callgate_dtls") !== null;
}

function addon(): DtlsAddon {
  const loaded = nativeAddon<DtlsAddon>("callgate_dtls");
  if (!loaded) throw new Error("the DTLS addon (packages/gateway/native) is not built");
  return loaded;
}

/** Sessions OpenSSL holds (made and not yet collected): for tests that look for leaks. */
export function liveNativeDtlsSessions(): number {
  return addon().liveSessions();
}

/** One OpenSSL context per certificate and profile list (a gateway has one certificate). */
const contexts = new Map<string, object>();

function contextFor(certPem: string, keyPem: string, srtpProfiles: number[]): object {
  const names = srtpProfiles.map((p) => PROFILE_NAMES[p]).filter((n) => n !== undefined);
  if (names.length === 0) throw new Error(`no SRTP profile OpenSSL knows among ${srtpProfiles.join(", ")}`);
  const key = `${names.join(":")}\n${certPem}`;
  let context = contexts.get(key);
  if (!context) {
    context = addon().createContext(Buffer.from(certPem), Buffer.from(keyPem), Buffer.from(names.join(":")));
    contexts.set(key, context);
  }
  return context;
}

export interface DtlsSessionOptions {
  role: "client" | "server";
  certPem: string;
  keyPem: string;
  /** Offered (client) or accepted (server) SRTP profiles, most preferred first. */
  srtpProfiles: number[];
  /** Sends one datagram to the peer (errors are the transport's to report). */
  send(datagram: Buffer): void;
  connected(): void;
  data(data: Buffer): void;
  /** The peer's close_notify, or a failure once connected. */
  closed(): void;
  /** The handshake failed (a fatal alert, a refused certificate, no answer after every retransmission). */
  failed(error: Error): void;
}

/**
 * A DTLS 1.2 session (client or server) on Node's OpenSSL: datagrams in through receive(), out
 * through options.send, with its own retransmission timer. Whoever owns the session checks the
 * peer's certificate against the SDP fingerprint (peerCertificate) before trusting the keys.
 */
export class DtlsSession {
  private readonly native: object;
  private state = DtlsState.Handshaking;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DtlsSessionOptions) {
    const context = contextFor(options.certPem, options.keyPem, options.srtpProfiles);
    this.native = addon().createSession(context, options.role === "server", DTLS_MTU);
  }

  /** The client's first flight (a server waits for the ClientHello). */
  start(): void {
    this.step(addon().feed(this.native, null, []));
  }

  /** A DTLS datagram from the peer. */
  receive(datagram: Buffer): void {
    if (this.state > DtlsState.Connected) return;
    const appData: Buffer[] = [];
    this.step(addon().feed(this.native, datagram, appData));
    for (const data of appData) this.options.data(data);
  }

  /** Application data (SCTP) to the peer; false before the handshake or after the close. */
  write(data: Buffer): boolean {
    const written = addon().write(this.native, data);
    this.flush();
    return written;
  }

  peerCertificate(): Buffer | undefined {
    return addon().peerCertificate(this.native) ?? undefined;
  }

  /** The negotiated SRTP profile's IANA number (0x0001, 0x0007...), or undefined. */
  srtpProfile(): number | undefined {
    return addon().srtpProfile(this.native) || undefined;
  }

  exportKeyingMaterial(label: string, length: number): Buffer {
    return addon().exportKeyingMaterial(this.native, label, length);
  }

  /** Sends our close_notify (when connected) and stops the timer; nothing is received after. */
  close(): void {
    if (this.state > DtlsState.Connected) return;
    this.state = addon().shutdown(this.native);
    this.flush();
    this.stopTimer();
  }

  private step(state: DtlsState): void {
    const before = this.state;
    this.state = state;
    this.flush();
    this.scheduleRetransmission();
    if (state === before) return;
    if (state === DtlsState.Connected) this.options.connected();
    else if (state === DtlsState.Closed || (state === DtlsState.Failed && before === DtlsState.Connected))
      this.options.closed();
    else if (state === DtlsState.Failed)
      this.options.failed(new Error(`DTLS handshake failed: ${addon().errorMessage(this.native)}`));
  }

  private flush(): void {
    const output = addon().takeOutput(this.native);
    if (!output) return;
    for (const datagram of packRecords(output, DTLS_MTU)) this.options.send(datagram);
  }

  /** OpenSSL keeps the flight and the deadline; this wakes it when the deadline passes. */
  private scheduleRetransmission(): void {
    this.stopTimer();
    if (this.state > DtlsState.Connected) return;
    const ms = addon().timeoutMs(this.native);
    if (ms < 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.step(addon().handleTimeout(this.native));
    }, ms);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
