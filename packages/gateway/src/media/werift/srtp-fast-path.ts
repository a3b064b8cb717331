import type { Socket } from "node:dgram";
import {
  type RTCDtlsTransport,
  type RTCRtpTransceiver,
  type RtcpPacket,
  SrtpAuthenticationError,
} from "werift";
import type { MediaKind, RelayCounters } from "../media-peer.js";
import { relayEpochMs, relayNowMs } from "../relay-clock.js";
import { ntpTimestamp } from "../rtp/ntp-time.js";
import { RetransmissionHistory, retransmissionWindowMs } from "../rtp/retransmission-history.js";
import { isRtp, rtpPayloadOffset, rtpSequenceNumber, rtpSsrcKey, rtpTimestamp } from "../rtp/rtp-header.js";
import {
  createSrtpSession,
  isSupportedSrtpProfile,
  SRTP_MASTER_KEY_LENGTH,
  type SrtpSession,
  srtpMasterSaltLength,
} from "../srtp/index.js";
import { BatchedUdpReader, slotView } from "../udp/batched-udp.js";
import { countReceived } from "./receive-statistics.js";
import { serializeRtcp } from "./rtcp-serializer.js";
import {
  directSocket,
  dtlsInternals,
  type RtpPacketView,
  receiverInternals,
  rtcpInternals,
  type StreamStatisticsInternals,
  senderInternals,
  udpTransports,
} from "./werift-internals.js";

/** Sender-report timing is refreshed every this many packets (werift's SR reads it every 0.5-1.5 s). */
const SR_SAMPLE_EVERY = 16;

interface InboundStream {
  /** The SSRC (unsigned), made once: werift's NACK handler reads it from each packet's header. */
  ssrc: number;
  transceiver: RTCRtpTransceiver;
  kind: MediaKind;
  stats: StreamStatisticsInternals;
  nack: { addPacket(packet: RtpPacketView): void } | undefined;
}

interface OutboundStream {
  ssrc: number;
  payloadType: number;
  counters: ReturnType<typeof senderInternals>;
  /** Sent video, for NACKs (audio is not retransmitted). */
  history: RetransmissionHistory | undefined;
}

/**
 * The packet being delivered right now, and the bytes of the datagram it was decrypted in. A
 * plugin hands each received packet on once (the PluginHandle.sendRtp contract), and delivery is
 * synchronous: when that packet comes back to be sent, it can be protected where it lies, the tag
 * going into the bytes the sender's tag took. One buffer per relayed packet instead of three.
 */
const lent: { packet: Buffer | undefined; bytes: number; datagram: Buffer | undefined } = {
  packet: undefined,
  bytes: 0,
  datagram: undefined,
};

/** CALLGATE_MEDIA_FAST_PATH=0 leaves every packet to werift: for measuring, and a way back if the fast path misbehaves. */
export function fastPathEnabled(): boolean {
  return process.env.CALLGATE_MEDIA_FAST_PATH !== "0";
}

export type DeliverRtp = (transceiver: RTCRtpTransceiver, kind: MediaKind, packet: Buffer) => void;

/**
 * The relay's hot path beside werift. Once DTLS is up, RTP skips werift's per-packet work
 * (header objects, a clone, re-serialising, a promise per send): inbound SRTP is taken off the
 * sockets before werift sees it and decrypted here; outbound RTP is protected here and sent on
 * the nominated pair's socket. werift keeps STUN, DTLS and RTCP, and the counters it builds its
 * receiver and sender reports and NACKs from are fed here, so those go on as before; but RTCP's
 * encryption both ways is this session's, and what werift sends goes out as RTP does.
 * A stream werift has not seen yet (its first packet) and TURN-relayed input go werift's way.
 */
export class SrtpFastPath {
  private readonly inbound = new Map<number, InboundStream>();
  private readonly outbound = new Map<MediaKind, OutboundStream>();
  private readonly connection: ReturnType<typeof dtlsInternals>["connection"];
  private readonly undo: Array<() => void> = [];
  /** Readers that took over receiving on werift's sockets (none when the UDP addon is not built). */
  private readonly readers = new Map<Socket, BatchedUdpReader>();
  private readonly view: RtpPacketView = {
    header: { sequenceNumber: 0, timestamp: 0, ssrc: 0, serializeSize: 0 },
    payload: { length: 0 },
  };
  private closed = false;

  /** Starts the fast path on a connected DTLS transport; undefined when its SRTP profile is not ours. */
  static start(
    dtls: RTCDtlsTransport,
    transceivers: ReadonlyMap<MediaKind, RTCRtpTransceiver>,
    counters: RelayCounters,
    deliver: DeliverRtp,
    minNackQueueMs: number,
  ): SrtpFastPath | undefined {
    const { dtls: socket } = dtlsInternals(dtls);
    const profile = socket?.srtp.srtpProfile;
    if (!socket || profile === undefined || !isSupportedSrtpProfile(profile)) return undefined;
    const keys = socket.extractSessionKeys(SRTP_MASTER_KEY_LENGTH, srtpMasterSaltLength(profile));
    const srtp = createSrtpSession({
      local: { profile, masterKey: keys.localKey, masterSalt: keys.localSalt },
      remote: { profile, masterKey: keys.remoteKey, masterSalt: keys.remoteSalt },
    });
    return new SrtpFastPath(dtls, srtp, transceivers, counters, deliver, minNackQueueMs);
  }

  private constructor(
    dtls: RTCDtlsTransport,
    private readonly srtp: SrtpSession,
    private readonly transceivers: ReadonlyMap<MediaKind, RTCRtpTransceiver>,
    private readonly counters: RelayCounters,
    private readonly deliver: DeliverRtp,
    private readonly minNackQueueMs: number,
  ) {
    this.connection = dtlsInternals(dtls).connection;
    this.takeOverRtcpCrypto(dtls);
    for (const transport of udpTransports(this.connection)) {
      const reader = BatchedUdpReader.open(transport.socket, (data, capacity, slot) => {
        // What goes werift's way is copied (the batch's memory is reused; werift may keep it), to
        // the handler werift has on the transport when it comes.
        if (this.closed || !isRtp(data) || !this.receive(data, capacity, slot)) {
          const from = reader?.from(slot) ?? ["", 0];
          transport.rinfo = { address: from[0], port: from[1] }; // as werift's own receive does
          transport.onData(Buffer.from(data), from);
        }
      });
      if (reader) {
        this.readers.set(transport.socket, reader);
        this.undo.push(() => reader.close());
        continue;
      }
      const werift = transport.onData;
      transport.onData = (data, addr) => {
        if (this.closed || !isRtp(data) || !this.receive(data, data.length)) werift(data, addr);
      };
      this.undo.push(() => {
        transport.onData = werift;
      });
    }
  }

  /**
   * Sends a plain RTP packet on this kind's m-line; false when the fast path cannot (send it
   * werift's way). `room`: how many bytes from the packet's start are the caller's to have
   * overwritten (a packet made in a buffer of its own, the load generator's): with room for the
   * tag it is protected where it lies, as a relayed packet is.
   */
  send(kind: MediaKind, packet: Buffer, room = 0): boolean {
    if (this.closed) return false;
    // The lookup stays out of openOutboundStream: a function with a closure over its locals (the
    // NACK handler there) allocates its context on every call, before its first line: 40 bytes a
    // sent packet in an allocation profile, gone with the lookup here.
    const stream = this.outbound.get(kind) ?? this.openOutboundStream(kind);
    const offset = rtpPayloadOffset(packet);
    if (!stream || offset < 0) return false;
    const isLent = packet === lent.packet;
    const length = packet.length + this.srtp.tagLength;
    let inPlace: boolean | Buffer = length <= (isLent ? lent.bytes : room);
    // Relayed at the size it came (the usual case): it goes out in the datagram's own view.
    if (inPlace && isLent && lent.datagram?.length === length) inPlace = lent.datagram;
    if (isLent) lent.packet = lent.datagram = undefined;
    const wire = this.srtp.protect(packet, stream.ssrc, stream.payloadType, offset, inPlace);
    if (!this.transmit(wire)) return true; // no consent to send: dropped, as werift would
    const counters = stream.counters;
    counters.packetCount = (counters.packetCount + 1) >>> 0;
    counters.octetCount += packet.length - offset;
    if (counters.packetCount % SR_SAMPLE_EVERY === 1) {
      counters.ntpTimestamp = ntpTimestamp();
      counters.rtpTimestamp = rtpTimestamp(packet);
    }
    if (stream.history) {
      const rtt = counters.rtt;
      const windowMs = retransmissionWindowMs(
        this.minNackQueueMs,
        rtt === undefined ? undefined : rtt * 1000,
      );
      stream.history.add(rtpSequenceNumber(packet), wire, relayNowMs(), windowMs); // copied in
    }
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const undo of this.undo) undo();
  }

  /**
   * `capacity`: the bytes from the datagram's start that are ours, in which it may grow when
   * relayed (a batch buffer's slot is bigger than the datagram). `slot`: the batch slot the
   * datagram lies in, whose views are made once (-1: a datagram dgram read).
   */
  private receive(data: Buffer, capacity: number, slot = -1): boolean {
    const key = rtpSsrcKey(data);
    const stream = this.inbound.get(key) ?? this.findInbound(key);
    if (!stream) return false;
    const plainLength = this.srtp.unprotectedLength(data);
    if (plainLength < 0) {
      this.counters.srtpRejected++;
      return true;
    }
    const plain = slot < 0 ? data.subarray(0, plainLength) : slotView(slot, plainLength);
    const view = this.view;
    const sequenceNumber = rtpSequenceNumber(plain);
    const timestamp = rtpTimestamp(plain);
    const offset = rtpPayloadOffset(plain);
    const payloadBytes = plain.length - offset;
    countReceived(stream.stats, sequenceNumber, timestamp, offset, payloadBytes, relayEpochMs());
    if (stream.nack) {
      view.header.sequenceNumber = sequenceNumber;
      view.header.timestamp = timestamp;
      view.header.ssrc = stream.ssrc;
      view.header.serializeSize = offset;
      view.payload.length = payloadBytes;
      stream.nack.addPacket(view);
    }
    lent.packet = plain;
    lent.bytes = capacity;
    lent.datagram = data;
    try {
      this.deliver(stream.transceiver, stream.kind, plain);
    } finally {
      lent.packet = lent.datagram = undefined;
    }
    return true;
  }

  /** The m-line werift routed this SSRC (`key`: see rtpSsrcKey) to, once it has seen its first packet. */
  private findInbound(key: number): InboundStream | undefined {
    const ssrc = key >>> 0;
    for (const [kind, transceiver] of this.transceivers) {
      const receiver = receiverInternals(transceiver.receiver);
      const stats = receiver.remoteStreams[ssrc];
      if (!stats) continue;
      const stream: InboundStream = {
        ssrc,
        transceiver,
        kind,
        stats,
        nack: kind === "video" && receiver.nackEnabled ? receiver.nack : undefined,
      };
      this.inbound.set(key, stream);
      return stream;
    }
    return undefined;
  }

  /** This kind's sending stream, made on its first packet (send looks it up first). */
  private openOutboundStream(kind: MediaKind): OutboundStream | undefined {
    const sender = this.transceivers.get(kind)?.sender;
    const payloadType = sender?.codec?.payloadType;
    if (!sender || payloadType === undefined) return undefined;
    const counters = senderInternals(sender);
    counters.runRtcp().catch(() => {}); // werift's SR loop; it starts on the first send otherwise
    const history = kind === "video" ? new RetransmissionHistory() : undefined;
    const stream: OutboundStream = { ssrc: sender.ssrc, payloadType, counters, history };
    if (history) {
      const subscription = sender.onGenericNack.subscribe((nack) => {
        for (const sequence of nack.lost) {
          const wire = history.get(sequence, relayNowMs());
          if (wire) this.transmit(wire);
        }
      });
      this.undo.push(() => subscription.unSubscribe());
    }
    this.outbound.set(kind, stream);
    return stream;
  }

  /**
   * werift's RTCP, serialized (serializeRtcp) and encrypted here and sent as RTP is: its own
   * SRTCP made cipher objects for each packet, and its send path a promise and an address lookup.
   * What it receives it still parses itself (NACKs, PLIs, receiver reports), once decrypted here.
   * The SRTCP session stays this one after close (the index goes on); the send path goes back to
   * werift's.
   */
  private takeOverRtcpCrypto(dtls: RTCDtlsTransport): void {
    const transport = rtcpInternals(dtls);
    const srtp = this.srtp;
    const counters = this.counters;
    transport.srtcp = {
      encrypt: (packet) => {
        counters.rtcpOut++;
        return srtp.protectRtcp(packet);
      },
      decrypt: (packet) => {
        const plain = srtp.unprotectRtcp(packet);
        if (!plain) {
          counters.srtpRejected++;
          throw new SrtpAuthenticationError("SRTCP packet refused (forged, corrupt or a replay)");
        }
        counters.rtcpIn++;
        return plain;
      },
    };
    transport.sendRtcp = async (packets: RtcpPacket[]) => {
      const wire = transport.srtcp.encrypt(serializeRtcp(packets));
      transport.bytesSent += wire.length;
      transport.packetsSent++;
      this.transmit(wire);
    };
    this.undo.push(() => {
      delete (transport as { sendRtcp?: unknown }).sendRtcp;
    });
  }

  /** Puts SRTP on the wire: straight on the socket for direct pairs, through werift for TURN. */
  private transmit(wire: Buffer): boolean {
    const connection = this.connection;
    const pair = connection.nominated;
    if (!pair || !connection.canSendApplicationData()) return false;
    const socket = directSocket(pair);
    if (!socket) {
      connection.send(wire).catch(() => {});
      return true;
    }
    const reader = this.readers.get(socket);
    if (reader) {
      reader.send(wire, pair.remoteCandidate.host, pair.remoteCandidate.port);
      return true;
    }
    try {
      socket.send(wire, pair.remoteCandidate.port, pair.remoteCandidate.host);
    } catch {
      // the socket closed under us (the peer is closing): the packet is lost, as on the wire
    }
    return true;
  }
}
