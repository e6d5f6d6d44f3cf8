import { describe, expect, it } from "vitest";
import { DestinationRule, parseObjects, PeerAuthentication, VirtualService } from "../../src/model/crds.js";
import { GenericObject } from "../../src/model/k8s.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";

describe("Istio schemas", () => {
  it("accept the objects Istio's docs and istioctl produce, including delegate and TCP-only VirtualServices", () => {
    const docs = yamlDocs(`
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: bookinfo, namespace: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match: [{uri: {prefix: /reviews}}]
    delegate: {name: reviews, namespace: bookinfo}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: mongo, namespace: bookinfo}
spec:
  hosts: [mongodb.bookinfo.svc.cluster.local]
  tcp:
  - match: [{port: 27017}]
    route: [{destination: {host: mongodb.bookinfo.svc.cluster.local, port: {number: 5555}}}]
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: mongo, namespace: bookinfo}
spec:
  host: mongodb.bookinfo.svc.cluster.local
  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
`);
    const vs = ofKind(docs, "VirtualService", VirtualService);
    expect(vs[0]!.spec.http![0]!.route).toBeUndefined();
    expect(vs[1]!.spec.tcp![0]!.route![0]!.destination.port).toEqual({ number: 5555 });
    expect(ofKind(docs, "PeerAuthentication", PeerAuthentication)[0]!.spec).toEqual({});
    expect(ofKind(docs, "DestinationRule", DestinationRule)[0]!.spec.subsets).toBeUndefined();
  });

  it("skip a DestinationRule without host instead of failing the layer", () => {
    const objects = [
      GenericObject.parse({ apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "ok", namespace: "a" }, spec: { host: "web" } }),
      GenericObject.parse({ apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "nohost", namespace: "a" }, spec: { subsets: [] } }),
    ];
    const { items, warnings } = parseObjects(DestinationRule, objects, "resources/destinationrules.json");
    expect(items.map((d) => d.metadata.name)).toEqual(["ok"]);
    expect(warnings).toEqual([expect.stringMatching(/^resources\/destinationrules\.json: item 1 skipped: .*host/)]);
  });
});
