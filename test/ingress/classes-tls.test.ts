import { describe, expect, it } from "vitest";
import { Ingress, IngressClass } from "../../src/model/k8s.js";
import { resolveIngressClass } from "../../src/facts/ingress/classes.js";
import { checkIngressTls } from "../../src/facts/ingress/tls.js";
import type { SecretEntry } from "../../src/model/model.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";

const CLASSES = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
  labels:
    app.kubernetes.io/name: ingress-nginx
    app.kubernetes.io/component: controller
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: traefik
spec:
  controller: traefik.io/ingress-controller
`;

function ingress(meta: string, spec: string): Ingress {
  return ofKind(yamlDocs(`apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  namespace: shop\n${meta}\nspec:\n${spec}`), "Ingress", Ingress)[0]!;
}

const RULES = `  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}`;

describe("IngressClass resolution", () => {
  const classes = ofKind(yamlDocs(CLASSES), "IngressClass", IngressClass);

  it("follows spec.ingressClassName to its IngressClass and controller", () => {
    const r = resolveIngressClass(ingress("  name: a", `  ingressClassName: traefik\n${RULES}`), classes);
    expect(r).toMatchObject({ source: "spec", className: "traefik", ingressClass: { kind: "IngressClass", name: "traefik" }, controller: "traefik.io/ingress-controller" });
    expect(r.problem).toBeUndefined();
  });

  it("reports a class name with no IngressClass object", () => {
    expect(resolveIngressClass(ingress("  name: a", `  ingressClassName: nginx-internal\n${RULES}`), classes)).toMatchObject({
      source: "spec",
      className: "nginx-internal",
      problem: "class-not-found",
    });
  });

  it("accepts the legacy annotation without an IngressClass object, with a deprecation note", () => {
    const r = resolveIngressClass(ingress("  name: a\n  annotations:\n    kubernetes.io/ingress.class: haproxy", RULES), classes);
    expect(r).toMatchObject({ source: "annotation", className: "haproxy" });
    expect(r.problem).toBeUndefined();
    expect(r.notes.join()).toMatch(/deprecated annotation/);
  });

  it("notes a class field and annotation that disagree", () => {
    const r = resolveIngressClass(ingress("  name: a\n  annotations:\n    kubernetes.io/ingress.class: traefik", `  ingressClassName: nginx\n${RULES}`), classes);
    expect(r.className).toBe("nginx");
    expect(r.notes.join()).toMatch(/disagree/);
  });

  it("falls back to the default class when none is set", () => {
    expect(resolveIngressClass(ingress("  name: a", RULES), classes)).toMatchObject({ source: "default", className: "nginx", controller: "k8s.io/ingress-nginx" });
  });

  it("reports a classless Ingress when no class is default", () => {
    const noDefault = ofKind(yamlDocs(CLASSES), "IngressClass", IngressClass).map((c) => IngressClass.parse({ ...c, metadata: { ...c.metadata, annotations: {} } }));
    expect(resolveIngressClass(ingress("  name: a", RULES), noDefault)).toMatchObject({ source: "none", problem: "no-class-no-default" });
  });

  it("notes several default classes, and picks the same one every time", () => {
    const twoDefaults = ofKind(yamlDocs(CLASSES), "IngressClass", IngressClass).map((c) =>
      IngressClass.parse({ ...c, metadata: { ...c.metadata, annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } } }),
    );
    const r = resolveIngressClass(ingress("  name: a", RULES), [...twoDefaults].reverse());
    expect(r.className).toBe("nginx");
    expect(r.notes.join()).toMatch(/2 IngressClasses are marked default \(nginx, traefik\)/);
  });
});

describe("Ingress TLS secrets", () => {
  const ing = ingress(
    "  name: shop",
    `  ingressClassName: nginx
  tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
  - hosts: [api.example.com]
    secretName: api-tls
  - hosts: [admin.example.com]
    secretName: admin-cert
  - hosts: [www.example.com]
${RULES}`,
  );
  // As resources/secrets.tsv lists them: namespace<TAB>name<TAB>type.
  const secrets: SecretEntry[] = [
    { namespace: "shop", name: "shop-tls", type: "kubernetes.io/tls" },
    { namespace: "default", name: "api-tls", type: "kubernetes.io/tls" },
    { namespace: "shop", name: "admin-cert", type: "Opaque" },
  ];

  it("checks each secretName in the Ingress's namespace and its type", () => {
    expect(checkIngressTls(ing, secrets).map((t) => [t.path, t.secretName, t.status])).toEqual([
      ["spec.tls[0]", "shop-tls", "ok"],
      ["spec.tls[1]", "api-tls", "missing"],
      ["spec.tls[2]", "admin-cert", "wrong-type"],
      ["spec.tls[3]", undefined, "default-certificate"],
    ]);
  });

  it('says "unknown", never "missing", without a secrets index', () => {
    expect(checkIngressTls(ing, undefined).map((t) => t.status)).toEqual(["unknown", "unknown", "unknown", "default-certificate"]);
  });
});
