import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import {
  RtpHeader,
  RtpPacket,
  SrtcpSession as WeriftSrtcpSession,
  SrtpSession as WeriftSrtpSession,
} from "werift";
import {
  SRTP_AEAD_AES_128_GCM,
  SRTP_AES128_CM_HMAC_SHA1_80,
  type SrtpProfile,
  srtpMasterSaltLength,
} from "./srtp-profile.js";
import type { SrtpSession, SrtpSessionKeys } from "./srtp-session.js";

/**
 * Test support (not a test file itself): the checks every SrtpSession must pass against an
 * independent implementation, werift's, which talks to browsers. The node:crypto and native
 * tests each run it.
 */
export function srtpInteropSuite(name: string, create: (keys: SrtpSessionKeys) => SrtpSession): void {
  for (const profile of [SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM] as SrtpProfile[]) {
    describe(`${name}, profile ${profile === SRTP_AEAD_AES_128_GCM ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80"}`, () => {
      const pair = () => {
        const ours = {
          profile,
          masterKey: randomBytes(16),
          masterSalt: randomBytes(srtpMasterSaltLength(profile)),
        };
        const theirs = {
          profile,
          masterKey: randomBytes(16),
          masterSalt: randomBytes(srtpMasterSaltLength(profile)),
        };
        const session = create({ local: ours, remote: theirs });
        const config = {
          profile,
          keys: {
            localMasterKey: theirs.masterKey,
            localMasterSalt: theirs.masterSalt,
            remoteMasterKey: ours.masterKey,
            remoteMasterSalt: ours.masterSalt,
          },
        };
        return { session, peer: new WeriftSrtpSession(config), peerRtcp: new WeriftSrtcpSession(config) };
      };
      /** A compound RTCP packet: a sender report (with this many bytes of report body) and an SDES. */
      const rtcp = (ssrc = 0x55667788, body = 20) => {
        const sr = Buffer.alloc(8 + body);
        sr.writeUInt8(0x80, 0);
        sr.writeUInt8(200, 1);
        sr.writeUInt16BE((sr.length >> 2) - 1, 2);
        sr.writeUInt32BE(ssrc, 4);
        randomBytes(body).copy(sr, 8);
        const sdes = Buffer.from([0x81, 202, 0, 2, 0x55, 0x66, 0x77, 0x88, 1, 2, 0x61, 0x62]);
        return Buffer.concat([sr, sdes]);
      };
      const plain = (sequenceNumber: number, size = 1100, extra: Partial<RtpHeader> = {}) =>
        new RtpPacket(
          new RtpHeader({
            sequenceNumber,
            timestamp: sequenceNumber * 3000,
            ssrc: 0x11223344,
            payloadType: 96,
            marker: true,
            ...extra,
          }),
          randomBytes(size),
        );

      it("protects what the other side unprotects, with our SSRC and payload type", () => {
        const { session, peer } = pair();
        for (const seq of [1, 2, 3, 7, 5]) {
          const packet = plain(seq);
          const wire = session.protect(packet.serialize(), 0xcafe0001, 111);
          const back = RtpPacket.deSerialize(peer.decrypt(wire));
          assert.equal(back.header.ssrc, 0xcafe0001);
          assert.equal(back.header.payloadType, 111);
          assert.equal(back.header.marker, true);
          assert.equal(back.header.sequenceNumber, seq);
          assert.deepEqual(back.payload, packet.payload);
        }
      });

      it("unprotects what the other side protects, CSRCs and header extension included", () => {
        const { session, peer } = pair();
        const packet = plain(40, 80, {
          csrc: [1, 2],
          extension: true,
          extensionProfile: 0xbede,
          extensions: [{ id: 1, payload: Buffer.from([0x55]) }],
        });
        const wire = peer.encrypt(packet.payload, packet.header);
        const back = session.unprotect(wire);
        assert.ok(back);
        assert.deepEqual(back, packet.serialize());
        assert.equal(back.buffer, wire.buffer, "decrypted where it arrived, not copied");
        assert.equal(back.byteOffset, wire.byteOffset);
      });

      it("relays in place: a received packet, protected again where it lies, is what the next peer expects", () => {
        const { session, peer } = pair();
        for (const seq of [20, 21, 22]) {
          const packet = plain(seq, 900, {
            csrc: [9],
            extension: true,
            extensionProfile: 0xbede,
            extensions: [{ id: 2, payload: Buffer.from([7, 8]) }],
          });
          const arrived = peer.encrypt(packet.payload, packet.header);
          const opened = session.unprotect(arrived);
          assert.ok(opened);
          // Every other packet with the datagram's own view given (the relay's way): it is the wire.
          const wire = session.protect(opened, 0xcafe0002, 100, undefined, seq % 2 ? arrived : true);
          if (seq % 2) assert.equal(wire, arrived, "the view given is the wire");
          assert.equal(wire.buffer, arrived.buffer, "no new buffer");
          assert.equal(wire.length, arrived.length, "the tag takes the bytes the sender's tag took");
          const back = RtpPacket.deSerialize(peer.decrypt(wire));
          assert.equal(back.header.ssrc, 0xcafe0002);
          assert.equal(back.header.payloadType, 100);
          assert.equal(back.header.sequenceNumber, seq);
          assert.deepEqual(back.header.csrc, [9]);
          assert.deepEqual(back.payload, packet.payload);
        }
      });

      it("refuses, in place, memory that is not the packet's own or not packet length + tag", () => {
        const { session, peer } = pair();
        const packet = plain(30);
        const arrived = peer.encrypt(packet.payload, packet.header);
        const opened = session.unprotect(arrived);
        assert.ok(opened);
        assert.throws(() => session.protect(opened, 1, 100, undefined, Buffer.from(arrived)), RangeError);
        assert.throws(
          () => session.protect(opened, 1, 100, undefined, arrived.subarray(0, arrived.length - 1)),
          RangeError,
        );
      });

      it("refuses forged, truncated and replayed packets", () => {
        const { session, peer } = pair();
        const packet = plain(10);
        const wire = peer.encrypt(packet.payload, packet.header);
        const forged = Buffer.from(wire);
        forged[forged.length - 20]! ^= 1;
        assert.equal(session.unprotect(forged), null);
        assert.equal(session.unprotect(wire.subarray(0, 14)), null);
        assert.ok(session.unprotect(wire));
        assert.equal(session.unprotect(wire), null, "replay");
      });

      it("gives the plain length in place of a view when asked (-1 for what it refuses)", () => {
        const { session, peer } = pair();
        const packet = plain(10, 50);
        const wire = peer.encrypt(packet.payload, packet.header);
        const forged = Buffer.from(wire);
        forged[forged.length - 20]! ^= 1;
        assert.equal(session.unprotectedLength(forged), -1);
        const length = session.unprotectedLength(wire);
        assert.equal(length, wire.length - session.tagLength);
        assert.deepEqual(wire.subarray(0, length), packet.serialize());
        assert.equal(session.unprotectedLength(wire), -1, "replay");
      });

      it("accepts late packets inside the window and follows the sequence number across its wrap", () => {
        const { session, peer } = pair();
        const seqs = [65530, 65533, 65535, 0, 65534, 1, 65531, 2];
        for (const seq of seqs) {
          const packet = plain(seq, 200);
          const back = session.unprotect(peer.encrypt(packet.payload, packet.header));
          assert.ok(back, `seq ${seq}`);
          assert.deepEqual(back.subarray(12), packet.payload);
        }
      });

      it("protects RTCP as SRTCP the other side unprotects, a new index each time", () => {
        const { session, peerRtcp } = pair();
        for (let i = 0; i < 3; i++) {
          const packet = rtcp();
          const wire = session.protectRtcp(packet);
          assert.deepEqual(wire.subarray(0, 8), packet.subarray(0, 8), "header and SSRC stay clear");
          assert.notDeepEqual(wire.subarray(8, packet.length), packet.subarray(8), "the rest is not");
          assert.deepEqual(peerRtcp.decrypt(wire), packet);
        }
      });

      it("unprotects the other side's SRTCP in place, and refuses forged, truncated and replayed packets", () => {
        const { session, peerRtcp } = pair();
        const packet = rtcp(0x01020304, 44);
        const wire = peerRtcp.encrypt(packet);
        const forged = Buffer.from(wire);
        forged[12]! ^= 1;
        assert.equal(session.unprotectRtcp(forged), null);
        assert.equal(session.unprotectRtcp(wire.subarray(0, 20)), null);
        const back = session.unprotectRtcp(wire);
        assert.ok(back);
        assert.deepEqual(back, packet);
        assert.equal(back.buffer, wire.buffer, "decrypted where it arrived");
        assert.equal(session.unprotectRtcp(peerRtcp.encrypt(packet)) !== null, true, "the next index");
        assert.equal(session.unprotectRtcp(Buffer.from(wire)), null, "replay");
      });

      it("protects across the sequence number wrap as the other side expects", () => {
        const { session, peer } = pair();
        for (const seq of [65534, 65535, 0, 1]) {
          const back = RtpPacket.deSerialize(
            peer.decrypt(session.protect(plain(seq, 100).serialize(), 5, 96)),
          );
          assert.equal(back.header.sequenceNumber, seq);
        }
      });
    });
  }
}
