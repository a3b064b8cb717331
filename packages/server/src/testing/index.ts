// Test helpers, for this package's tests and the end-to-end suite (`@callgate/server/testing`).
export { enableWebrtc, optIn } from "./call-fixture.js";
export { TEST_POSTGRES_URL, type TestDatabase, testDatabases } from "./databases.js";
export { startTestServer, type TestServer, type TestUser } from "./test-server.js";
export { type SocketEvent, type SocketReply, TestSocket } from "./test-socket.js";
