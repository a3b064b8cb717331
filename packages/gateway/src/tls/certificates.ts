import { X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface CertificatePair {
  cert: string;
  key: string;
  passphrase: string | undefined;
  /** SHA-256 fingerprint, colon-separated hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint: string;
  certPath: string;
  keyPath: string;
  generated: boolean;
}

export const GENERATED_CERT = "callgate-gateway.crt";
export const GENERATED_KEY = "callgate-gateway.key";

export function defaultHostnames(): string[] {
  return [...new Set([hostname(), "localhost"])];
}

export function readCertificate(certPath: string, keyPath: string, passphrase?: string): CertificatePair {
  const cert = readFileSync(certPath, "utf8");
  const key = readFileSync(keyPath, "utf8");
  return { cert, key, passphrase, fingerprint: fingerprintOf(cert), certPath, keyPath, generated: false };
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/**
 * The gateway's own self-signed certificate for its TLS listeners, made once and kept in
 * the state folder so that its fingerprint stays the same across restarts (the chat server pins it).
 */
export async function ensureGeneratedCertificate(
  stateDir: string,
  hostnames: string[],
): Promise<CertificatePair> {
  const certPath = join(stateDir, GENERATED_CERT);
  const keyPath = join(stateDir, GENERATED_KEY);
  if (existsSync(certPath) && existsSync(keyPath)) {
    const pair = readCertificate(certPath, keyPath);
    return { ...pair, generated: false };
  }
  mkdirSync(stateDir, { recursive: true });
  const names = hostnames.length > 0 ? hostnames : defaultHostnames();
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 5);
  const pems = await generate([{ name: "commonName", value: names[0]! }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: notAfter,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })),
          ...(names.includes("127.0.0.1") ? [] : [{ type: 7 as const, ip: "127.0.0.1" }]),
        ],
      },
    ],
  });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(certPath, pems.cert, { mode: 0o644 });
  return {
    cert: pems.cert,
    key: pems.private,
    passphrase: undefined,
    fingerprint: fingerprintOf(pems.cert),
    certPath,
    keyPath,
    generated: true,
  };
}
