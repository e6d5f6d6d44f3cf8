import { describe, expect, it } from "vitest";
import { Service } from "../../src/model/k8s.js";
import { serviceLookup, servicesNamed } from "../../src/facts/mesh/clients.js";

const svc = (name: string, namespace: string, clusterIP: string) =>
  Service.parse({ apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: { clusterIP, clusterIPs: [clusterIP], selector: { app: name }, ports: [{ port: 80 }] } });
const lookup = serviceLookup([svc("api", "shop", "10.96.0.23"), svc("reviews", "bookinfo", "10.96.4.7")], "cluster.local");
const named = (text: string, from = "reports") => servicesNamed(text, from, lookup).map((s) => `${s.metadata.namespace}/${s.metadata.name}`);

describe("Services a client names", () => {
  it("finds name.ns, name.ns.svc and the FQDN from any namespace, and the ClusterIP", () => {
    expect(named("http://api.shop.svc.cluster.local/v1/orders")).toEqual(["shop/api"]);
    expect(named("api.shop:80")).toEqual(["shop/api"]);
    expect(named("grpc://api.shop.svc:9090")).toEqual(["shop/api"]);
    expect(named('Get "http://x/": read tcp 10.244.1.12:48312->10.96.0.23:80: read: connection reset by peer')).toEqual(["shop/api"]);
  });

  it("takes a bare name only from the Service's namespace, and only as a URL host or before a port", () => {
    expect(named("http://api/v1/orders", "shop")).toEqual(["shop/api"]);
    expect(named("api:80", "shop")).toEqual(["shop/api"]);
    expect(named("http://api/v1/orders", "reports")).toEqual([]);
    expect(named("calling the api now", "shop")).toEqual([]);
  });

  it("ignores look-alikes: other domains, other suffixes, longer IPs, version strings", () => {
    expect(named("https://api.shop.example.com/")).toEqual([]);
    expect(named("api.shop.svc.corp.internal")).toEqual([]);
    expect(named("110.96.0.23 and 10.96.0.234")).toEqual([]);
    expect(named("reviews.bookinfo.svc.cluster.local.")).toEqual(["bookinfo/reviews"]);
    expect(named("image shop-api:5.12.0")).toEqual([]);
  });
});
