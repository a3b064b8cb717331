export { expectSuccess, JanusHandle, JanusSession } from "./session.js";
export { newTransaction } from "./transaction.js";
export {
  JanusRequestError,
  JanusWebSocketConnection,
  type RequestOptions,
  type WebSocketFactory,
  type WebSocketLike,
} from "./websocket-connection.js";
