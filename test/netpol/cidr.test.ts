import { describe, expect, it } from "vitest";
import { cidrContains, formatIp, ipBlockContains, ipBlockRanges, parseCidr, parseIp, parseIpBlock } from "../../src/facts/netpol/cidr.js";

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

describe("ipBlock with except", () => {
  const block = parseIpBlock({ cidr: "172.17.0.0/16", except: ["172.17.1.0/24"] })!;

  it("contains the CIDR minus the excepted ranges", () => {
    expect(ipBlockContains(block, ip("172.17.0.5"))).toBe(true);
    expect(ipBlockContains(block, ip("172.17.1.5"))).toBe(false);
    expect(ipBlockContains(block, ip("172.17.2.0"))).toBe(true);
    expect(ipBlockContains(block, ip("172.18.0.1"))).toBe(false);
  });

  it("sets aside except entries the API server would reject (unparsable, or outside the CIDR)", () => {
    const b = parseIpBlock({ cidr: "10.0.0.0/8", except: ["192.168.0.0/16", "nonsense", "10.1.0.0/16"] })!;
    expect(b.invalidExcept).toEqual(["192.168.0.0/16", "nonsense"]);
    expect(b.except.map((e) => e.text)).toEqual(["10.1.0.0/16"]);
  });

  it("splits into the address ranges the excepts leave, or none when they cover the block", () => {
    const text = (b: Parameters<typeof ipBlockRanges>[0]) => ipBlockRanges(b).map(([lo, hi]) => `${formatIp({ family: b.cidr.family, value: lo })}-${formatIp({ family: b.cidr.family, value: hi })}`);
    expect(text(block)).toEqual(["172.17.0.0-172.17.0.255", "172.17.2.0-172.17.255.255"]);
    expect(text(parseIpBlock({ cidr: "10.0.0.0/8", except: ["10.0.0.0/9", "10.128.0.0/10"] })!)).toEqual(["10.192.0.0-10.255.255.255"]);
    expect(text(parseIpBlock({ cidr: "10.0.0.0/8", except: ["10.128.0.0/9", "10.0.0.0/9"] })!)).toEqual([]);
    expect(text(parseIpBlock({ cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16"] })!)).toEqual(["0.0.0.0-9.255.255.255", "11.0.0.0-192.167.255.255", "192.169.0.0-255.255.255.255"]);
    expect(text(parseIpBlock({ cidr: "2001:db8::/32", except: ["2001:db8::/33"] })!)).toEqual(["2001:db8:8000::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"]);
  });
});
