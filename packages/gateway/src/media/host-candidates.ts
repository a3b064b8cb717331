import { isIP } from "node:net";
import { type NetworkInterfaceInfo, networkInterfaces } from "node:os";

/**
 * Which local addresses the gateway offers as ICE host candidates, and what the browser sees of
 * them: Janus's ice_enforce_list / ice_ignore_list (interface names or address prefixes) and
 * nat_1_1_mapping (public addresses written into host candidates, for a server behind a 1:1 NAT).
 */
export interface HostCandidateSettings {
  /** Only interfaces or addresses starting with one of these (empty: every non-loopback one). */
  enforce: string[];
  /** Interfaces or addresses starting with one of these are skipped. */
  ignore: string[];
  /** Public addresses that replace the private one in host candidates. */
  nat11Mapping: string[];
  /** With nat11Mapping, advertise the private address as well (Janus's keep_private_host). */
  keepPrivateHost: boolean;
}

type Interfaces = Record<string, NetworkInterfaceInfo[] | undefined>;

/** Janus matches list entries as prefixes of the interface name or of the address. */
function listed(list: string[], name: string, address: string): boolean {
  return list.some((entry) => entry !== "" && (name.startsWith(entry) || address.startsWith(entry)));
}

export class HostCandidates {
  /** The addresses ICE may use, in interface order. */
  readonly addresses: string[];
  private readonly allowed: Set<string>;

  constructor(
    private readonly settings: HostCandidateSettings,
    interfaces: Interfaces = networkInterfaces(),
  ) {
    const addresses: string[] = [];
    for (const [name, infos] of Object.entries(interfaces)) {
      for (const info of infos ?? []) {
        // Link-local IPv6 needs a scope id a browser cannot use.
        if (info.family === "IPv6" && info.address.toLowerCase().startsWith("fe80")) continue;
        const enforced =
          settings.enforce.length > 0 ? listed(settings.enforce, name, info.address) : !info.internal;
        if (enforced && !listed(settings.ignore, name, info.address)) addresses.push(info.address);
      }
    }
    this.addresses = addresses;
    this.allowed = new Set(addresses);
  }

  /** True when ICE may use this local address (server-reflexive and relayed ones always may). */
  allows(address: string): boolean {
    return this.allowed.has(address);
  }

  /** The addresses an engine that skips loopback by default must be told about. */
  get loopbackAddresses(): string[] {
    return this.addresses.filter((a) => a.startsWith("127.") || a === "::1");
  }

  /** The public addresses, or none: what the start-up message and server_info report. */
  get publicAddresses(): string[] {
    return this.settings.nat11Mapping.filter((a) => isIP(a) !== 0);
  }

  /**
   * Rewrites the host candidates of a local SDP: candidates on addresses the lists exclude are
   * dropped, and with a 1:1 NAT mapping the private address becomes the public one (same family).
   */
  rewriteSdp(sdp: string): string {
    return sdp
      .split("\r\n")
      .flatMap((line) =>
        line.startsWith("a=candidate:") ? this.rewriteCandidate(line.slice(2)).map((c) => `a=${c}`) : [line],
      )
      .join("\r\n");
  }

  /** The same for one `candidate:...` string (a trickled candidate): none, one or several. */
  rewriteCandidate(candidate: string): string[] {
    const host = /^candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) typ host(.*)$/.exec(candidate);
    if (!host) return [candidate];
    const address = host[5]!;
    if (!this.allows(address)) return [];
    const publics = this.publicAddresses.filter((p) => isIP(p) === isIP(address));
    const out = publics.length === 0 || this.settings.keepPrivateHost ? [candidate] : [];
    for (const [i, publicAddress] of publics.entries()) {
      // A foundation of its own per address, as the candidates differ in more than the port.
      out.push(
        `candidate:${host[1]}${i + 1} ${host[2]} ${host[3]} ${host[4]} ${publicAddress} ${host[6]} typ host${host[7]}`,
      );
    }
    return out;
  }
}
