/**
 * Address and CIDR parsing as the API server does it (leading zeros decimal,
 * host bits masked, IPv4-mapped addresses as IPv4, no zones, a CIDR needs
 * its prefix), containment and overlap per family.
 */
import { describe, expect, it } from "vitest";
import { cidrContains, cidrsOverlap, formatIp, ipInCidr, parseCidr, parseIp } from "../../src/model/cidr.js";

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`bad ip ${text}`);
  return parsed;
};
const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad cidr ${text}`);
  return parsed;
};

describe("IP parsing", () => {
  it.each([
    ["10.244.1.7", "10.244.1.7"],
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["010.001.002.003", "10.1.2.3"], // the API server's sloppy parser reads leading zeros as decimal
    ["2001:db8::1", "2001:db8::1"],
    ["::", "::"],
    ["::1", "::1"],
    ["fd00:10:244:2::20", "fd00:10:244:2::20"],
    ["2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:200c:417a"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ["::ffff:192.0.2.128", "192.0.2.128"], // IPv4-mapped: an IPv4 address, like Go's To4()
  ])("%s reads as %s", (text, expected) => {
    expect(formatIp(ip(text))).toBe(expected);
  });

  it.each(["256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "a.b.c.d", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "fe80::1%eth0", "", "::ffff:1.2.3", "1.2.3.4:80"])(
    "rejects %j",
    (text) => {
      expect(parseIp(text)).toBeNull();
    },
  );
});

describe("CIDR parsing and containment", () => {
  it("masks host bits like net.ParseCIDR", () => {
    expect(cidr("10.1.2.3/8").text).toBe("10.0.0.0/8");
    expect(cidr("2001:db8:1:2::5/48").text).toBe("2001:db8:1::/48");
  });

  it.each(["10.0.0.0", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/-1", "10.0.0.0/8/9", "x/8", "10.0.0.0/"])("rejects %j", (text) => {
    expect(parseCidr(text)).toBeNull();
  });

  it("checks bounds inclusively, per family", () => {
    const net = cidr("192.168.4.0/22");
    expect(cidrContains(net, ip("192.168.4.0"))).toBe(true);
    expect(cidrContains(net, ip("192.168.7.255"))).toBe(true);
    expect(cidrContains(net, ip("192.168.8.0"))).toBe(false);
    expect(cidrContains(net, ip("192.168.3.255"))).toBe(false);
    expect(cidrContains(cidr("0.0.0.0/0"), ip("2001:db8::1"))).toBe(false);
    expect(cidrContains(cidr("::/0"), ip("10.0.0.1"))).toBe(false);
    expect(cidrContains(cidr("::/0"), ip("2001:db8::1"))).toBe(true);
    expect(cidrContains(cidr("10.0.0.7/32"), ip("10.0.0.7"))).toBe(true);
    expect(cidrContains(cidr("10.0.0.7/32"), ip("10.0.0.8"))).toBe(false);
  });
});

describe("CIDR overlap and address membership", () => {
  it("overlaps when the ranges share an address, never across families", () => {
    expect(cidrsOverlap(cidr("10.244.0.0/16"), cidr("10.244.3.0/24"))).toBe(true);
    expect(cidrsOverlap(cidr("10.244.3.0/24"), cidr("10.244.0.0/16"))).toBe(true);
    expect(cidrsOverlap(cidr("10.96.0.0/12"), cidr("10.112.0.0/12"))).toBe(false);
    expect(cidrsOverlap(cidr("10.0.0.0/8"), cidr("10.255.255.255/32"))).toBe(true);
    expect(cidrsOverlap(cidr("0.0.0.0/0"), cidr("::/0"))).toBe(false);
    expect(cidrsOverlap(cidr("fd00:10:244::/56"), cidr("fd00:10:244:1::/64"))).toBe(true);
  });

  it("tells whether an address string lies in a CIDR string, false for anything unparsable", () => {
    expect(ipInCidr("10.244.1.17", "10.244.0.0/16")).toBe(true);
    expect(ipInCidr("::ffff:10.244.1.17", "10.244.0.0/16")).toBe(true);
    expect(ipInCidr("10.245.0.1", "10.244.0.0/16")).toBe(false);
    expect(ipInCidr("10.244.1.17", "10.244.0.0/")).toBe(false);
    expect(ipInCidr("not-an-ip", "10.244.0.0/16")).toBe(false);
  });
});
