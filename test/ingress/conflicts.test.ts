import { describe, expect, it } from "vitest";
import { Ingress } from "../../src/model/k8s.js";
import { findRuleConflicts, normalizePrefixPath, pathClaims } from "../../src/facts/ingress/conflicts.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";

function ing(name: string, host: string, paths: [path: string, pathType: string | null, service: string][], namespace = "shop"): Ingress {
  const p = paths
    .map(([path, type, svc]) => `      - path: ${path}\n${type ? `        pathType: ${type}\n` : ""}        backend: {service: {name: ${svc}, port: {number: 80}}}`)
    .join("\n");
  return ofKind(
    yamlDocs(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  ingressClassName: nginx
  rules:
  - ${host ? `host: "${host}"\n    ` : ""}http:
      paths:
${p}`),
    "Ingress",
    Ingress,
  )[0]!;
}

function conflicts(...ingresses: [Ingress, string][]) {
  return findRuleConflicts(ingresses.flatMap(([i, cls]) => pathClaims(i, cls)));
}

describe("Prefix path normalization", () => {
  it("ignores trailing slashes but keeps the root", () => {
    expect(normalizePrefixPath("/foo/")).toBe("/foo");
    expect(normalizePrefixPath("/foo")).toBe("/foo");
    expect(normalizePrefixPath("/")).toBe("/");
  });
});

describe("Ingress host/path conflicts", () => {
  it("finds two Ingresses of one class claiming the same host and Prefix path (trailing slash ignored)", () => {
    const found = conflicts([ing("web", "shop.example.com", [["/api", "Prefix", "api-v1"]]), "nginx"], [ing("web-v2", "Shop.Example.com", [["/api/", "Prefix", "api-v2"]]), "nginx"]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ className: "nginx", host: "shop.example.com", path: "/api", pathType: "Prefix", sameBackend: false });
    expect(found[0]!.claims.map((c) => c.ingress.name)).toEqual(["web", "web-v2"]);
  });

  it("does not confuse /foo with /foobar, Exact with Prefix, or /foo with /foo/ for Exact", () => {
    expect(conflicts([ing("a", "h", [["/foo", "Prefix", "x"]]), "nginx"], [ing("b", "h", [["/foobar", "Prefix", "y"]]), "nginx"])).toEqual([]);
    // Exact /foo wins for /foo, the Prefix keeps /foo/...: both are served.
    expect(conflicts([ing("a", "h", [["/foo", "Exact", "x"]]), "nginx"], [ing("b", "h", [["/foo", "Prefix", "y"]]), "nginx"])).toEqual([]);
    expect(conflicts([ing("a", "h", [["/foo", "Exact", "x"]]), "nginx"], [ing("b", "h", [["/foo/", "Exact", "y"]]), "nginx"])).toEqual([]);
  });

  it("only compares Ingresses of the same class, and hosts literally (a wildcard host is its own claim)", () => {
    expect(conflicts([ing("a", "h", [["/", "Prefix", "x"]]), "nginx"], [ing("b", "h", [["/", "Prefix", "y"]]), "traefik"])).toEqual([]);
    expect(conflicts([ing("a", "*.example.com", [["/", "Prefix", "x"]]), "nginx"], [ing("b", "a.example.com", [["/", "Prefix", "y"]]), "nginx"])).toEqual([]);
  });

  it("treats ImplementationSpecific (and a missing pathType) as Prefix, with a note", () => {
    const found = conflicts([ing("a", "", [["/", "ImplementationSpecific", "x"]]), "nginx"], [ing("b", "", [["/", null, "y"]], "other"), "nginx"]);
    expect(found).toHaveLength(1);
    expect(found[0]!.host).toBe("");
    expect(found[0]!.notes.join()).toMatch(/ImplementationSpecific treated as Prefix/);
  });

  it("marks a duplicate that sends the traffic to the same backend", () => {
    const found = conflicts([ing("a", "h", [["/", "Prefix", "web"]]), "nginx"], [ing("a-copy", "h", [["/", "Prefix", "web"]]), "nginx"]);
    expect(found[0]!.sameBackend).toBe(true);
  });

  it("does not report one Ingress against itself", () => {
    expect(conflicts([ing("a", "h", [["/", "Prefix", "x"], ["/", "Prefix", "y"]]), "nginx"])).toEqual([]);
  });
});
