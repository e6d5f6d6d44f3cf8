import { describe, expect, it } from "vitest";
import { formatIp, parseIp } from "../../src/model/cidr.js";
import { ipBlockContains, ipBlockRanges, parseIpBlock } from "../../src/facts/netpol/ip-block.js";

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`bad ip ${text}`);
  return parsed;
};

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
