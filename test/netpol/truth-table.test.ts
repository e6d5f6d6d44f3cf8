/**
 * Truth tables for networking.k8s.io/v1 NetworkPolicy semantics. One small
 * declared cluster; each scenario adds policies and lists rows:
 * source, destination, port, expected verdict, and why — the side verdicts
 * (`by <policy> <rule path>` names the admitting rule) and notes are checked
 * too, so the stated reason is asserted, not just the outcome.
 */
import { describe, expect, it } from "vitest";
import type { NetworkPolicy } from "../../src/model/k8s.js";
import { buildPolicyIndex, canReach, explainVerdict, type DirectionVerdict, type NoteCode, type PolicyIndex } from "../../src/facts/netpol/index.js";
import { endpoint, makeNamespace, makePod, makePolicy, port } from "./objects.js";

const namespaces = [
  makeNamespace("shop", { team: "shop", env: "prod" }),
  makeNamespace("pay", { team: "payments", env: "prod" }),
  makeNamespace("dev", { team: "shop", env: "dev" }),
  makeNamespace("monitoring", { purpose: "monitoring" }),
  makeNamespace("kube-system"),
  makeNamespace("ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" }),
];

const pods = [
  makePod({ namespace: "shop", labels: { app: "web", tier: "frontend" }, ips: ["10.244.1.10"], ports: [["http", 8080]] }),
  makePod({ namespace: "shop", labels: { app: "api", tier: "backend" }, ips: ["10.244.1.11"], ports: [["http", 8000], ["metrics", 9090]] }),
  makePod({ namespace: "shop", labels: { app: "db", tier: "db" }, ips: ["10.244.2.10"], ports: [["postgres", 5432]], node: "node-b" }),
  makePod({ namespace: "shop", labels: { app: "batch" }, ips: ["10.244.2.11"], node: "node-b" }),
  // Same labels and port name as shop's api, but "http" is 9000 here.
  makePod({ namespace: "pay", labels: { app: "api", tier: "backend" }, ips: ["10.244.1.20"], ports: [["http", 9000]] }),
  makePod({ namespace: "pay", labels: { app: "ledger" }, ips: ["10.244.2.20", "fd00:10:244:2::20"], ports: [["grpc", 50051], ["sigtran", 2905, "SCTP"]], node: "node-b" }),
  makePod({ namespace: "dev", labels: { app: "web", tier: "frontend" }, ips: ["10.244.1.30"], ports: [["http", 8080]] }),
  makePod({ namespace: "monitoring", labels: { app: "prometheus" }, ips: ["10.244.2.30"], ports: [["web", 9090]], node: "node-b" }),
  makePod({ namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ips: ["10.244.0.10"], ports: [["dns", 53, "UDP"], ["dns-tcp", 53, "TCP"], ["metrics", 9153]] }),
  makePod({ namespace: "kube-system", name: "kube-proxy-node-a", labels: { "k8s-app": "kube-proxy" }, hostNetwork: true, node: "node-a" }),
  makePod({ namespace: "kube-system", name: "kube-proxy-node-b", labels: { "k8s-app": "kube-proxy" }, hostNetwork: true, node: "node-b" }),
  makePod({ namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" }, ips: ["10.244.1.40"], ports: [["http", 80], ["https", 443]] }),
  // Scheduled but not started: no IP yet.
  makePod({ namespace: "shop", labels: { app: "report" }, phase: "Pending" }),
  // A namespace the input does not contain (its Namespace object was not collected).
  makePod({ namespace: "legacy", labels: { app: "cron" }, ips: ["10.244.2.50"] }),
];

type SideExpect = DirectionVerdict["reason"] | `by ${string}`;

interface Row {
  from: string;
  to: string;
  port: string;
  allowed: boolean;
  why: string;
  egress?: SideExpect;
  ingress?: SideExpect;
  notes?: NoteCode[];
}

interface Scenario {
  name: string;
  policies: NetworkPolicy[];
  rows: Row[];
  cniPolicyKinds?: string[];
}

const p = makePolicy;

const scenarios: Scenario[] = [
  {
    name: "no policy selects a pod: nothing is isolated",
    policies: [],
    rows: [
      { from: "shop/app=web", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "no policies at all", egress: "not-isolated", ingress: "not-isolated" },
      { from: "203.0.113.9", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "external source: egress not governed, db not isolated", egress: "not-governed", ingress: "not-isolated" },
      { from: "shop/app=db", to: "198.51.100.7", port: "443/TCP", allowed: true, why: "db not egress-isolated; external destination has no ingress side", egress: "not-isolated", ingress: "not-governed" },
    ],
  },
  {
    name: "ingress: [] with policyTypes omitted isolates ingress only",
    policies: [p("shop", "db-deny-all", { podSelector: { matchLabels: { app: "db" } }, ingress: [] })],
    rows: [
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "db is isolated for ingress and no rule admits", ingress: "no-rule-admits" },
      { from: "shop/app=db", to: "shop/app=api", port: "8000/TCP", allowed: true, why: "policyTypes defaults to [Ingress]: db's egress stays open", egress: "not-isolated" },
      { from: "shop/app=web", to: "shop/app=api", port: "8000/TCP", allowed: true, why: "api is not selected", ingress: "not-isolated" },
    ],
  },
  {
    name: "policyTypes omitted with egress rules: Ingress and Egress both apply",
    policies: [p("shop", "api-egress", { podSelector: { matchLabels: { app: "api" } }, egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 5432 }] }] })],
    rows: [
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "the egress rule admits db on 5432", egress: "by shop/api-egress egress[0].to[0]" },
      { from: "shop/app=api", to: "pay/app=ledger", port: "50051/TCP", allowed: false, why: "egress isolated, ledger not in the rule", egress: "no-rule-admits" },
      { from: "shop/app=web", to: "shop/app=api", port: "8000/TCP", allowed: false, why: "defaulted policyTypes include Ingress and the policy has no ingress rule", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "egress: [] with policyTypes omitted does not isolate egress",
    policies: [p("shop", "api-empty-egress", { podSelector: { matchLabels: { app: "api" } }, egress: [] })],
    rows: [
      { from: "shop/app=api", to: "203.0.113.9", port: "443/TCP", allowed: true, why: "len(egress)==0, so policyTypes defaults to [Ingress]", egress: "not-isolated" },
      { from: "shop/app=web", to: "shop/app=api", port: "8000/TCP", allowed: false, why: "ingress is isolated", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "rules of a direction missing from policyTypes are ignored",
    policies: [p("shop", "api-egress-only", {
      podSelector: { matchLabels: { app: "api" } },
      policyTypes: ["Egress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
      egress: [],
    })],
    rows: [
      { from: "shop/app=batch", to: "shop/app=api", port: "8000/TCP", allowed: true, why: "ingress rules are ignored: Ingress is not in policyTypes", ingress: "not-isolated" },
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "policyTypes [Egress] with egress: [] denies all egress", egress: "no-rule-admits" },
    ],
  },
  {
    name: "an empty podSelector selects every pod of its namespace, and only those",
    policies: [p("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] })],
    rows: [
      { from: "pay/app=api", to: "shop/app=web", port: "8080/TCP", allowed: false, why: "web is selected by podSelector {}", ingress: "no-rule-admits" },
      { from: "shop/app=web", to: "shop/app=batch", port: "80/TCP", allowed: false, why: "batch too, although it declares no ports", ingress: "no-rule-admits" },
      { from: "shop/app=web", to: "dev/app=web", port: "8080/TCP", allowed: true, why: "the policy's namespace is shop; dev is untouched", ingress: "not-isolated" },
    ],
  },
  {
    name: "allow lists are unions across all selecting policies",
    policies: [
      p("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] }),
      p("shop", "db-from-api", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ port: 5432 }] }] }),
      p("shop", "db-from-monitoring", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: "monitoring" } } }] }] }),
    ],
    rows: [
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "db-from-api admits it despite default-deny", ingress: "by shop/db-from-api ingress[0].from[0]" },
      { from: "monitoring/app=prometheus", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "db-from-monitoring admits the monitoring namespace", ingress: "by shop/db-from-monitoring ingress[0].from[0]" },
      { from: "shop/app=api", to: "shop/app=db", port: "9187/TCP", allowed: false, why: "db-from-api is limited to 5432", ingress: "no-rule-admits" },
      { from: "shop/app=web", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "no policy admits web", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "recipe: default-deny plus allow from the same namespace",
    policies: [
      p("shop", "default-deny", { podSelector: {}, ingress: [] }),
      p("shop", "allow-same-namespace", { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
    ],
    rows: [
      { from: "shop/app=web", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "podSelector {} as a peer: every pod of shop", ingress: "by shop/allow-same-namespace ingress[0].from[0]" },
      { from: "dev/app=web", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "a pod of another namespace", ingress: "no-rule-admits" },
      { from: "203.0.113.9", to: "shop/app=web", port: "8080/TCP", allowed: false, why: "nor anything outside the cluster", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "recipe: the database admits only the backend tier",
    policies: [p("shop", "db-from-backend", {
      podSelector: { matchLabels: { tier: "db" } },
      ingress: [{ from: [{ podSelector: { matchLabels: { tier: "backend" } } }], ports: [{ protocol: "TCP", port: "postgres" }] }],
    })],
    rows: [
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "tier=backend in shop, on the postgres port", ingress: "by shop/db-from-backend ingress[0].from[0]" },
      { from: "shop/app=web", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "tier=frontend", ingress: "no-rule-admits" },
      { from: "pay/app=api", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "tier=backend, but in pay", ingress: "no-rule-admits" },
      { from: "shop/app=api", to: "shop/app=db", port: "22/TCP", allowed: false, why: "only the postgres port", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "namespaceSelector and podSelector in ONE peer are ANDed",
    policies: [p("shop", "db-from-payments-api", {
      podSelector: { matchLabels: { app: "db" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "payments" } }, podSelector: { matchLabels: { app: "api" } } }] }],
    })],
    rows: [
      { from: "pay/app=api", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "namespace team=payments AND pod app=api", ingress: "by shop/db-from-payments-api ingress[0].from[0]" },
      { from: "pay/app=ledger", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "namespace matches, pod does not", ingress: "no-rule-admits" },
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "pod matches, namespace (team=shop) does not", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "separate peers are ORed",
    policies: [p("shop", "db-from-payments-or-api", {
      podSelector: { matchLabels: { app: "db" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "payments" } } }, { podSelector: { matchLabels: { app: "api" } } }] }],
    })],
    rows: [
      { from: "pay/app=ledger", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "peer 0: any pod of a team=payments namespace", ingress: "by shop/db-from-payments-or-api ingress[0].from[0]" },
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "peer 1: app=api in the policy's own namespace", ingress: "by shop/db-from-payments-or-api ingress[0].from[1]" },
      { from: "dev/app=web", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "neither peer matches", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "namespaceSelector {} means all namespaces (pods only, never external IPs)",
    policies: [
      p("shop", "api-from-any-namespace", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "api" } } }] }] }),
      p("shop", "db-from-cluster", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    ],
    rows: [
      { from: "pay/app=api", to: "shop/app=api", port: "8000/TCP", allowed: true, why: "{} AND app=api matches app=api everywhere", ingress: "by shop/api-from-any-namespace ingress[0].from[0]" },
      { from: "pay/app=ledger", to: "shop/app=api", port: "8000/TCP", allowed: false, why: "the podSelector part still applies", ingress: "no-rule-admits" },
      { from: "kube-system/k8s-app=kube-dns", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "namespaceSelector {} alone: every pod of every namespace", ingress: "by shop/db-from-cluster ingress[0].from[0]" },
      { from: "203.0.113.9", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "an external IP is in no namespace", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "a bare podSelector peer means pods of the policy's own namespace",
    policies: [p("shop", "db-from-api", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }] }] })],
    rows: [
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "app=api in shop", ingress: "by shop/db-from-api ingress[0].from[0]" },
      { from: "pay/app=api", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "same labels, other namespace", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "namespaces are matched by their labels (kubernetes.io/metadata.name is set by the API server)",
    policies: [
      p("shop", "api-metrics-from-monitoring", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ port: "metrics" }] }] }),
      p("shop", "db-from-monitoring-typo", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: "monitoring" } } }] }] }),
    ],
    rows: [
      { from: "monitoring/app=prometheus", to: "shop/app=api", port: "9090/TCP", allowed: true, why: "metadata.name label; named port metrics = 9090 on api", ingress: "by shop/api-metrics-from-monitoring ingress[0].from[0]" },
      { from: "monitoring/app=prometheus", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "`name: monitoring` is a label no namespace carries", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "matchExpressions: NotIn also matches objects without the key",
    policies: [p("shop", "db-from-non-dev", {
      podSelector: { matchLabels: { app: "db" } },
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["dev"] }] }, podSelector: { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] } }] }],
    })],
    rows: [
      { from: "pay/app=ledger", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "env=prod is not dev; ledger has no tier label", ingress: "by shop/db-from-non-dev ingress[0].from[0]" },
      { from: "monitoring/app=prometheus", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "monitoring has no env label: NotIn matches", ingress: "by shop/db-from-non-dev ingress[0].from[0]" },
      { from: "pay/app=api", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "api has a tier label (DoesNotExist fails)", ingress: "no-rule-admits" },
      { from: "dev/app=web", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "env=dev", ingress: "no-rule-admits" },
      { from: "legacy/app=cron", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "legacy's labels are unknown: NotIn env matches its bare metadata.name label", ingress: "by shop/db-from-non-dev ingress[0].from[0]", notes: ["namespace-unknown"] },
    ],
  },
  {
    name: "ipBlock with except (IPv4)",
    policies: [p("shop", "web-from-internet", {
      podSelector: { matchLabels: { app: "web" } },
      ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16"] } }], ports: [{ protocol: "TCP", port: 8080 }] }],
    })],
    rows: [
      { from: "203.0.113.9", to: "shop/app=web", port: "8080/TCP", allowed: true, why: "inside 0.0.0.0/0, outside the excepts", ingress: "by shop/web-from-internet ingress[0].from[0]" },
      { from: "10.1.2.3", to: "shop/app=web", port: "8080/TCP", allowed: false, why: "in except 10.0.0.0/8", ingress: "no-rule-admits" },
      { from: "203.0.113.9", to: "shop/app=web", port: "9090/TCP", allowed: false, why: "right peer, wrong port", ingress: "no-rule-admits" },
      { from: "shop/app=api", to: "shop/app=web", port: "8080/TCP", allowed: false, why: "the pod's IP 10.244.1.11 is excepted; no selector peer", ingress: "no-rule-admits" },
      { from: "shop/app=report", to: "shop/app=web", port: "8080/TCP", allowed: false, why: "a pod without an IP cannot match an ipBlock yet", ingress: "no-rule-admits", notes: ["pod-without-ip"] },
    ],
  },
  {
    name: "ipBlock with except (IPv6)",
    policies: [p("pay", "ledger-from-partner", {
      podSelector: { matchLabels: { app: "ledger" } },
      ingress: [{ from: [{ ipBlock: { cidr: "2001:db8::/32", except: ["2001:db8:bad::/48"] } }] }],
    })],
    rows: [
      { from: "2001:db8:1::5", to: "pay/app=ledger", port: "50051/TCP", allowed: true, why: "inside 2001:db8::/32", ingress: "by pay/ledger-from-partner ingress[0].from[0]" },
      { from: "2001:db8:bad::1", to: "pay/app=ledger", port: "50051/TCP", allowed: false, why: "in except 2001:db8:bad::/48", ingress: "no-rule-admits" },
      { from: "2001:db9::1", to: "pay/app=ledger", port: "50051/TCP", allowed: false, why: "outside the CIDR", ingress: "no-rule-admits" },
      { from: "203.0.113.9", to: "pay/app=ledger", port: "50051/TCP", allowed: false, why: "an IPv4 address never matches an IPv6 block", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "an ipBlock that contains a pod IP matches it, with a CNI caveat",
    policies: [p("shop", "db-from-node-a-pods", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ ipBlock: { cidr: "10.244.1.0/24" } }] }] })],
    rows: [
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "10.244.1.11 is inside the block (Calico, upstream e2e); Cilium differs", ingress: "by shop/db-from-node-a-pods ingress[0].from[0]", notes: ["ipblock-matches-pod-ip"] },
      { from: "shop/app=batch", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "10.244.2.11 is outside", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "ports: named (resolved on the destination), SCTP, endPort ranges",
    policies: [
      p("pay", "ledger-ports", {
        podSelector: { matchLabels: { app: "ledger" } },
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: "grpc" }, { protocol: "SCTP", port: 2905 }, { protocol: "TCP", port: 9000, endPort: 9100 }] }],
      }),
      p("shop", "api-http", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports: [{ port: "http" }] }] }),
      p("pay", "api-http", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports: [{ port: "http" }] }] }),
    ],
    rows: [
      { from: "shop/app=api", to: "pay/app=ledger", port: "50051/TCP", allowed: true, why: "grpc resolves to 50051 on ledger", ingress: "by pay/ledger-ports ingress[0].from[0]" },
      { from: "shop/app=api", to: "pay/app=ledger", port: "grpc/TCP", allowed: true, why: "asking by name works too", ingress: "by pay/ledger-ports ingress[0].from[0]" },
      { from: "shop/app=api", to: "pay/app=ledger", port: "50052/TCP", allowed: false, why: "not grpc, not in 9000-9100", ingress: "no-rule-admits" },
      { from: "shop/app=api", to: "pay/app=ledger", port: "2905/SCTP", allowed: true, why: "SCTP 2905 listed", ingress: "by pay/ledger-ports ingress[0].from[0]" },
      { from: "shop/app=api", to: "pay/app=ledger", port: "2905/TCP", allowed: false, why: "2905 is listed for SCTP only", ingress: "no-rule-admits" },
      { from: "shop/app=api", to: "pay/app=ledger", port: "9000/TCP", allowed: true, why: "endPort range start", ingress: "by pay/ledger-ports ingress[0].from[0]" },
      { from: "shop/app=api", to: "pay/app=ledger", port: "9100/TCP", allowed: true, why: "endPort is inclusive", ingress: "by pay/ledger-ports ingress[0].from[0]" },
      { from: "shop/app=api", to: "pay/app=ledger", port: "9101/TCP", allowed: false, why: "past endPort", ingress: "no-rule-admits" },
      { from: "shop/app=web", to: "shop/app=api", port: "8000/TCP", allowed: true, why: "http is 8000 on shop's api", ingress: "by shop/api-http ingress[0]" },
      { from: "shop/app=web", to: "shop/app=api", port: "9000/TCP", allowed: false, why: "9000 is not shop api's http", ingress: "no-rule-admits" },
      { from: "shop/app=web", to: "pay/app=api", port: "9000/TCP", allowed: true, why: "http is 9000 on pay's api", ingress: "by pay/api-http ingress[0]" },
      { from: "shop/app=web", to: "pay/app=api", port: "8000/TCP", allowed: false, why: "named ports resolve per destination pod", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "a named port the destination does not declare admits nothing",
    policies: [p("shop", "db-metrics", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ ports: [{ port: "metrics" }] }] })],
    rows: [
      { from: "monitoring/app=prometheus", to: "shop/app=db", port: "9187/TCP", allowed: false, why: "db declares postgres only: `metrics` resolves to nothing", ingress: "no-rule-admits", notes: ["named-port-unresolved"] },
    ],
  },
  {
    name: "a rule without ports admits every port and protocol",
    policies: [p("shop", "db-from-api", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }] }] })],
    rows: [
      { from: "shop/app=api", to: "shop/app=db", port: "1234/UDP", allowed: true, why: "no ports: all", ingress: "by shop/db-from-api ingress[0].from[0]" },
      { from: "shop/app=api", to: "shop/app=db", port: "5432/SCTP", allowed: true, why: "no ports: all protocols", ingress: "by shop/db-from-api ingress[0].from[0]" },
      { from: "10.244.1.11", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "the address is api's pod IP: evaluated as that pod", ingress: "by shop/db-from-api ingress[0].from[0]", notes: ["ip-is-pod"] },
    ],
  },
  {
    name: "ingress: [{}] allows all, ingress: [] denies all; absent `from` means any source",
    policies: [
      p("shop", "default-deny", { podSelector: {}, ingress: [] }),
      p("shop", "web-allow-all", { podSelector: { matchLabels: { app: "web" } }, ingress: [{}] }),
      p("shop", "api-8000-from-anyone", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports: [{ port: 8000 }] }] }),
    ],
    rows: [
      { from: "203.0.113.9", to: "shop/app=web", port: "8080/TCP", allowed: true, why: "[{}] admits every source on every port", ingress: "by shop/web-allow-all ingress[0]" },
      { from: "pay/app=ledger", to: "shop/app=web", port: "5353/UDP", allowed: true, why: "every port, every protocol", ingress: "by shop/web-allow-all ingress[0]" },
      { from: "203.0.113.9", to: "shop/app=api", port: "8000/TCP", allowed: true, why: "no `from`: any source, including external", ingress: "by shop/api-8000-from-anyone ingress[0]" },
      { from: "203.0.113.9", to: "shop/app=api", port: "9090/TCP", allowed: false, why: "only 8000 is listed", ingress: "no-rule-admits" },
      { from: "shop/app=web", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "ingress: [] admits nothing", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "protocol defaults to TCP; a UDP-only DNS allow still isolates TCP",
    policies: [
      p("shop", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
      p("shop", "web-dns-udp", {
        podSelector: { matchLabels: { app: "web" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }] }],
      }),
      p("shop", "api-dns-default-protocol", {
        podSelector: { matchLabels: { app: "api" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ port: 53 }] }],
      }),
    ],
    rows: [
      { from: "shop/app=web", to: "kube-system/k8s-app=kube-dns", port: "53/UDP", allowed: true, why: "UDP 53 listed", egress: "by shop/web-dns-udp egress[0].to[0]" },
      { from: "shop/app=web", to: "kube-system/k8s-app=kube-dns", port: "53/TCP", allowed: false, why: "DNS over TCP (truncated answers) is blocked", egress: "no-rule-admits", notes: ["other-protocol-allowed"] },
      { from: "shop/app=api", to: "kube-system/k8s-app=kube-dns", port: "53/TCP", allowed: true, why: "port without protocol means TCP", egress: "by shop/api-dns-default-protocol egress[0].to[0]" },
      { from: "shop/app=api", to: "kube-system/k8s-app=kube-dns", port: "53/UDP", allowed: false, why: "...and therefore not UDP", egress: "no-rule-admits", notes: ["other-protocol-allowed"] },
      { from: "shop/app=db", to: "kube-system/k8s-app=kube-dns", port: "53/UDP", allowed: false, why: "default-deny-egress alone", egress: "no-rule-admits" },
    ],
  },
  {
    name: "a connection needs the client's egress AND the server's ingress",
    policies: [
      p("shop", "db-from-api", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ port: 5432 }] }] }),
      p("shop", "api-no-egress", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"] }),
      p("shop", "web-egress-to-db", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }] }] }),
    ],
    rows: [
      { from: "shop/app=api", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "ingress admits api, but api's egress is denied", egress: "no-rule-admits", ingress: "by shop/db-from-api ingress[0].from[0]" },
      { from: "shop/app=web", to: "shop/app=db", port: "5432/TCP", allowed: false, why: "egress admits db, but db's ingress does not admit web", egress: "by shop/web-egress-to-db egress[0].to[0]", ingress: "no-rule-admits" },
    ],
  },
  {
    name: "egress to external addresses: ipBlock, except, and named ports that cannot apply",
    policies: [p("shop", "web-egress-external", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }], ports: [{ port: 443 }] },
        { to: [{ ipBlock: { cidr: "198.51.100.0/24" } }], ports: [{ port: "http" }] },
      ],
    })],
    rows: [
      { from: "shop/app=web", to: "93.184.216.34", port: "443/TCP", allowed: true, why: "internet on 443", egress: "by shop/web-egress-external egress[0].to[0]", ingress: "not-governed" },
      { from: "shop/app=web", to: "93.184.216.34", port: "80/TCP", allowed: false, why: "only 443", egress: "no-rule-admits" },
      { from: "shop/app=web", to: "10.1.2.3", port: "443/TCP", allowed: false, why: "excepted range", egress: "no-rule-admits" },
      { from: "shop/app=web", to: "shop/app=db", port: "443/TCP", allowed: false, why: "db's IP 10.244.2.10 is excepted", egress: "no-rule-admits" },
      { from: "shop/app=web", to: "198.51.100.7", port: "8080/TCP", allowed: false, why: "a named port never matches an external destination", egress: "no-rule-admits", notes: ["named-port-not-pod"] },
    ],
  },
  {
    name: "host-network pods are outside policy; traffic from the pod's own node is always admitted",
    policies: [
      p("kube-system", "deny-all-ingress", { podSelector: {}, ingress: [] }),
      p("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      p("pay", "ledger-from-nodes", { podSelector: { matchLabels: { app: "ledger" } }, ingress: [{ from: [{ ipBlock: { cidr: "192.168.0.0/24" } }] }] }),
    ],
    rows: [
      { from: "dev/app=web", to: "kube-system/kube-proxy-node-a", port: "10256/TCP", allowed: true, why: "ingress policies do not apply to a host-network pod", ingress: "not-governed", notes: ["host-network-destination"] },
      { from: "kube-system/kube-proxy-node-a", to: "shop/app=web", port: "8080/TCP", allowed: true, why: "web runs on node-a: node-local traffic is admitted", egress: "not-governed", ingress: "local-node", notes: ["host-network-source", "local-node"] },
      { from: "kube-system/kube-proxy-node-b", to: "shop/app=web", port: "8080/TCP", allowed: false, why: "from node-b it is plain node traffic, and no rule admits it", ingress: "no-rule-admits", notes: ["host-network-source"] },
      { from: "kube-system/kube-proxy-node-a", to: "pay/app=ledger", port: "50051/TCP", allowed: true, why: "ledger (node-b) admits node IPs by ipBlock", ingress: "by pay/ledger-from-nodes ingress[0].from[0]" },
      { from: "shop/app=web", to: "kube-system/kube-proxy-node-b", port: "10256/TCP", allowed: false, why: "web's egress is isolated; a host-network pod is its node's IP", egress: "no-rule-admits" },
      { from: "192.168.0.12", to: "pay/app=ledger", port: "50051/TCP", allowed: true, why: "node-b's address, admitted by the node ipBlock", ingress: "by pay/ledger-from-nodes ingress[0].from[0]", notes: ["ip-is-node"] },
      { from: "192.168.0.12", to: "shop/app=web", port: "8080/TCP", allowed: false, why: "a node address is no pod: selectors never match it", ingress: "no-rule-admits", notes: ["ip-is-node"] },
    ],
  },
  {
    name: "loopback is never filtered",
    policies: [p("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })],
    rows: [
      { from: "shop/app=db", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "a pod talking to itself stays in its netns (e2e AllowLoopback)", egress: "no-rule-admits", ingress: "no-rule-admits", notes: ["loopback"] },
    ],
  },
  {
    name: "CNI policy objects are reported, not evaluated",
    cniPolicyKinds: ["CiliumNetworkPolicy"],
    policies: [],
    rows: [
      { from: "shop/app=web", to: "shop/app=db", port: "5432/TCP", allowed: true, why: "v1 policies allow it; a CiliumNetworkPolicy might not", ingress: "not-isolated", notes: ["cni-policy-kinds"] },
    ],
  },
];

function checkSide(actual: DirectionVerdict, expected: SideExpect | undefined): void {
  if (!expected) return;
  if (!expected.startsWith("by ")) {
    expect(actual.reason).toBe(expected);
    return;
  }
  const [policy, path] = expected.slice(3).split(" ");
  expect(actual.reason).toBe("admitted");
  expect(actual.admittedBy.map((r) => `${r.policy.namespace}/${r.policy.name} ${r.path.replace(/^spec\./, "")}`)).toContain(`${policy} ${path}`);
}

for (const scenario of scenarios) {
  describe(scenario.name, () => {
    const index: PolicyIndex = buildPolicyIndex({ pods, namespaces, policies: scenario.policies, ...(scenario.cniPolicyKinds ? { cniPolicyKinds: scenario.cniPolicyKinds } : {}) });
    for (const row of scenario.rows) {
      it(`${row.from} -> ${row.to} ${row.port}: ${row.allowed ? "allowed" : "denied"} (${row.why})`, () => {
        const verdict = canReach(index, endpoint(index, row.from), endpoint(index, row.to), port(row.port));
        expect(verdict.allowed, explainVerdict(verdict).join("\n")).toBe(row.allowed);
        checkSide(verdict.egress, row.egress);
        checkSide(verdict.ingress, row.ingress);
        for (const code of row.notes ?? []) expect(verdict.notes.map((n) => n.code)).toContain(code);
      });
    }
  });
}

describe("questions the evaluator refuses", () => {
  const index = buildPolicyIndex({ pods, namespaces, policies: [] });

  it("an unknown pod, an invalid IP, or a port name the destination does not declare", () => {
    const web = endpoint(index, "shop/app=web");
    expect(() => canReach(index, { namespace: "shop", name: "nope-0" }, web, { port: 80 })).toThrow(/not in the snapshot/);
    expect(() => canReach(index, { ip: "300.1.1.1" }, web, { port: 80 })).toThrow(/not an IP address/);
    expect(() => canReach(index, endpoint(index, "shop/app=api"), web, { port: "grpc" })).toThrow(/no container port named "grpc"/);
    expect(() => canReach(index, web, { ip: "203.0.113.9" }, { port: "https" })).toThrow(/no container port named "https"/);
  });
});

describe("peers the API server would reject match nothing, and the index says so", () => {
  const index = buildPolicyIndex({ pods, namespaces, policies: [p("shop", "broken", {
    podSelector: { matchLabels: { app: "db" } },
    ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/33" } }, {}, { ipBlock: { cidr: "0.0.0.0/0", except: ["not-a-cidr"] } }] }],
  })] });

  it("lists each problem with its path", () => {
    expect(index.notes.filter((n) => n.code === "invalid-peer").map((n) => n.message)).toEqual([
      'shop/broken spec.ingress[0].from[0]: ipBlock.cidr "10.0.0.0/33" is not a valid CIDR',
      "shop/broken spec.ingress[0].from[1]: peer sets none of podSelector, namespaceSelector, ipBlock (the API server rejects this)",
      "shop/broken spec.ingress[0].from[2]: except entries not-a-cidr are invalid or outside 0.0.0.0/0 (ignored)",
    ]);
  });

  it("the valid remainder still applies", () => {
    expect(canReach(index, endpoint(index, "shop/app=api"), endpoint(index, "shop/app=db"), port("5432/TCP")).ingress.admittedBy.map((r) => r.path)).toEqual(["spec.ingress[0].from[2]"]);
  });
});
