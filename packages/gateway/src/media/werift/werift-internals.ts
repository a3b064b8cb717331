import type { Socket } from "node:dgram";
import type { RTCDtlsTransport, RTCPeerConnection, RTCRtpReceiver, RTCRtpSender, RtcpPacket } from "werift";

/**
 * The parts of werift 0.24's private state the SRTP fast path reaches into, in one place, so that
 * a werift upgrade has one file to check. Each is read once per PeerConnection, not per packet,
 * except the counters, which werift's own sender and receiver reports read.
 */

export type Address = [string, number];

interface UdpTransportInternals {
  readonly socket: Socket;
  closed: boolean;
  onData: (data: Buffer, addr: Address) => void;
  /** The last sender, which werift's send falls back to when given no address. */
  rinfo?: { address: string; port: number };
}

interface ProtocolInternals {
  readonly type: string;
  readonly transport?: UdpTransportInternals;
}

interface CandidatePairInternals {
  readonly protocol: ProtocolInternals;
  /** Where the pair sends (werift's `remoteAddr` getter makes a new array each time: not per packet). */
  readonly remoteCandidate: { readonly host: string; readonly port: number };
  packetsSent: number;
  bytesSent: number;
}

interface ConnectionInternals {
  readonly nominated?: CandidatePairInternals;
  readonly protocols: ProtocolInternals[];
  canSendApplicationData(): boolean;
  send(data: Buffer): Promise<void>;
}

interface DtlsSocketInternals {
  readonly srtp: { srtpProfile?: number };
  extractSessionKeys(
    keyLength: number,
    saltLength: number,
  ): { localKey: Buffer; localSalt: Buffer; remoteKey: Buffer; remoteSalt: Buffer };
}

export function dtlsInternals(dtls: RTCDtlsTransport): {
  dtls?: DtlsSocketInternals;
  connection: ConnectionInternals;
} {
  const inner = dtls as unknown as { dtls?: DtlsSocketInternals };
  return {
    dtls: inner.dtls,
    connection: dtls.iceTransport.connection as unknown as ConnectionInternals,
  };
}

/** werift's SRTCP session on a DTLS transport: what its RTCP send and receive paths call. */
export interface SrtcpInternals {
  encrypt(packet: Buffer): Buffer;
  /** Throws werift's SrtpAuthenticationError for a packet to drop quietly. */
  decrypt(packet: Buffer): Buffer;
}

/** A DTLS transport's RTCP side: its SRTCP session, its send method, and the counters that feeds. */
export function rtcpInternals(dtls: RTCDtlsTransport): {
  srtcp: SrtcpInternals;
  sendRtcp(packets: RtcpPacket[]): Promise<void>;
  bytesSent: number;
  packetsSent: number;
} {
  return dtls as unknown as ReturnType<typeof rtcpInternals>;
}

/** What werift's receiver statistics and NACK generator read of a packet. */
export interface RtpPacketView {
  header: { sequenceNumber: number; timestamp: number; ssrc: number; serializeSize: number };
  payload: { length: number };
}

/** werift's StreamStatistics: per received stream, what its receiver reports are built from. */
export interface StreamStatisticsInternals {
  add(packet: RtpPacketView, nowSeconds?: number): void;
  readonly clockRate: number;
  base_seq: number | undefined;
  max_seq: number | undefined;
  cycles: number;
  packets_received: number;
  bytesReceived: number;
  headerBytesReceived: number;
  lastPacketReceivedTimestamp: number | undefined;
  jitter_q4: number;
  last_arrival: number | undefined;
  last_timestamp: number | undefined;
}

export function receiverInternals(receiver: RTCRtpReceiver): {
  remoteStreams: Record<number, StreamStatisticsInternals | undefined>;
  nack: { addPacket(packet: RtpPacketView): void };
  readonly nackEnabled: unknown;
} {
  return receiver as unknown as ReturnType<typeof receiverInternals>;
}

/** The counters werift's sender reports (RTCP SR) are made of. */
export function senderInternals(sender: RTCRtpSender): {
  ntpTimestamp: bigint;
  rtpTimestamp: number;
  octetCount: number;
  packetCount: number;
  /** Round-trip time (seconds, smoothed) from the receiver's reports; undefined until one came. */
  rtt: number | undefined;
  runRtcp(): Promise<void>;
} {
  return sender as unknown as ReturnType<typeof senderInternals>;
}

/** A datagram socket werift sends on directly (host and server-reflexive pairs, not TURN relays). */
export function directSocket(pair: CandidatePairInternals | undefined): Socket | undefined {
  if (pair?.protocol.type !== "stun") return undefined;
  const transport = pair.protocol.transport;
  return transport && !transport.closed ? transport.socket : undefined;
}

export function udpTransports(connection: ConnectionInternals): UdpTransportInternals[] {
  return connection.protocols.flatMap((p) => (p.type === "stun" && p.transport ? [p.transport] : []));
}

/**
 * Gathers the local candidates of a PeerConnection that has its remote offer, as its
 * setLocalDescription would (that call then finds them gathered). No connectivity check starts.
 */
export function gatherCandidates(pc: RTCPeerConnection): Promise<void> {
  return (pc as unknown as { gatherCandidates(): Promise<void> }).gatherCandidates();
}

/** What the werift patch hands a PeerConnection's own DTLS engine (its config's dtlsSocketFactory). */
export interface DtlsSocketOptions {
  /** werift's certificate and private key, PEM. */
  cert: string;
  key: string;
  /** The ICE transport: DTLS datagrams come in through onData, which the DTLS socket sets. */
  transport: { onData: (datagram: Buffer) => void; send(datagram: Buffer): Promise<void> | void };
  srtpProfiles: number[];
}

export type DtlsSocketFactory = (role: "client" | "server", options: DtlsSocketOptions) => unknown;

/** A werift PeerConfig whose PeerConnection runs DTLS on `factory`'s sockets (see the patch). */
export function withDtlsSocketFactory<T extends object>(config: T, factory: DtlsSocketFactory): T {
  return { ...config, dtlsSocketFactory: factory };
}
