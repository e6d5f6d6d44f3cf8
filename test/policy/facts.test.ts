/**
 * The policy layer's facts on realistic objects: what a user would see in a
 * cluster, one concern per case, asserting the facts rules read.
 */
import { describe, expect, it } from "vitest";
import { CALICO, modelOf, namespace, pod, policySubjects, subject } from "./_model.js";
import { policyFacts } from "../../src/facts/policy.js";

const SHOP = [namespace("shop"), namespace("ingress-nginx"), namespace("monitoring"), CALICO].join("");

const WEB = pod("shop", "web-7d4b9c-x2k4q", "10.244.1.6", { app: "web" }, { ports: "[{ name: http, containerPort: 8080, protocol: TCP }]" });
const WEB_SVC = `---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  clusterIP: 10.96.40.12
  selector: { app: web }
  ports: [{ name: http, port: 80, protocol: TCP, targetPort: http }]
`;
const DENY_ALL = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny-ingress, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
const INGRESS = `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx }
spec: { controller: k8s.io/ingress-nginx }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: shop }
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
`;
const controller = (hostNetwork: boolean) =>
  pod("ingress-nginx", "ingress-nginx-controller-5d8f-abcde", hostNetwork ? "10.0.0.11" : "10.244.1.5", { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" }, { hostNetwork, image: "registry.k8s.io/ingress-nginx/controller:v1.11.3" });
const allowWeb = (from: string) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
  - from: ${from}
    ports: [{ protocol: TCP, port: http }]
`;

describe("Service reachability under a default-deny", () => {
  it("names the unreachable port (named targetPort resolved on the pods), its backends and the isolating policy", () => {
    const v = subject(modelOf(SHOP + WEB + WEB_SVC + DENY_ALL), "Service", "shop/web");
    expect(v["policy.unreachablePorts"]).toEqual(["http:80/TCP → http"]);
    expect(v["policy.unreachableBackends"]).toEqual([{ kind: "Pod", namespace: "shop", name: "web-7d4b9c-x2k4q" }]);
    expect(v["policy.blockingPolicies"]).toEqual(["shop/default-deny-ingress"]);
    expect(v["policy.blockedBy"]).toBe("ingress");
  });

  it("counts a rule that names the port for a namespace holding only host-network pods as meant, not as a forgotten allow", () => {
    const exporter = pod("monitoring", "node-exporter-t94nt", "10.0.0.11", { app: "node-exporter" }, { hostNetwork: true });
    const v = subject(modelOf(SHOP + WEB + WEB_SVC + exporter + allowWeb(`[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }]`)), "Service", "shop/web");
    expect(v["policy.unreachablePorts"]).toEqual([]);
  });

  it("counts timeouts logged towards the ClusterIP, a backend or the Service's DNS name, not DNS lookups", () => {
    const logs = {
      "logs/shop/api-1/api.log": [
        'Get "http://web.shop.svc.cluster.local/": dial tcp 10.96.40.12:80: i/o timeout',
        "dial tcp 10.244.1.6:8080: connect: connection timed out",
        "dial tcp: lookup web.shop.svc.cluster.local on 10.96.0.10:53: read udp 10.244.1.7:41633->10.96.0.10:53: i/o timeout",
        "dial tcp 10.244.1.66:8080: connect: connection timed out",
      ].join("\n"),
    };
    const v = subject(modelOf(SHOP + WEB + WEB_SVC + DENY_ALL, logs), "Service", "shop/web");
    expect(v["policy.timeoutLogLines"]).toBe(2);
  });
});

describe("ingress controller paths", () => {
  it("a pod-network controller outside the admitted peers is blocked by the backends' ingress", () => {
    const m = modelOf(SHOP + WEB + WEB_SVC + DENY_ALL + INGRESS + controller(false) + allowWeb(`[{ podSelector: {} }]`));
    const v = subject(m, "Service", "shop/web");
    expect(v["policy.ingressControllerBlockedPorts"]).toEqual(["http:80/TCP → http"]);
    expect(v["policy.ingressControllerBlockedBy"]).toBe("ingress");
    expect(v["policy.ingressControllerHostNetwork"]).toBe(false);
    expect(v["policy.ingresses"]).toEqual([{ kind: "Ingress", namespace: "shop", name: "shop" }]);
  });

  it("a namespace AND pod peer for the controller admits it", () => {
    const m = modelOf(SHOP + WEB + WEB_SVC + DENY_ALL + INGRESS + controller(false) + allowWeb(`[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress-nginx } }, podSelector: { matchLabels: { app.kubernetes.io/name: ingress-nginx } } }]`));
    expect(subject(m, "Service", "shop/web")["policy.ingressControllerBlockedPorts"]).toEqual([]);
  });

  it("a host-network controller is never matched by selectors (it is its node's IP), but an ipBlock with the node addresses admits it", () => {
    const bySelector = modelOf(SHOP + WEB.replace("node-1", "node-2") + WEB_SVC + DENY_ALL + INGRESS + controller(true) + allowWeb(`[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress-nginx } } }]`));
    const v = subject(bySelector, "Service", "shop/web");
    expect(v["policy.ingressControllerBlockedPorts"]).toEqual(["http:80/TCP → http"]);
    expect(v["policy.ingressControllerHostNetwork"]).toBe(true);
    const byIpBlock = modelOf(SHOP + WEB.replace("node-1", "node-2") + WEB_SVC + DENY_ALL + INGRESS + controller(true) + allowWeb(`[{ ipBlock: { cidr: 10.0.0.0/24 } }]`));
    expect(subject(byIpBlock, "Service", "shop/web")["policy.ingressControllerBlockedPorts"]).toEqual([]);
  });
});

describe("NetworkPolicy lint facts", () => {
  const policy = (spec: string, name = "p") => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: shop }
spec:
${spec}
`;

  it("a podSelector typo names the nearest pods and the differing label", () => {
    const v = subject(modelOf(SHOP + WEB + policy("  podSelector: { matchLabels: { app: web-frontend } }\n  policyTypes: [Ingress]")), "NetworkPolicy", "shop/p");
    expect(v["policy.selectsNothing"]).toBe(true);
    expect(v["policy.selectorMismatch"]).toEqual({ label: "app", expected: "web-frontend", actual: "web" });
    expect(v["policy.nearestPods"]).toEqual([{ kind: "Pod", namespace: "shop", name: "web-7d4b9c-x2k4q" }]);
  });

  it("a selector for a Deployment scaled to zero, or for finished Job pods, is no typo", () => {
    const scaledToZero = `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reports, namespace: shop }
spec:
  replicas: 0
  selector: { matchLabels: { app: reports } }
  template: { metadata: { labels: { app: reports } }, spec: { containers: [{ name: reports, image: reports:1 }] } }
`;
    const sel = policy("  podSelector: { matchLabels: { app: reports } }\n  policyTypes: [Ingress]");
    expect(subject(modelOf(SHOP + WEB + scaledToZero + sel), "NetworkPolicy", "shop/p")["policy.selectsNothing"]).toBe(false);
    const finished = pod("shop", "reports-28911840-x7k2p", "10.244.1.30", { app: "reports" }, { phase: "Succeeded" });
    expect(subject(modelOf(SHOP + WEB + finished + sel), "NetworkPolicy", "shop/p")["policy.selectsNothing"]).toBe(false);
  });

  it("namespaceSelector `name: x` suggests kubernetes.io/metadata.name when namespace x exists", () => {
    const v = subject(modelOf(SHOP + WEB + policy("  podSelector: {}\n  ingress:\n  - from: [{ namespaceSelector: { matchLabels: { name: monitoring } } }]")), "NetworkPolicy", "shop/p");
    expect(v["policy.unmatchedNamespaceSelectors"]).toEqual([expect.stringContaining("spec.ingress[0].from[0]: namespaceSelector {name=monitoring} matches no namespace (namespace monitoring exists")]);
    expect(v["policy.namespaceFixKnown"]).toBe(true);
  });

  it("AND where OR was meant: the podSelector's pods live in the policy's own namespace", () => {
    const backup = pod("shop", "backup-0", "10.244.1.40", { app: "backup" });
    const prom = pod("monitoring", "prometheus-0", "10.244.2.40", { app: "prometheus" });
    const v = subject(modelOf(SHOP + WEB + backup + prom + policy("  podSelector: { matchLabels: { app: web } }\n  ingress:\n  - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchLabels: { app: backup } } }]")), "NetworkPolicy", "shop/p");
    expect(v["policy.peerConfusionKinds"]).toEqual(["and-meant-or"]);
  });

  it("two peers where a podSelector matches its own namespace and the namespaces are another's are left alone", () => {
    const prom = pod("monitoring", "prometheus-0", "10.244.2.40", { app: "prometheus" });
    const api = pod("shop", "api-0", "10.244.1.41", { app: "api" });
    const v = subject(modelOf(SHOP + WEB + api + prom + policy("  podSelector: { matchLabels: { app: web } }\n  ingress:\n  - from:\n    - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }\n    - podSelector: { matchLabels: { app: api } }")), "NetworkPolicy", "shop/p");
    expect(v["policy.peerConfusions"]).toEqual([]);
  });

  it("named ports resolve per pod (one pod declaring it is enough); numbers are not checked against pods that declare nothing", () => {
    const canary = pod("shop", "web-canary-0", "10.244.1.7", { app: "web" }, { ports: "[{ name: web, containerPort: 8080 }]" });
    const undeclared = pod("shop", "legacy-0", "10.244.1.8", { app: "legacy" });
    const m = modelOf(SHOP + WEB + canary + undeclared +
      policy("  podSelector: { matchLabels: { app: web } }\n  ingress:\n  - ports: [{ port: http }, { port: metrics }, { port: 9090 }]", "web") +
      policy("  podSelector: { matchLabels: { app: legacy } }\n  ingress:\n  - ports: [{ port: 3000 }]", "legacy"));
    const web = subject(m, "NetworkPolicy", "shop/web");
    expect(web["policy.portMismatches"]).toEqual([expect.stringMatching(/^spec\.ingress\[0\]\.ports\[1\]: metrics\/TCP is not served/), expect.stringMatching(/^spec\.ingress\[0\]\.ports\[2\]: 9090\/TCP is not served/)]);
    expect(web["policy.namedPortMismatch"]).toBe(true);
    expect(subject(m, "NetworkPolicy", "shop/legacy")["policy.portMismatches"]).toEqual([]);
  });
});

describe("external egress", () => {
  const egressOnlyDns = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress-dns-only, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{ namespaceSelector: {}, podSelector: { matchLabels: { k8s-app: kube-dns } } }]
    ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]
`;
  const withProxy = pod("shop", "api-0", "10.244.1.7", { app: "api" }, { env: "[{ name: HTTPS_PROXY, value: 'http://proxy.corp.example.com:3128' }, { name: DB_URL, value: 'postgres://postgres.shop.svc:5432/shop' }]" });

  it("a configured proxy outside the cluster that no egress rule admits is reported; cluster names are not", () => {
    const v = subject(modelOf(SHOP + withProxy + egressOnlyDns), "Namespace", "shop");
    expect(v["policy.externalCallsBlocked"]).toEqual([expect.stringMatching(/^Pod shop\/api-0 → proxy\.corp\.example\.com:3128 \(proxy env HTTPS_PROXY; egress isolated by shop\/egress-dns-only\)$/)]);
  });

  it("an ipBlock holding outside addresses on the port admits a host name whose address is unknown", () => {
    const proxyAllowed = `${egressOnlyDns}  - to: [{ ipBlock: { cidr: 192.0.2.0/24 } }]\n    ports: [{ protocol: TCP, port: 3128 }]\n`;
    expect(subject(modelOf(SHOP + withProxy + proxyAllowed), "Namespace", "shop")["policy.externalCallsBlocked"]).toEqual([]);
  });

  it("an address seen timing out in the pod's log is checked exactly against the ipBlocks", () => {
    const logs = { "logs/shop/api-0/main.log": 'Post "https://api.stripe.com/v1/refunds": dial tcp 203.0.113.80:443: i/o timeout\n' };
    const api = pod("shop", "api-0", "10.244.1.7", { app: "api" });
    const otherRange = `${egressOnlyDns}  - to: [{ ipBlock: { cidr: 198.51.100.0/24 } }]\n    ports: [{ protocol: TCP, port: 443 }]\n`;
    const v = subject(modelOf(SHOP + api + otherRange, logs), "Namespace", "shop");
    expect(v["policy.externalCallsBlocked"]).toEqual([expect.stringContaining("api.stripe.com:443 (203.0.113.80) (log;")]);
    expect(v["policy.externalCallTimeouts"]).toBe(1);
  });
});

describe("enforcement and unevaluated policy objects", () => {
  const flannel = pod("kube-flannel", "kube-flannel-ds-x7k2p", "10.0.0.11", { app: "flannel", "k8s-app": "flannel" }, { hostNetwork: true, image: "ghcr.io/flannel-io/flannel:v0.26.1" });
  const cluster = (yaml: string) => subject(modelOf(yaml + DENY_ALL), "Cluster", "cluster");

  it("Flannel alone does not enforce; beside a policy agent (kube-network-policies) or Calico (canal) it does; no known CNI is unknown", () => {
    expect(cluster(flannel)["policy.enforcement"]).toBe("not-enforced");
    const agent = pod("kube-system", "kube-network-policies-abcde", "10.0.0.11", { app: "kube-network-policies" }, { hostNetwork: true, image: "registry.k8s.io/networking/kube-network-policies:v0.7.0" });
    expect(cluster(flannel + agent)["policy.enforcement"]).toBe("enforced");
    expect(cluster(flannel + CALICO)["policy.enforcement"]).toBe("enforced");
    expect(cluster(pod("shop", "web-0", "10.244.1.6", { app: "web" }))["policy.enforcement"]).toBe("unknown");
  });

  it("CiliumNetworkPolicy objects are said to apply and not to be evaluated, on every subject and in the report notes", () => {
    const cnp = `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: l7-web, namespace: shop }
spec: { endpointSelector: { matchLabels: { app: web } } }
`;
    const m = modelOf(SHOP + WEB + WEB_SVC + DENY_ALL + cnp);
    expect(subject(m, "Service", "shop/web")["policy.serviceUnevaluatedKinds"]).toEqual(["CiliumNetworkPolicy"]);
    expect(subject(m, "NetworkPolicy", "shop/default-deny-ingress")["policy.policyUnevaluatedKinds"]).toEqual(["CiliumNetworkPolicy"]);
    expect(policyFacts.notes!(m)).toEqual([expect.stringContaining("CiliumNetworkPolicy objects are present")]);
  });

  it("every computed value fits its declared shape", () => {
    const m = modelOf(SHOP + WEB + WEB_SVC + DENY_ALL + INGRESS + controller(false));
    const shapes = new Map(policyFacts.facts.map((f) => [f.name, f.shape]));
    for (const s of policySubjects(m)) {
      for (const [name, value] of Object.entries(s.values)) expect(shapes.get(name)?.safeParse(value).success, `${s.kind} ${name}`).toBe(true);
    }
  });
});
