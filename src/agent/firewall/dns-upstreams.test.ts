import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { daemonDns, dnsDestinations, dnsUpstreams, dockerResolvConfPath, etcResolvConf, nameservers, systemdResolvConf } from "./dns-upstreams.js";

describe("dnsUpstreams: the resolvers Docker's embedded DNS queries from a task's namespace", () => {
  const cases: [string, string | undefined, string[]][] = [
    ["the host's IPv4 nameservers, in order, each once", "search ec2.internal\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.2\n", ["10.0.0.2", "10.0.0.3"]],
    ["comments, options and IPv6 servers ignored", "# nameserver 1.1.1.1\nnameserver 10.0.0.2 # VPC resolver\noptions edns0\nnameserver fd00::2\n", ["10.0.0.2"]],
    ["a loopback resolver is asked from the host's namespace: no exemption for it", "nameserver 127.0.0.1\nnameserver 10.0.0.2\n", ["10.0.0.2"]],
    ["only loopback resolvers: none queried from the task's namespace", "nameserver 127.0.1.1\n", []],
    ["no IPv4 nameserver: Docker's defaults", "search example.com\nnameserver fd00::2\n", ["8.8.8.8", "8.8.4.4"]],
    ["no file: Docker's defaults", undefined, ["8.8.8.8", "8.8.4.4"]],
  ];
  for (const [name, text, want] of cases) it(name, () => assert.deepEqual(dnsUpstreams(text), want));
});

describe("daemonDns: the resolvers of the Docker daemon's own configuration, which replace the host's", () => {
  it("are upstreams by the same rules as the host's: IPv4, each once, loopback ones asked from the host", () =>
    assert.deepEqual(dnsUpstreams(daemonDns('{"dns": ["10.1.0.2", "127.0.0.1", "fd00::2", "10.1.0.2"], "log-driver": "json-file"}')), ["10.1.0.2"]));
  it("only IPv6 ones: Docker's defaults from the task's namespace", () => assert.deepEqual(dnsUpstreams(daemonDns('{"dns": ["fd00::2"]}')), ["8.8.8.8", "8.8.4.4"]));
  const none: [string, string | undefined][] = [
    ["no file", undefined],
    ["no dns key", '{"debug": true}'],
    ["an empty list", '{"dns": []}'],
    ["a list of no strings", '{"dns": [1, null]}'],
    ["not JSON (dockerd would not start)", "{dns: "],
    ["JSON but no object", '["10.1.0.2"]'],
  ];
  for (const [name, text] of none) it(`sets none with ${name}: the host's resolv.conf decides`, () => assert.equal(daemonDns(text), undefined));
});

describe("dockerResolvConfPath: the file Docker takes the host's resolvers from", () => {
  it("systemd-resolved's own file when 127.0.0.53 is /etc/resolv.conf's only nameserver", () => {
    assert.equal(dockerResolvConfPath("nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n"), systemdResolvConf);
  });
  it("/etc/resolv.conf otherwise, or when it is missing", () => {
    assert.equal(dockerResolvConfPath("nameserver 127.0.0.53\nnameserver 10.0.0.2\n"), etcResolvConf);
    assert.equal(dockerResolvConfPath("nameserver 10.0.0.2\n"), etcResolvConf);
    assert.equal(dockerResolvConfPath(undefined), etcResolvConf);
  });
});

describe("nameservers and dnsDestinations", () => {
  it("reads each nameserver line, indented or not", () => assert.deepEqual(nameservers("  nameserver 10.0.0.2\nnameserverx 1.2.3.4\nnameserver\t10.0.0.3"), ["10.0.0.2", "10.0.0.3"]));
  it("opens port 53 over udp and tcp", () =>
    assert.deepEqual(dnsDestinations(["10.0.0.2"]), [
      { ip: "10.0.0.2", protocol: "udp", port: 53 },
      { ip: "10.0.0.2", protocol: "tcp", port: 53 },
    ]));
});
