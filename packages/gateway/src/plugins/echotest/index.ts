import {
  EchoTestErrorCode as E,
  ECHOTEST_PLUGIN,
  type Jsep,
  type JsonObject,
  PluginError,
} from "@callgate/protocol";
import type { MessageResult, Plugin, PluginHandle, PluginInfo, PluginSession } from "../plugin.js";
import { checkBody } from "../plugin-errors.js";

const codes = { missing: E.INVALID_ELEMENT, invalid: E.INVALID_ELEMENT };

/** What one EchoTest handle echoes back. */
interface EchoState {
  audio: boolean;
  video: boolean;
  bitrate: number;
  substream: number;
  temporal: number;
}

const settable = [
  { name: "audio", kind: "boolean" },
  { name: "video", kind: "boolean" },
  { name: "bitrate", kind: "positive integer" },
  { name: "record", kind: "boolean" },
  { name: "filename", kind: "string" },
  { name: "substream", kind: "positive integer" },
  { name: "temporal", kind: "positive integer" },
  { name: "fallback", kind: "positive integer" },
  { name: "audiocodec", kind: "string" },
  { name: "videocodec", kind: "string" },
  { name: "videoprofile", kind: "string" },
  { name: "opusred", kind: "boolean" },
  { name: "min_delay", kind: "integer" },
  { name: "max_delay", kind: "integer" },
] as const;

/**
 * janus.plugin.echotest: sends a user's own media back to them, so admins and users can
 * check a gateway end to end. Requests are acked with Janus's hint, then answered by an event.
 */
export class EchoTestPlugin implements Plugin {
  readonly name = ECHOTEST_PLUGIN;
  readonly info: PluginInfo = {
    name: "Callgate EchoTest plugin",
    author: "Callgate",
    description: "Echoes a user's own audio and video back, to test a gateway end to end.",
    version_string: "0.0.7",
    version: 7,
  };

  attach(handle: PluginHandle): PluginSession {
    const state: EchoState = { audio: true, video: true, bitrate: 0, substream: 2, temporal: 2 };
    return {
      handleMessage: (transaction, body, jsep) => this.handleMessage(handle, state, transaction, body, jsep),
      incomingRtp: (kind, packet) => {
        if (kind === "audio" ? state.audio : state.video) handle.sendRtp(kind, packet);
      },
      // Start the echo with a keyframe, rather than wait for the browser's next one.
      mediaConnected: () => handle.requestKeyframe("video"),
      // The user's own receiver wants a keyframe: ask the user's own sender.
      keyframeRequested: (kind) => handle.requestKeyframe(kind),
      mediaHungUp: () => {
        handle.pushEvent(undefined, { echotest: "event", result: "done" });
        Object.assign(state, { audio: true, video: true, bitrate: 0 });
      },
      destroy: () => {},
      describe: () => ({
        audio_active: state.audio,
        video_active: state.video,
        bitrate: state.bitrate,
        substream: state.substream,
        temporal: state.temporal,
      }),
    };
  }

  private handleMessage(
    handle: PluginHandle,
    state: EchoState,
    transaction: string,
    body: JsonObject,
    jsep: Jsep | undefined,
  ): MessageResult {
    try {
      checkBody(body, settable, codes);
      for (const layer of ["substream", "temporal"] as const) {
        const v = body[layer];
        if (typeof v === "number" && v > 2)
          throw new PluginError(E.INVALID_ELEMENT, `Invalid value (${layer} should be 0, 1 or 2)`);
      }
      const recognised = settable.some((rule) => body[rule.name] !== undefined);
      if (!recognised && !jsep)
        throw new PluginError(E.INVALID_ELEMENT, "Message error: no supported attributes found");
      const videoBack = typeof body.video === "boolean" && body.video && !state.video;
      if (typeof body.audio === "boolean") state.audio = body.audio;
      if (typeof body.video === "boolean") state.video = body.video;
      if (typeof body.bitrate === "number") state.bitrate = body.bitrate;
      if (typeof body.substream === "number") state.substream = body.substream;
      if (typeof body.temporal === "number") state.temporal = body.temporal;
      // As Janus: a cap is sent as REMB at once (0 means no cap: 10 Mbps), and video coming back starts with a keyframe.
      if (typeof body.bitrate === "number") handle.capBitrate(body.bitrate > 0 ? body.bitrate : 10_000_000);
      if (videoBack) handle.requestKeyframe("video");
      if (jsep) {
        handle.answerOffer().then(
          (answer) => handle.pushEvent(transaction, { echotest: "event", result: "ok" }, answer),
          (err: Error) =>
            handle.pushEvent(transaction, {
              echotest: "event",
              error_code: E.INVALID_SDP,
              error: `Error parsing offer: ${err.message}`,
            }),
        );
      } else {
        handle.pushEvent(transaction, { echotest: "event", result: "ok" });
      }
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      handle.pushEvent(transaction, { echotest: "event", error_code: err.code, error: err.message });
    }
    return { kind: "ack", hint: "I'm taking my time!" };
  }
}
