/** Package names of the plugins Callgate implements, as Janus names them. */
export const VIDEOCALL_PLUGIN = "janus.plugin.videocall";
export const ECHOTEST_PLUGIN = "janus.plugin.echotest";

/** WebSocket subprotocols of the Janus transports. */
export const JANUS_PROTOCOL = "janus-protocol";
export const JANUS_ADMIN_PROTOCOL = "janus-admin-protocol";

/** VideoCall plugin error codes (janus_videocall.c). */
export const VideoCallErrorCode = {
  UNKNOWN_ERROR: 499,
  NO_MESSAGE: 470,
  INVALID_JSON: 471,
  INVALID_REQUEST: 472,
  REGISTER_FIRST: 473,
  INVALID_ELEMENT: 474,
  MISSING_ELEMENT: 475,
  USERNAME_TAKEN: 476,
  ALREADY_REGISTERED: 477,
  NO_SUCH_USERNAME: 478,
  USE_ECHO_TEST: 479,
  ALREADY_IN_CALL: 480,
  NO_CALL: 481,
  MISSING_SDP: 482,
  INVALID_SDP: 483,
} as const;

/** EchoTest plugin error codes (janus_echotest.c). */
export const EchoTestErrorCode = {
  NO_MESSAGE: 411,
  INVALID_JSON: 412,
  INVALID_ELEMENT: 413,
  INVALID_SDP: 414,
} as const;
