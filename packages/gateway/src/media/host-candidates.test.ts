import assert from "node:assert/strict";
import type { NetworkInterfaceInfo } from "node:os";
import { describe, it } from "node:test";
import { type HostCandidateSettings, HostCandidates } from "./host-candidates.js";

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: "255.255.255.0",
  family: "IPv4",
  mac: "00:00:00:00:00:00",
  internal,
  cidr: `${address}/24`,
});
const v6 = (address: string): NetworkInterfaceInfo => ({
  address,
  netmask: "ffff:ffff:ffff:ffff::",
  family: "IPv6",
  mac: "00:00:00:00:00:00",
  internal: false,
  cidr: `${address}/64`,
  scopeid: 0,
});
const machine = {
  lo: [v4("127.0.0.1", true)],
  eth0: [v4("10.0.0.5"), v6("fe80::1"), v6("2001:db8::5")],
  docker0: [v4("172.17.0.1")],
  vmnet8: [v4("192.168.200.1")],
};
const settings = (over: Partial<HostCandidateSettings>): HostCandidateSettings => ({
  enforce: [],
  ignore: [],
  nat11Mapping: [],
  keepPrivateHost: false,
  ...over,
});

const sdp = [
  "v=0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=candidate:1 1 udp 2130706431 10.0.0.5 40000 typ host",
  "a=candidate:2 1 udp 2130706431 172.17.0.1 40000 typ host",
  "a=candidate:3 1 udp 2130706431 2001:db8::5 40000 typ host",
  "a=candidate:4 1 udp 1694498815 203.0.113.7 40000 typ srflx raddr 10.0.0.5 rport 40000",
  "a=end-of-candidates",
  "",
].join("\r\n");

describe("host candidates", () => {
  it("uses every non-loopback address except link-local IPv6 by default", () => {
    const hosts = new HostCandidates(settings({}), machine);
    assert.deepEqual(hosts.addresses, ["10.0.0.5", "2001:db8::5", "172.17.0.1", "192.168.200.1"]);
  });

  it("matches ice_enforce_list and ice_ignore_list entries as interface or address prefixes, as Janus", () => {
    const enforced = new HostCandidates(settings({ enforce: ["eth", "127.0.0.1"] }), machine);
    assert.deepEqual(enforced.addresses, ["127.0.0.1", "10.0.0.5", "2001:db8::5"]);
    assert.deepEqual(enforced.loopbackAddresses, ["127.0.0.1"]);
    const ignored = new HostCandidates(settings({ ignore: ["vmnet", "172.17."] }), machine);
    assert.deepEqual(ignored.addresses, ["10.0.0.5", "2001:db8::5"]);
  });

  it("drops host candidates the lists exclude from the SDP, and keeps other types", () => {
    const out = new HostCandidates(settings({ ignore: ["docker"] }), machine).rewriteSdp(sdp);
    assert.ok(!out.includes("172.17.0.1"));
    assert.ok(out.includes("10.0.0.5 40000 typ host"));
    assert.ok(out.includes("typ srflx"));
    assert.ok(out.endsWith("a=end-of-candidates\r\n"));
  });

  it("writes the nat_1_1_mapping address into host candidates of the same family", () => {
    const hosts = new HostCandidates(
      settings({ enforce: ["eth0"], nat11Mapping: ["198.51.100.9"] }),
      machine,
    );
    const out = hosts.rewriteSdp(sdp);
    assert.ok(out.includes("a=candidate:11 1 udp 2130706431 198.51.100.9 40000 typ host"));
    assert.ok(!out.includes(" 10.0.0.5 40000 typ host"), "the private address is replaced");
    assert.ok(out.includes("2001:db8::5 40000 typ host"), "IPv6 has no mapping and stays");
    const both = new HostCandidates(
      settings({ enforce: ["eth0"], nat11Mapping: ["198.51.100.9"], keepPrivateHost: true }),
      machine,
    ).rewriteSdp(sdp);
    assert.ok(both.includes(" 10.0.0.5 40000 typ host") && both.includes(" 198.51.100.9 40000 typ host"));
  });
});
