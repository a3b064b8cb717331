export {
  expectSuccess,
  type HandleEventListener,
  JanusHandle,
  JanusSession,
  type ReconnectOptions,
} from "./session.js";
export { newTransaction } from "./transaction.js";
export {
  type Jsep,
  VIDEOCALL_PLUGIN,
  VideoCallError,
  VideoCallHandle,
  type VideoCallListeners,
} from "./videocall.js";
export {
  JanusRequestError,
  JanusWebSocketConnection,
  type RequestOptions,
  type WebSocketFactory,
  type WebSocketLike,
} from "./websocket-connection.js";
