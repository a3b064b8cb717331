import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { JANUSJS_PAGE } from "../webrtc/janusjs-page.js";

/** Debian's Chromium with the flags that work for WebRTC on loopback with a fake camera and microphone. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      "--disable-features=WebRtcHideLocalIpsWithMdns",
      "--allow-loopback-in-peer-connection",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

const files: Record<string, [string, string]> = {
  "/": [JANUSJS_PAGE, "text/html"],
  "/janus.js": [readFileSync("/usr/share/javascript/janus-gateway/janus.js", "utf8"), "text/javascript"],
  "/adapter.js": [
    readFileSync("/usr/share/janus/demos/javascript/webrtc-adapter/adapter.min.js", "utf8"),
    "text/javascript",
  ],
};

/** Serves the janus.js harness page on http://localhost:PORT (getUserMedia needs a secure context). */
export async function servePage(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const file = files[(req.url ?? "/").split("?")[0]!];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": file[1] }).end(file[0]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
