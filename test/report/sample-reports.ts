/**
 * Realistic reports as the pipeline builds them (keys `ruleId@Kind/ns/name`,
 * roots ranked before symptoms, messages and verify commands rendered from the
 * rules' templates, excerpts copied from real component logs, see
 * shared/realdata/logs). Three situations: a Service selector typo with an
 * Ingress symptom under it, CoreDNS crash-looping on a forward loop with a
 * two-level symptom chain, and a clean snapshot.
 */
import { refKey, type Evidence, type ObjectRef } from "../../src/types/evidence.js";
import { SEVERITIES, type Finding, type Layer, type Severity } from "../../src/types/finding.js";
import type { Report, SkippedRule, SymptomCheck } from "../../src/types/report.js";

/** What a hostile cluster can put in strings we render: a label/env value, a log line. */
export const HOSTILE_SCRIPT = "<script>alert(1)</script>";
export const HOSTILE_ATTR = '"><img src=x onerror=alert(2)>';

interface FindingInput {
  rank: number;
  cause: string;
  ruleId: string;
  layer: Layer;
  severity: Severity;
  confidence: number;
  score: number;
  title: string;
  message: string;
  subjects: ObjectRef[];
  evidence: Evidence[];
  remediation: string[];
  verify: string[];
  advice?: boolean;
  impact?: number;
  data?: Record<string, unknown>;
}

function finding(input: FindingInput): Finding {
  const { advice = false, impact = 1, data = {}, ...rest } = input;
  return {
    ...rest,
    key: `${input.ruleId}@${refKey(input.subjects[0]!)}`,
    explains: [],
    explainedFindings: [],
    impact,
    advice,
    data,
  };
}

/** Attach `symptom` under `root` the way ranking does (both directions of the link). */
function explain(root: Finding, symptom: Finding): void {
  symptom.explainedBy = root.key;
  root.explainedFindings.push(symptom.key);
  if (!root.explains.includes(symptom.cause)) root.explains.push(symptom.cause);
}

interface ReportInput {
  source: string;
  cluster?: string;
  collectedAt?: string;
  findings: Finding[];
  rulesRun: number;
  rulesSkipped?: SkippedRule[];
  checked: Record<string, number>;
  notes?: string[];
  warnings?: string[];
  symptom?: SymptomCheck;
}

function report(input: ReportInput): Report {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of input.findings) bySeverity[f.severity]++;
  const snapshot: Report["snapshot"] = { source: input.source, format: "netdiag-snapshot/v1" };
  if (input.collectedAt) snapshot.collectedAt = input.collectedAt;
  if (input.cluster) snapshot.cluster = input.cluster;
  return {
    format: "netdiag-report/v1",
    snapshot,
    summary: {
      findings: input.findings.length,
      rootCauses: input.findings.filter((f) => f.explainedBy === undefined && !f.advice).length,
      advice: input.findings.filter((f) => f.explainedBy === undefined && f.advice).length,
      bySeverity,
    },
    findings: [...input.findings].sort((a, b) => a.rank - b.rank),
    coverage: {
      rulesRun: input.rulesRun,
      rulesSkipped: input.rulesSkipped ?? [],
      checked: input.checked,
      notes: input.notes ?? [],
    },
    warnings: input.warnings ?? [],
    ...(input.symptom ? { symptom: input.symptom } : {}),
  };
}

const CHECKED = {
  namespaces: 9,
  nodes: 3,
  pods: 41,
  services: 17,
  networkPolicies: 4,
  ingresses: 2,
  logFiles: 23,
  nodeDataSets: 0,
};

/**
 * shop/web's selector says tier=frontend, its pods say tier=front-end: the Service
 * has no endpoints and the ingress controller logs it. Plus a proxy-env finding
 * whose env value is hostile, and advice.
 */
export function selectorMismatchReport(): Report {
  const selector = finding({
    rank: 1,
    cause: "service.selector-mismatch",
    ruleId: "service-selector-matches-no-pod",
    layer: "service",
    severity: "high",
    confidence: 0.9,
    score: 0.634,
    title: "Service selector matches no pod",
    message:
      "Service shop/web selects `app=web,tier=frontend` but no pod in namespace shop has these labels, so it has no endpoints. The nearest pods (web-7d9c6b5f4-2xkqp, web-7d9c6b5f4-h8s2m) have tier=front-end where the selector wants tier=frontend.",
    subjects: [
      { kind: "Service", namespace: "shop", name: "web" },
      { kind: "Pod", namespace: "shop", name: "web-7d9c6b5f4-2xkqp" },
      { kind: "Pod", namespace: "shop", name: "web-7d9c6b5f4-h8s2m" },
    ],
    evidence: [
      { file: "resources/services.json", path: "items[12].spec.selector", excerpt: '{"app":"web","tier":"frontend"}' },
      { file: "resources/pods.json", path: "items[27].metadata.labels", excerpt: '{"app":"web","pod-template-hash":"7d9c6b5f4","tier":"front-end"}' },
      { file: "resources/endpoints.json", path: "items[9].subsets", excerpt: "Endpoints web: 0 ready, 0 not ready" },
    ],
    remediation: [
      "Make the Service selector and the pod template labels agree: fix the selector with `kubectl edit service -n shop web`, or the labels in the workload's pod template (not on running pods: they are replaced).",
      "If the pods live in another namespace, create the Service there: a selector only ever matches pods of the Service's own namespace.",
    ],
    verify: [
      "kubectl get pods -n shop -l 'app=web,tier=frontend' -o wide",
      "kubectl get pods -n shop --show-labels",
      "kubectl get endpointslices -n shop -l kubernetes.io/service-name=web",
    ],
    impact: 3,
    data: {
      "service.selector": "app=web,tier=frontend",
      "service.selectorMismatch": { label: "tier", expected: "frontend", actual: "front-end" },
    },
  });
  const ingress = finding({
    rank: 4,
    cause: "ingress.backend-no-endpoints",
    ruleId: "ingress-backend-service-no-endpoints",
    layer: "ingress",
    severity: "medium",
    confidence: 0.85,
    score: 0.327,
    title: "Ingress backend Service has no ready endpoints",
    message: "Ingress shop/web routes shop.example.com/ to Service web:80, which has no ready endpoints: the controller answers 503.",
    subjects: [
      { kind: "Ingress", namespace: "shop", name: "web" },
      { kind: "Service", namespace: "shop", name: "web" },
    ],
    evidence: [
      { file: "resources/ingresses.json", path: "items[0].spec.rules[0].http.paths[0].backend", excerpt: '{"service":{"name":"web","port":{"number":80}}}' },
      {
        file: "logs/ingress-nginx/ingress-nginx-controller-5c8d66c76d-4xk2b/controller.log",
        line: 214,
        excerpt: "W1122 10:21:07.667881       7 controller.go:1108] service shop/web does not have any active endpoints",
      },
      {
        file: "logs/ingress-nginx/ingress-nginx-controller-5c8d66c76d-4xk2b/controller.log",
        line: 231,
        excerpt: `10.0.3.17 - - [22/Nov/2026:10:22:41 +0000] "GET /search?q=${HOSTILE_SCRIPT} HTTP/1.1" 503 190 "-" "curl/8.5.0" 412 0.000 [shop-web-80] [] - - - - 4f0c2a`,
      },
    ],
    remediation: ["Fix why Service shop/web has no ready endpoints (see the finding it is attached to)."],
    verify: ["kubectl get endpointslices -n shop -l kubernetes.io/service-name=web", "kubectl describe ingress -n shop web"],
  });
  explain(selector, ingress);

  const proxyEnv = finding({
    rank: 2,
    cause: "workload.proxy-env",
    ruleId: "workload-proxy-env-misconfigured",
    layer: "workload",
    severity: "medium",
    confidence: 0.8,
    score: 0.308,
    title: "HTTP proxy set without NO_PROXY for cluster addresses",
    message: `Deployment payments/charge sets HTTPS_PROXY=\`http://proxy.corp:3128${HOSTILE_ATTR}\` but NO_PROXY does not cover .svc, .cluster.local or 10.96.0.0/12: calls to Services go to the proxy. Label team=${HOSTILE_SCRIPT} | owner=*ops*`,
    subjects: [
      { kind: "Workload", namespace: "payments", name: "charge" },
      { kind: "Pod", namespace: "payments", name: "charge-6b8f7d9c5-qm4zl" },
    ],
    evidence: [
      {
        file: "resources/pods.json",
        path: "items[33].spec.containers[0].env[2]",
        excerpt: `{"name":"HTTPS_PROXY","value":"http://proxy.corp:3128${HOSTILE_ATTR}"}`,
      },
      { file: "resources/pods.json", path: "items[33].metadata.labels", excerpt: `{"app":"charge","team":"${HOSTILE_SCRIPT}"}` },
    ],
    remediation: ["Add `.svc,.cluster.local,10.96.0.0/12,10.244.0.0/16` to NO_PROXY (and no_proxy) in the pod template."],
    verify: ["kubectl get deploy -n payments charge -o jsonpath='{.spec.template.spec.containers[*].env}'"],
    data: { "workload.proxyEnv": { HTTPS_PROXY: `http://proxy.corp:3128${HOSTILE_ATTR}` } },
  });

  const noProbe = finding({
    rank: 3,
    cause: "workload.no-readiness-probe",
    ruleId: "workload-no-readiness-probe",
    layer: "workload",
    severity: "low",
    confidence: 1,
    score: 0.21,
    title: "Serving pods have no readiness probe",
    message: "Deployment shop/cart backs Service shop/cart but its containers declare no readinessProbe: pods receive traffic before they can serve it.",
    subjects: [
      { kind: "Workload", namespace: "shop", name: "cart" },
      { kind: "Service", namespace: "shop", name: "cart" },
    ],
    evidence: [{ file: "resources/pods.json", path: "items[21].spec.containers[0]", excerpt: "container cart: no readinessProbe" }],
    remediation: ["Add a readinessProbe that checks the port the Service targets."],
    verify: ["kubectl get deploy -n shop cart -o jsonpath='{.spec.template.spec.containers[*].readinessProbe}'"],
    advice: true,
  });

  return report({
    source: "netdiag-prod-eu1-20261122T1030Z.tgz",
    cluster: "prod-eu1",
    collectedAt: "2026-11-22T10:30:00Z",
    findings: [selector, proxyEnv, noProbe, ingress],
    rulesRun: 58,
    rulesSkipped: [
      { ruleId: "proxy-service-rules-missing", cause: "proxy.rules-missing", missing: "nodes/*/iptables-save.txt" },
      {
        ruleId: "cni-calico-bgp-not-established",
        cause: "cni.calico-bgp-down",
        missing: "logs/calico-system/*/calico-node.log",
        reason: "logs/calico-system/calico-node-7xk2p: Forbidden",
      },
    ],
    checked: CHECKED,
    notes: ["CiliumNetworkPolicy objects exist but are not evaluated: NetworkPolicy verdicts cover Kubernetes NetworkPolicies only."],
    warnings: [
      "resources/pods.json: item 17 skipped: ✖ Invalid input: expected string, received number → at spec.containers[0].name",
      `resources/configmaps.json: item 2 (kube-system/${HOSTILE_SCRIPT}) is not a network config map, ignored`,
    ],
  });
}

/**
 * CoreDNS forwards to the node's 127.0.0.53 stub and crash-loops on plugin/loop;
 * kube-dns has no ready endpoints; checkout fails its lookups. Plus node pressure.
 */
export function corednsDownReport(): Report {
  const loop = finding({
    rank: 1,
    cause: "dns.forward-loop",
    ruleId: "dns-coredns-forward-loop",
    layer: "dns",
    severity: "critical",
    confidence: 0.95,
    score: 0.893,
    title: "CoreDNS detects a forwarding loop and exits",
    message:
      "CoreDNS pods in kube-system exit with `plugin/loop: Loop detected`: the Corefile forwards `.` to /etc/resolv.conf, and on nodes ip-10-0-1-23, ip-10-0-2-41 that file points at the local stub resolver 127.0.0.53, which sends the queries back to CoreDNS.",
    subjects: [
      { kind: "ConfigMap", namespace: "kube-system", name: "coredns" },
      { kind: "Pod", namespace: "kube-system", name: "coredns-5d78c9869d-x2k4q" },
      { kind: "Pod", namespace: "kube-system", name: "coredns-5d78c9869d-qq7rn" },
      { kind: "Node", name: "ip-10-0-1-23" },
    ],
    evidence: [
      {
        file: "logs/kube-system/coredns-5d78c9869d-x2k4q/coredns.previous.log",
        line: 6,
        excerpt: '[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 4547991504243258144.3688648895315093531."',
      },
      { file: "resources/configmaps.json", path: "items[0].data.Corefile", excerpt: "forward . /etc/resolv.conf { max_concurrent 1000 }" },
      { file: "nodes/ip-10-0-1-23/resolv.conf", line: 19, excerpt: "nameserver 127.0.0.53" },
    ],
    remediation: [
      "Point the kubelet at the real upstream resolvers: set `resolvConf: /run/systemd/resolve/resolv.conf` in the kubelet configuration, or forward to explicit upstream IPs in the Corefile (`forward . 10.0.0.2`).",
      "Restart the CoreDNS pods after the change: `kubectl -n kube-system rollout restart deployment coredns`.",
    ],
    verify: [
      "kubectl -n kube-system logs -l k8s-app=kube-dns --previous | grep -m1 'plugin/loop'",
      "kubectl -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}'",
    ],
    impact: 2,
  });
  const unavailable = finding({
    rank: 3,
    cause: "dns.coredns-unavailable",
    ruleId: "dns-coredns-no-ready-pods",
    layer: "dns",
    severity: "critical",
    confidence: 0.97,
    score: 0.844,
    title: "CoreDNS has no ready pods",
    message: "Service kube-system/kube-dns has 0 ready endpoints: both CoreDNS pods are in CrashLoopBackOff (14 and 13 restarts).",
    subjects: [
      { kind: "Service", namespace: "kube-system", name: "kube-dns" },
      { kind: "Pod", namespace: "kube-system", name: "coredns-5d78c9869d-x2k4q" },
      { kind: "Pod", namespace: "kube-system", name: "coredns-5d78c9869d-qq7rn" },
    ],
    evidence: [
      { file: "resources/pods.json", path: "items[3].status.containerStatuses[0]", excerpt: "coredns: waiting CrashLoopBackOff, restartCount 14, last terminated Error (exit 1)" },
      { file: "resources/endpoints.json", path: "items[2].subsets", excerpt: "Endpoints kube-dns: 0 ready, 2 not ready" },
    ],
    remediation: ["Fix why the CoreDNS pods crash (see the finding this is attached to)."],
    verify: ["kubectl get pods -n kube-system -l k8s-app=kube-dns"],
  });
  const lookups = finding({
    rank: 4,
    cause: "workload.crashloop",
    ruleId: "workload-crashlooping-behind-service",
    layer: "workload",
    severity: "high",
    confidence: 0.8,
    score: 0.49,
    title: "Containers behind a Service crash-loop",
    message: "Deployment shop/checkout backs Service shop/checkout and its containers restart repeatedly; their last log lines are DNS lookup timeouts.",
    subjects: [
      { kind: "Workload", namespace: "shop", name: "checkout" },
      { kind: "Service", namespace: "shop", name: "checkout" },
    ],
    evidence: [
      {
        file: "logs/shop/checkout-59d4c7d8b6-z7wq9/checkout.previous.log",
        line: 41,
        excerpt: "panic: dial tcp: lookup payments.shop.svc.cluster.local on 10.96.0.10:53: read udp 10.244.1.7:41234->10.96.0.10:53: i/o timeout",
      },
    ],
    remediation: ["Fix cluster DNS first; then check the containers start cleanly."],
    verify: ["kubectl get pods -n shop -l app=checkout"],
  });
  const pressure = finding({
    rank: 2,
    cause: "node.pressure",
    ruleId: "node-under-pressure",
    layer: "node",
    severity: "medium",
    confidence: 0.9,
    score: 0.371,
    title: "Node under resource pressure",
    message: "Node ip-10-0-2-41 reports MemoryPressure=True; it hosts coredns-5d78c9869d-qq7rn and calico-node-lk9fd, which the kubelet may evict.",
    subjects: [{ kind: "Node", name: "ip-10-0-2-41" }],
    evidence: [
      { file: "resources/nodes.json", path: "items[1].status.conditions[1]", excerpt: '{"type":"MemoryPressure","status":"True","reason":"KubeletHasInsufficientMemory"}' },
    ],
    remediation: ["Free memory on ip-10-0-2-41 or move workloads off it; check for pods without memory limits."],
    verify: ["kubectl describe node ip-10-0-2-41"],
  });
  explain(loop, unavailable);
  explain(unavailable, lookups);
  return report({
    source: "/tmp/snapshots/staging",
    cluster: "staging-us2",
    collectedAt: "2026-11-21T16:04:12Z",
    findings: [loop, pressure, unavailable, lookups],
    rulesRun: 61,
    checked: { ...CHECKED, nodeDataSets: 3 },
    // Diagnosed with `--symptom dns`: the user reported DNS failures.
    symptom: {
      id: "dns",
      description: "`Could not resolve host` / DNS failures",
      causes: [
        { cause: "dns.coredns-unavailable", status: "found", detail: "rank 3" },
        { cause: "dns.forward-loop", status: "found", detail: "rank 1" },
        { cause: "dns.upstream-failing", status: "ruled-out" },
        { cause: "dns.corefile-invalid", status: "ruled-out" },
        { cause: "dns.egress-blocked-by-policy", status: "not-checked", detail: "snapshot lacks resources/networkpolicies.json (resources/networkpolicies: Forbidden)" },
        { cause: "policy.default-deny-blocks", status: "not-checked", detail: "no rule for this cause is loaded" },
        { cause: "proxy.not-running", status: "ruled-out" },
      ],
    },
  });
}

/** Nothing wrong, one rule could not run: the report must say what it checked. */
export function healthyReport(): Report {
  return report({
    source: "snap.tgz",
    cluster: "dev",
    collectedAt: "2026-11-20T08:00:00Z",
    findings: [],
    rulesRun: 60,
    rulesSkipped: [{ ruleId: "proxy-service-rules-missing", cause: "proxy.rules-missing", missing: "nodes/*/iptables-save.txt" }],
    checked: CHECKED,
  });
}

export const SAMPLE_REPORTS = {
  "selector-mismatch": selectorMismatchReport,
  "coredns-down": corednsDownReport,
  healthy: healthyReport,
} as const;
