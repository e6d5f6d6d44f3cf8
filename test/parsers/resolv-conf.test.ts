import { describe, expect, it } from "vitest";
import { parseResolvConf } from "../../src/model/parsers/resolv-conf.js";
import { fixture } from "./_fixture.js";

describe("resolv.conf", () => {
  it("reads a pod's ClusterFirst resolv.conf", () => {
    const conf = parseResolvConf(fixture("resolv.conf_pod_ndots5.txt"));
    expect(conf.nameservers).toEqual([{ address: "10.96.0.10", line: 1 }]);
    expect(conf.search).toEqual(["default.svc.cluster.local", "svc.cluster.local", "cluster.local", "localdomain"]);
    expect(conf.options).toEqual({ ndots: 5, flags: [] });
    expect(conf.skipped.count).toBe(0);
  });

  it("reads a dhclient-written node resolv.conf with options and a `;` comment", () => {
    const conf = parseResolvConf(fixture("resolv.conf_node_dhclient.txt"));
    expect(conf.nameservers.map((n) => n.address)).toEqual(["10.192.33.32", "10.192.26.32"]);
    expect(conf.options).toEqual({ timeout: 2, attempts: 3, flags: ["rotate", "single-request-reopen"] });
    expect(conf.search).toEqual(["cluster.local"]);
  });

  it("applies glibc rules: last of search/domain wins, ndots capped at 15", () => {
    const conf = parseResolvConf(["search a.example b.example", "domain corp.example", "options ndots:20 edns0", "nameserver 127.0.0.53", "bogus line"].join("\n"));
    expect(conf.search).toEqual(["corp.example"]);
    expect(conf.domain).toBe("corp.example");
    expect(conf.options).toEqual({ ndots: 15, flags: ["edns0"] });
    expect(conf.skipped.count).toBe(1);
    const later = parseResolvConf("domain corp.example\nsearch x.example\n");
    expect(later.search).toEqual(["x.example"]);
    expect(later.domain).toBeUndefined();
  });
});
