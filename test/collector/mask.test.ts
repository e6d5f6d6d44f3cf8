/**
 * The collector's masking filter (awk, no jq), run through `collect.sh --mask-only`.
 * json: kubectl -o json output, env values masked by a line state machine;
 * text: logs and node files, secrets masked by pattern. Healthy files come out
 * byte for byte unchanged.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RECORDED } from "./fake-apiserver.js";
import { COLLECT, REPO } from "./harness.js";

const mask = (mode: "json" | "text", input: string) => execFileSync(COLLECT, ["--mask-only", mode], { input, encoding: "utf8" });
/** kubectl prints JSON with 4-space indents and keys in sorted order (Go maps). */
const kubectlJson = (value: unknown): string => JSON.stringify(sortKeys(value), null, 4) + "\n";
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

describe("json masking of kubectl output", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "api-0",
      namespace: "shop",
      annotations: {
        "kubectl.kubernetes.io/last-applied-configuration": '{"spec":{"containers":[{"env":[{"name":"PW","value":"s3cret"}]}]}}\n',
        "z-after": "kept",
      },
    },
    spec: {
      initContainers: [{ name: "init", image: "busybox", env: [{ name: "INIT_TOKEN", value: "init-token-value" }] }],
      containers: [
        {
          name: "api",
          image: "api:1",
          args: ["--db-password=hunter2&more", "--api-token", "tok-123", "--verbose", "true"],
          env: [
            { name: "HTTP_PROXY", value: "http://proxy:3128" },
            { name: "http_proxy", value: "http://user:pw@proxy:3128" },
            { name: "no_proxy", value: ".svc,10.0.0.0/8" },
            { name: "QUOTED", value: 'say "hi" \\ <b>' },
            { name: "EMPTY", value: "" },
            { name: "FROM_SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
          ],
        },
      ],
      ephemeralContainers: [{ name: "debugger", image: "busybox", env: [{ name: "X", value: "ephemeral-value" }] }],
      // Same {name, value} shape outside env arrays: diagnosis needs these, they stay.
      dnsConfig: { options: [{ name: "ndots", value: "2" }] },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "edge", effect: "NoSchedule" }],
    },
  };

  it("masks env values in every container kind, keeps proxy variables, valueFrom and non-env values", () => {
    const out = mask("json", kubectlJson({ apiVersion: "v1", kind: "List", items: [pod], metadata: { resourceVersion: "" } }));
    const masked = (JSON.parse(out) as { items: (typeof pod)[] }).items[0]!;
    const expected = structuredClone(pod);
    expected.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] = "<redacted>";
    expected.spec.initContainers[0]!.env[0]!.value = "<redacted>";
    expected.spec.containers[0]!.args = ["--db-password=<redacted>", "--api-token", "<redacted>", "--verbose", "true"];
    const env = expected.spec.containers[0]!.env;
    env[1]!.value = "http://<redacted>@proxy:3128";
    env[3]!.value = "<redacted>";
    expected.spec.ephemeralContainers[0]!.env[0]!.value = "<redacted>";
    expect(masked).toEqual(expected);
  });

  it("masks secret keys inside strings up to the closing quote, keeping the JSON valid", () => {
    const cm = {
      data: {
        "app.json": '{"password": "two words", "user": "app"}',
        "flags": "--token=abc def --user=app",
      },
      spec: { password: "a b c" },
    };
    expect(JSON.parse(mask("json", kubectlJson(cm)))).toEqual({
      data: { "app.json": '{"password": "<redacted>", "user": "app"}', flags: "--token=<redacted> def --user=app" },
      spec: { password: "<redacted>" },
    });
  });

  it("masks a value whose name comes after it or is missing", () => {
    const input = ['{', '    "env": [', "        {", '            "value": "before-name",', '            "name": "HTTP_PROXY"', "        }", "    ]", "}", ""].join("\n");
    expect(JSON.parse(mask("json", input))).toEqual({ env: [{ value: "<redacted>", name: "HTTP_PROXY" }] });
  });

  it("leaves healthy objects byte for byte as kubectl printed them", () => {
    for (const file of ["nodes.json", "services.json", "endpoints.json", "networkpolicies.networking.k8s.io.json", "ingresses.networking.k8s.io.json", "events.json"]) {
      const input = kubectlJson(JSON.parse(readFileSync(join(RECORDED, "objects", file), "utf8")));
      expect(mask("json", input), file).toBe(input);
    }
  });
});

describe("text masking of logs and node files", () => {
  const cases: [string, string][] = [
    ['-H "Authorization: Bearer eyJabc.def-ghi"', '-H "Authorization: Bearer <redacted>"'],
    ["authorization=Basic dXNlcjpwYXNz next", "authorization=Basic <redacted> next"],
    ["token used: bearer abc123 for /api", "token used: bearer <redacted> for /api"],
    ["level=info msg=login password=hunter2 user=bob", "level=info msg=login password=<redacted> user=bob"],
    ['{"level":"debug","client_secret":"abc","ok":true}', '{"level":"debug","client_secret":"<redacted>","ok":true}'],
    ["Passwd: 'x y'", "Passwd: '<redacted>'"],
    ['db password="two words" ok', 'db password="<redacted>" ok'],
    ["    token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "    token: <redacted>"],
    ["client-key-data: LS0tLS1CRUdJTg==", "client-key-data: <redacted>"],
    ["dial tcp https://admin:Pa55w0rd@10.0.0.1:6443/api", "dial tcp https://<redacted>@10.0.0.1:6443/api"],
    ["got jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nat_ure here", "got jwt <redacted> here"],
  ];
  it.each(cases)("masks %s", (input, output) => {
    expect(mask("text", input + "\n")).toBe(output + "\n");
  });

  it("replaces the body of a PEM private key and keeps its frame", () => {
    const pem = "a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nxyz\n-----END RSA PRIVATE KEY-----\nb\n";
    expect(mask("text", pem)).toBe("a\n-----BEGIN RSA PRIVATE KEY-----\n<redacted>\n-----END RSA PRIVATE KEY-----\nb\n");
  });

  it("keeps lines that only mention secrets", () => {
    const lines = [
      'FATAL: password authentication failed for user "app"',
      "I1120 06:14:03 secret.go:12] Watching secrets in namespace shop",
      "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc",
      "-A KUBE-SVC-NPX46M4PTMTKRN6Y -m comment --comment \"default/kubernetes:https -> 192.168.56.10:6443\" -j KUBE-SEP-Z256WNARC5DJQIZM",
      "tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token",
    ].join("\n") + "\n";
    expect(mask("text", lines)).toBe(lines);
  });

  // Real tool output (shared/realdata, beside the repository in CI): no false positives.
  const realdata = process.env.NETDIAG_SHARED ? join(process.env.NETDIAG_SHARED, "realdata") : join(REPO, "..", "shared", "realdata");
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  it.skipIf(!existsSync(realdata))("leaves every real log, iptables dump and Corefile in shared/realdata unchanged", () => {
    const files = ["logs", "iptables", "coredns"].flatMap((d) => walk(join(realdata, d)));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const input = readFileSync(file, "latin1");
      expect(mask("text", input), file).toBe(input);
    }
  });
});
