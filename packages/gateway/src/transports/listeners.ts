import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import type { ListenerSettings } from "../config/settings.js";
import type { CertificatePair } from "../tls/certificates.js";

export class ListenError extends Error {}

/** The address a listener binds: its `ip`, else the first address of its `interface`, else all. */
export function bindAddress(listener: ListenerSettings): string | undefined {
  if (listener.ip) return listener.ip;
  if (!listener.iface) return undefined;
  const addresses = networkInterfaces()[listener.iface];
  const address = addresses?.find((a) => a.family === "IPv4") ?? addresses?.[0];
  if (!address) throw new ListenError(`network interface '${listener.iface}' has no address to bind to`);
  return address.address;
}

export function createServer(tls: CertificatePair | undefined, handler?: RequestListener): Server {
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, passphrase: tls.passphrase }, handler)
    : createHttpServer(handler);
  // Long polls last 30 s; keep idle sockets a little longer than that, and bound header time.
  server.keepAliveTimeout = 35_000;
  server.headersTimeout = 40_000;
  server.requestTimeout = 60_000;
  return server;
}

/** Starts listening, turning "address in use" and friends into an error that names the setting. */
export function listen(server: Server, listener: ListenerSettings, what: string): Promise<AddressInfo> {
  const host = bindAddress(listener);
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = `${host ?? "*"}:${listener.port}`;
      if (err.code === "EADDRINUSE")
        reject(
          new ListenError(
            `${what}: port ${where} is already in use (change its port or stop the other program)`,
          ),
        );
      else if (err.code === "EACCES") reject(new ListenError(`${what}: not allowed to listen on ${where}`));
      else if (err.code === "EADDRNOTAVAIL")
        reject(new ListenError(`${what}: address ${host} is not on this machine`));
      else reject(new ListenError(`${what}: cannot listen on ${where}: ${err.message}`));
    };
    server.once("error", onError);
    server.listen({ port: listener.port, host }, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
