import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback } from "werift";

/** REMB's bitrate as an 18-bit mantissa and a 6-bit exponent (draft-alvestrand-rmcat-remb). */
export function rembExponentMantissa(bitsPerSecond: number): { brExp: number; brMantissa: number } {
  let brExp = 0;
  let brMantissa = Math.max(0, Math.floor(bitsPerSecond));
  while (brMantissa >= 1 << 18) {
    brMantissa = Math.floor(brMantissa / 2);
    brExp++;
  }
  return { brExp, brMantissa };
}

/** A REMB telling the sender of `remoteSsrc` to stay under `bitsPerSecond`. */
export function rembPacket(
  localSsrc: number,
  remoteSsrc: number,
  bitsPerSecond: number,
): RtcpPayloadSpecificFeedback {
  return new RtcpPayloadSpecificFeedback({
    feedback: new ReceiverEstimatedMaxBitrate({
      senderSsrc: localSsrc,
      mediaSsrc: 0,
      // werift serializes these two fields, not `bitrate`
      ...rembExponentMantissa(bitsPerSecond),
      ssrcNum: 1,
      ssrcFeedbacks: [remoteSsrc],
      bitrate: BigInt(Math.floor(bitsPerSecond)),
    }),
  });
}
