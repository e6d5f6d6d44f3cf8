/**
 * Ingress facts on the generated fixtures, and on the same snapshots edited
 * the way real clusters differ: controller log lines naming a backend by pod
 * address, a controller told to serve classless Ingresses, RBAC refusals.
 */
import { describe, expect, it } from "vitest";
import { computeFacts } from "../../src/facts/index.js";
import { ingressFacts } from "../../src/facts/ingress.js";
import { buildModel } from "../../src/model/build.js";
import { readSnapshot } from "../../src/snapshot/reader.js";
import { fixturePath } from "../helpers/fixtures.js";

type Obj = Record<string, unknown>;

async function facts(fixture: string, edit: (files: Map<string, Buffer>) => void = () => {}) {
  const snapshot = await readSnapshot(fixturePath(fixture));
  edit(snapshot.files);
  const subjects = computeFacts(buildModel(snapshot), [ingressFacts]);
  return {
    ingress: (ns: string, name: string) => subjects.find((s) => s.kind === "Ingress" && s.subject.namespace === ns && s.subject.name === name)!.values,
    workload: (ns: string, name: string) => subjects.find((s) => s.kind === "Workload" && s.subject.namespace === ns && s.subject.name === name)?.values,
  };
}

function items(files: Map<string, Buffer>, plural: string): Obj[] {
  return (JSON.parse(files.get(`resources/${plural}.json`)!.toString("utf8")) as { items: Obj[] }).items;
}

function editList(files: Map<string, Buffer>, plural: string, edit: (items: Obj[]) => Obj[]): void {
  files.set(`resources/${plural}.json`, Buffer.from(JSON.stringify({ apiVersion: "v1", kind: "List", items: edit(items(files, plural)) })));
}

function podsOf(files: Map<string, Buffer>, prefix: string): Obj[] {
  return items(files, "pods").filter((p) => String((p.metadata as Obj).name).startsWith(prefix));
}

function controllerLog(files: Map<string, Buffer>, lines: string[]): void {
  const pod = (podsOf(files, "ingress-nginx-controller-")[0]!.metadata as Obj).name as string;
  files.set(`logs/ingress-nginx/${pod}/controller.log`, Buffer.from(`${lines.join("\n")}\n`));
}

describe("controller log lines about an Ingress's backends", () => {
  it("are tied to the Service by name (no active Endpoint) and by the access log's upstream name", async () => {
    const f = await facts("service-selector-typo");
    expect(f.ingress("shop", "shop")["ingress.upstreamErrorLines"]).toBe(2);
    expect(f.ingress("shop", "shop")["ingress.upstreamErrorSignals"]).toEqual(["ingress-nginx.service-no-active-endpoints ×1", "ingress-nginx.access-503 ×1"]);
    expect(f.ingress("shop", "shop")["ingress.upstreamErrorServices"]).toEqual([{ kind: "Service", namespace: "shop", name: "web" }]);
  });

  it("are tied to the Service by the pod address nginx could not connect to", async () => {
    const f = await facts("healthy", (files) => {
      const ip = (podsOf(files, "api-")[0]!.status as Obj).podIP as string;
      controllerLog(files, [
        `2026/11/22 10:21:09 [error] 31#31: *569 connect() failed (111: Connection refused) while connecting to upstream, client: 198.51.100.23, server: shop.example.com, request: "GET /api/cart HTTP/1.1", upstream: "http://${ip}:8080/api/cart", host: "shop.example.com"`,
        `2026/11/22 10:21:10 [error] 31#31: *570 connect() failed (111: Connection refused) while connecting to upstream, client: 198.51.100.23, server: other.example.com, request: "GET / HTTP/1.1", upstream: "http://10.244.9.9:8080/", host: "other.example.com"`,
      ]);
    });
    expect(f.ingress("shop", "shop")["ingress.upstreamErrorLines"]).toBe(1);
    expect(f.ingress("shop", "shop")["ingress.upstreamErrorServices"]).toEqual([{ kind: "Service", namespace: "shop", name: "api" }]);
  });

  it("for a Service that does not exist, are tied to the Ingress naming it", async () => {
    const f = await facts("ingress-backend-missing");
    expect(f.ingress("shop", "shop")["ingress.missingServices"]).toEqual([{ service: "shop-api", routes: ["shop.example.com/api"] }]);
    expect(f.ingress("shop", "shop")["ingress.upstreamErrorSignals"]).toEqual(["ingress-nginx.service-not-found ×1"]);
  });

  it("are not counted from pods that are not ingress controllers", async () => {
    const f = await facts("healthy", (files) => {
      const pod = (podsOf(files, "web-")[0]!.metadata as Obj).name as string;
      files.set(`logs/shop/${pod}/web.log`, Buffer.from('W1122 10:12:31.104233       7 controller.go:1241] Service "shop/web" does not have any active Endpoint.\n'));
    });
    expect(f.ingress("shop", "shop")["ingress.upstreamErrorLines"]).toBe(0);
  });
});

describe("Ingress class", () => {
  const classless = (files: Map<string, Buffer>) => {
    editList(files, "ingressclasses", (list) => list.map((c) => ({ ...c, metadata: { ...(c.metadata as Obj), annotations: {} } })));
    // Nothing published an address for it either.
    editList(files, "ingresses", (list) => list.map((i) => ({ ...i, spec: { ...(i.spec as Obj), ingressClassName: undefined }, status: { loadBalancer: {} } })));
  };

  it("an Ingress without class and no default IngressClass is served by nobody", async () => {
    const f = await facts("healthy", classless);
    expect(f.ingress("shop", "shop")["ingress.classProblem"]).toBe("no-class-no-default");
  });

  it("…unless a controller outside the cluster published an address for it (GKE ingress-gce)", async () => {
    const f = await facts("healthy", (files) => {
      classless(files);
      editList(files, "ingresses", (list) => list.map((i) => ({ ...i, status: { loadBalancer: { ingress: [{ ip: "34.120.7.15" }] } } })));
    });
    expect(f.ingress("shop", "shop")["ingress.classProblem"]).toBe("");
  });

  it("…unless ingress-nginx runs with --watch-ingress-without-class", async () => {
    const f = await facts("healthy", (files) => {
      classless(files);
      editList(files, "pods", (list) =>
        list.map((p) => {
          if (!String((p.metadata as Obj).name).startsWith("ingress-nginx-controller-")) return p;
          const spec = p.spec as { containers: Obj[] };
          return { ...p, spec: { ...spec, containers: spec.containers.map((c) => ({ ...c, args: ["/nginx-ingress-controller", "--watch-ingress-without-class=true"] })) } };
        }),
      );
    });
    expect(f.ingress("shop", "shop")["ingress.classProblem"]).toBe("");
  });

  it("a class that names a controller with no pod is `missing`", async () => {
    const f = await facts("ingress-class-controller-missing");
    expect(f.ingress("shop", "docs")["ingress.controllerStatus"]).toBe("missing");
    expect(f.ingress("shop", "shop")["ingress.controllerStatus"]).toBe("ready");
  });
});

describe("rule conflicts", () => {
  it("are reported on the newer Ingress, naming the older one that keeps the path", async () => {
    const f = await facts("ingress-rule-conflict");
    expect(f.ingress("shop", "shop-api-v2")["ingress.shadowedRules"]).toEqual([{ host: "shop.example.com", path: "/api", pathType: "Prefix", winner: "shop/shop", notes: [] }]);
    expect(f.ingress("shop", "shop")["ingress.shadowedRules"]).toEqual([]);
  });

  it("ignore the same route declared twice with the same backend, and Exact beside Prefix", async () => {
    const f = await facts("healthy-edge-cases");
    expect(f.ingress("edge", "echo")["ingress.shadowedRules"]).toEqual([]);
    expect(f.ingress("edge", "echo-probes")["ingress.shadowedRules"]).toEqual([]);
  });
});

describe("controller workloads", () => {
  it("count RBAC refusals and name the resources and the ServiceAccount", async () => {
    const f = await facts("ingress-controller-unhealthy");
    const w = f.workload("ingress-nginx", "ingress-nginx-controller")!;
    expect(w["ingress.controllerKind"]).toBe("ingress-nginx");
    expect(w["ingress.controllerReadyPods"]).toBe(0);
    expect(w["ingress.rbacForbiddenLines"]).toBe(4);
    expect(w["ingress.rbacForbiddenResources"]).toEqual(["endpointslices"]);
    expect(w["ingress.rbacServiceAccount"]).toBe("ingress-nginx/ingress-nginx");
    expect(w["ingress.servedIngresses"]).toEqual([{ kind: "Ingress", namespace: "shop", name: "shop" }]);
  });

  it("report a reload failure only while no successful reload followed it, with nginx's reason", async () => {
    const failing = await facts("ingress-controller-reload-failing");
    expect(failing.workload("ingress-nginx", "ingress-nginx-controller")!["ingress.reloadFailing"]).toBe(true);
    expect(failing.workload("ingress-nginx", "ingress-nginx-controller")!["ingress.reloadError"]).toMatch(/\[emerg\] 498#498: unknown directive "more_set_header"/);
    const recovered = await facts("ingress-controller-reload-failing", (files) => {
      for (const [path, text] of files) {
        if (path.startsWith("logs/ingress-nginx/")) files.set(path, Buffer.concat([text, Buffer.from('I1122 10:12:41.192745       7 controller.go:210] "Backend successfully reloaded"\n')]));
      }
    });
    expect(recovered.workload("ingress-nginx", "ingress-nginx-controller")!["ingress.reloadFailing"]).toBe(false);
  });

  it("are only the workloads running a controller", async () => {
    const f = await facts("healthy");
    expect(f.workload("shop", "web")).toBeUndefined();
    expect(f.workload("ingress-nginx", "ingress-nginx-controller")!["ingress.controllerReadyPods"]).toBe(2);
  });
});
