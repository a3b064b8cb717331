import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RTCPeerConnection, type RTCRtpTransceiver } from "werift";
import { type MediaKind, newRelayCounters } from "../media-peer.js";
import { rtpPayloadOffset, rtpSequenceNumber } from "../rtp/rtp-header.js";
import { SrtpFastPath } from "./srtp-fast-path.js";

/** Two werift peers with an audio m-line, connected over loopback, each with the fast path on. */
async function connectedPair() {
  const received: Buffer[] = [];
  const peers = [0, 1].map(() => new RTCPeerConnection({ iceAdditionalHostAddresses: ["127.0.0.1"] }));
  const [a, b] = peers as [RTCPeerConnection, RTCPeerConnection];
  const transceivers = peers.map(() => new Map<MediaKind, RTCRtpTransceiver>());
  const sender = a.addTransceiver("audio", { direction: "sendrecv" });
  transceivers[0]!.set("audio", sender);
  b.onTransceiverAdded.subscribe((t) => {
    transceivers[1]!.set("audio", t);
    // A stream's first packet goes werift's way (the fast path learns the SSRC from it).
    t.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => received.push(rtp.serialize())));
  });
  const gathered = (pc: RTCPeerConnection) =>
    new Promise<void>((resolve) => {
      if (pc.iceGatheringState === "complete") resolve();
      else pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
    });
  await a.setLocalDescription(await a.createOffer());
  await gathered(a);
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await gathered(b);
  const up = peers.map(
    (pc) =>
      new Promise<void>((resolve) =>
        pc.connectionStateChange.subscribe((s) => s === "connected" && resolve()),
      ),
  );
  await a.setRemoteDescription(b.localDescription!);
  await Promise.all(up);
  const paths = peers.map((pc, i) => {
    const path = SrtpFastPath.start(
      pc.dtlsTransports[0]!,
      transceivers[i]!,
      newRelayCounters(),
      (_t, _k, packet) => received.push(Buffer.from(packet)),
      200,
    );
    assert.ok(path, "the fast path starts on a connected DTLS transport");
    return path;
  });
  return { peers, paths: paths as [SrtpFastPath, SrtpFastPath], received };
}

function rtp(buffer: Buffer, sequence: number, text: string): Buffer {
  const packet = buffer.subarray(0, 12 + text.length);
  packet[0] = 0x80;
  packet[1] = 111;
  packet.writeUInt16BE(sequence, 2);
  packet.writeUInt32BE(sequence * 960, 4);
  packet.writeUInt32BE(0, 8);
  packet.write(text, 12);
  return packet;
}

describe("SRTP fast path: protecting where a packet lies", () => {
  const closing: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of closing) await close();
  });

  it("encrypts in the caller's buffer when it lends room for the tag, and copies when it does not", {
    timeout: 15_000,
  }, async () => {
    const { peers, paths, received } = await connectedPair();
    closing.push(async () => {
      for (const path of paths) path.close();
      for (const pc of peers) await pc.close();
    });
    const roomy = Buffer.alloc(200);
    const tight = Buffer.alloc(200);
    for (let sequence = 1; sequence <= 20; sequence++) {
      // Room for the tag: the payload is encrypted where it lies (the buffer no longer holds it).
      const lent = rtp(roomy, sequence * 2, `lent ${sequence}`);
      assert.equal(paths[0].send("audio", lent, roomy.length), true);
      assert.notEqual(roomy.subarray(12, 12 + `lent ${sequence}`.length).toString(), `lent ${sequence}`);
      // No room given: the caller's packet is left as it was.
      const kept = rtp(tight, sequence * 2 + 1, `kept ${sequence}`);
      assert.equal(paths[0].send("audio", kept), true);
      assert.equal(kept.subarray(12).toString(), `kept ${sequence}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    for (let waited = 0; received.length < 40 && waited < 3000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    const texts = new Map(
      received.map((p) => [rtpSequenceNumber(p), p.subarray(rtpPayloadOffset(p)).toString()]),
    );
    for (let sequence = 1; sequence <= 20; sequence++) {
      assert.equal(texts.get(sequence * 2), `lent ${sequence}`);
      assert.equal(texts.get(sequence * 2 + 1), `kept ${sequence}`);
    }
  });
});
