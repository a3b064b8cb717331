import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import {
  Event,
  getBit,
  int,
  RTCDtlsTransport,
  RTCRtpSender,
  RtcpHeader,
  RtpHeader,
  RtpPacket,
  SrtcpSession,
  SrtpSession,
} from "werift";

// Our patch to werift (patches/werift+0.24.4.patch): an Event's methods live on its prototype.
// A PeerConnection has about 70 events, and ten closures each were ~80 KB of heap per call.
describe("werift events, as patched", () => {
  it("share their methods instead of carrying closures of their own", () => {
    const [a, b] = [new Event<[number]>(), new Event<[number]>()];
    assert.equal(a.execute, b.execute);
    assert.equal(a.subscribe, b.subscribe);
    assert.deepEqual(
      Object.keys(a).filter((k) => typeof (a as unknown as Record<string, unknown>)[k] === "function"),
      [],
      "no function-valued fields",
    );
  });

  it("still deliver, once, as promises, to queued subscribers, and end", async () => {
    const event = new Event<[number]>();
    const seen: string[] = [];
    const { unSubscribe } = event.subscribe((n) => seen.push(`each ${n}`));
    event.once((n) => seen.push(`once ${n}`));
    event.queuingSubscribe(async (n) => {
      await Promise.resolve();
      seen.push(`queued ${n}`);
    });
    const next = event.asPromise();
    event.execute(1);
    assert.deepEqual(await next, [1]);
    unSubscribe();
    event.execute(2);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ["each 1", "once 1", "queued 1", "queued 2"]);
    let ended = false;
    event.onended = () => {
      ended = true;
    };
    event.complete();
    assert.equal(ended, true);
    event.execute(3);
    assert.equal(seen.length, 4, "nothing after complete");
  });

  it("hand out bound methods through returnTrigger and returnListener", () => {
    const event = new Event<[string]>();
    const { subscribe } = event.returnListener;
    const { execute } = event.returnTrigger;
    const seen: string[] = [];
    subscribe((s) => seen.push(s));
    execute("detached");
    assert.deepEqual(seen, ["detached"]);
  });
});

describe("werift's getBit, as patched", () => {
  it("reads bit fields of a byte, most significant bit first, as the string version did", () => {
    const asDigits = (byte: number, start: number, length: number) =>
      Number.parseInt(
        byte
          .toString(2)
          .padStart(8, "0")
          .slice(start, start + length),
        2,
      );
    for (let byte = 0; byte < 256; byte++)
      for (let start = 0; start < 8; start++)
        for (let length = 1; start + length <= 8; length++)
          assert.equal(
            getBit(byte, start, length),
            asDigits(byte, start, length),
            `${byte} ${start} ${length}`,
          );
  });

  it("gives RTCP headers their version, padding and count", () => {
    const header = RtcpHeader.deSerialize(Buffer.from([0b10100011, 201, 0, 7]));
    assert.equal(header.version, 2);
    assert.equal(header.padding, true);
    assert.equal(header.count, 3);
    assert.equal(header.type, 201);
    assert.equal(header.length, 7);
  });
});

describe("werift's int, as patched", () => {
  // Receiver statistics call it for every RTP packet; parseInt made a string of each number first.
  it("truncates as parseInt(n, 10) did, for numbers and strings alike", () => {
    const samples = [0, 1.9, -1.9, 8000 * 1795928207.585, 2 ** 53 - 1, -0.5, Number.NaN, 1e21, 1.5e300];
    for (const n of samples) assert.equal(int(n), Number.parseInt(n as unknown as string, 10), String(n));
    for (const text of ["42", "42abc", " 7", "x"])
      assert.equal(int(text as unknown as number), Number.parseInt(text, 10));
  });
});

describe("werift's SRTP sessions, as patched", () => {
  // Made as DTLS comes up, they cost 0.7 ms a transport in cipher objects; Callgate's fast path
  // has its own, so werift's are made on first use (and can still be replaced).
  it("are made when first used, and protect as sessions made at once do", () => {
    const GCM = 7;
    const keys = {
      localKey: randomBytes(16),
      localSalt: randomBytes(12),
      remoteKey: randomBytes(16),
      remoteSalt: randomBytes(12),
    };
    const transport = new RTCDtlsTransport(
      {} as never,
      { connection: { onData: new Event() } } as never,
      undefined,
    );
    (transport as unknown as { dtls: unknown }).dtls = {
      srtp: { srtpProfile: GCM },
      extractSessionKeys: () => keys,
    };
    transport.updateSrtpSession();
    const descriptor = Object.getOwnPropertyDescriptor(transport, "srtp");
    assert.equal(typeof descriptor?.get, "function", "a getter, not a session made already");
    const peerConfig = {
      profile: GCM,
      keys: {
        localMasterKey: keys.remoteKey,
        localMasterSalt: keys.remoteSalt,
        remoteMasterKey: keys.localKey,
        remoteMasterSalt: keys.localSalt,
      },
    } as const;
    const header = new RtpHeader({ sequenceNumber: 9, timestamp: 90, ssrc: 0x1234, payloadType: 96 });
    const payload = randomBytes(40);
    const wire = transport.srtp.encrypt(payload, header);
    assert.deepEqual(RtpPacket.deSerialize(new SrtpSession(peerConfig).decrypt(wire)).payload, payload);
    const rtcp = Buffer.from([0x80, 201, 0, 1, 0, 0, 0x12, 0x34]);
    assert.deepEqual(new SrtcpSession(peerConfig).decrypt(transport.srtcp.encrypt(rtcp)), rtcp);
    const replaced = { encrypt: (b: Buffer) => b, decrypt: (b: Buffer) => b };
    (transport as unknown as { srtcp: unknown }).srtcp = replaced;
    assert.equal(transport.srtcp as unknown, replaced);
  });
});

// Our patch: the RTCP report loops of senders and receivers wait on a plain timer. werift's
// timers/promises wait with an AbortSignal made some 3 KB a report that lived a second: at 50
// calls (400 loops) the gateway's old generation grew 1.5 MB/s until a long full collection.
describe("werift RTCP report loops, as patched", () => {
  it("wait on a timer of their own, which stop() clears", () => {
    const sender = new RTCRtpSender("audio");
    sender.runRtcp().catch(() => {});
    const timer = (sender as unknown as { rtcpTimer?: { _destroyed: boolean } }).rtcpTimer;
    assert.ok(timer, "the loop waits on its own timer");
    assert.equal(timer._destroyed, false);
    sender.stop();
    assert.equal(timer._destroyed, true, "stop() clears it: nothing is left to fire");
  });
});
