import { describe, expect, it } from "vitest";
import { traefikSignals } from "../../src/model/signals/traefik.js";
import { counts, scan } from "./_scan.js";

describe("Traefik signals", () => {
  it("`Skipping service: no endpoints found` in v2 logfmt (fields in any order) and v3 console form (traefik/traefik#8818, #10119, index id 11942619300)", () => {
    const found = scan(
      [
        'time="2022-03-01T09:48:49Z" level=error msg="Skipping service: no endpoints found" providerName=kubernetes ingress=vscode serviceName=vscode servicePort="&ServiceBackendPort{Name:,Number:80,}" namespace=default',
        'time="2023-09-08T13:26:56Z" level=error msg="Skipping service: no endpoints found" providerName=kubernetes ingress=grafana namespace=monitoring serviceName=grafana servicePort="&ServiceBackendPort{Name:,Number:80,}"',
        "2024-08-10T02:10:44Z ERR Skipping service: no endpoints found ingress=podinfo namespace=podinfo providerName=kubernetes serviceName=podinfo servicePort=&ServiceBackendPort{Name:,Number:9898,}",
      ],
      traefikSignals,
    );
    expect(counts(found)).toEqual({ "traefik.no-endpoints": 3 });
    const s = found.get("traefik.no-endpoints")!;
    expect(s.captures).toEqual({ namespace: "default", service: "vscode" });
    expect(s.values).toEqual({ namespace: ["default", "monitoring", "podinfo"], service: ["vscode", "grafana", "podinfo"] });
    expect(s.firstTime).toBe("2022-03-01T09:48:49Z");
    expect(s.lastTime).toBe("2024-08-10T02:10:44Z");
  });

  it("missing Services in v2 and v3 wordings (traefik/traefik-helm-chart#319, traefik/traefik#9929, rancher/rke2#10677)", () => {
    const found = scan(
      [
        'time="2020-12-07T15:16:28Z" level=error msg="Cannot create service: service not found" ingress=ingressroutetcp.crd namespace=default serviceName=whoamitcp servicePort=8080 providerName=kubernetescrd',
        'time="2020-12-07T15:16:28Z" level=error msg="Error while building TraefikService: kubernetes service not found: default/s1" providerName=kubernetescrd serviceName=wrr2',
        "2023-06-07T15:56:55Z ERR github.com/traefik/traefik/v2/pkg/provider/kubernetes/crd/kubernetes_tcp.go:73 > Cannot create service error=\"service not found\" ingress=org-coredb-inst-check-messaging-q-delete-me-asap namespace=org-coredb-inst-check-messaging-q-delete-me-asap providerName=kubernetescrd serviceName=org-coredb-inst-check-messaging-q-delete-me-asap servicePort=5432",
        '2026-06-30T09:57:39Z ERR Cannot create service error="getting backend addresses: getting service: service \\"iot-wizard-monitor-frontend-service\\" not found" ingress=iot-wizard-monitor-frontend-ingress namespace=iotwizard-tools providerName=kubernetesingressnginx serviceName=iot-wizard-monitor-frontend-service servicePort=&ServiceBackendPort{Name:,Number:80,}',
      ],
      traefikSignals,
    );
    expect(counts(found)).toEqual({ "traefik.service-not-found": 4 });
    const s = found.get("traefik.service-not-found")!;
    expect(s.values["namespace"]).toEqual(["default", "org-coredb-inst-check-messaging-q-delete-me-asap", "iotwizard-tools"]);
    expect(s.values["ref"]).toEqual(["default/s1"]);
    expect(s.values["name"]).toEqual(["iot-wizard-monitor-frontend-service"]);
    expect(s.values["service"]).toEqual(["whoamitcp", "wrr2", "org-coredb-inst-check-messaging-q-delete-me-asap", "iot-wizard-monitor-frontend-service"]);
  });

  it("routers pointing at a service that failed to build (traefik/traefik#8732, #11481)", () => {
    const found = scan(
      [
        'traefik  | time="2022-01-25T01:52:22Z" level=error msg="the service \\"whoami@docker\\" does not exist" entryPointName=web routerName=example.local@file',
        '        "the service \\"pihole-pihole-web-fe3df2bf5ee1ea33281d@kubernetescrd\\" does not exist"',
      ],
      traefikSignals,
    );
    expect(found.get("traefik.router-service-missing")!.values).toEqual({ traefikService: ["whoami", "pihole-pihole-web-fe3df2bf5ee1ea33281d"], provider: ["docker", "kubernetescrd"] });
  });

  it("RBAC refusals of Traefik's ServiceAccount (traefik/traefik-helm-chart#5)", () => {
    const found = scan(
      ['E1003 10:43:45.979201       1 reflector.go:125] pkg/mod/k8s.io/client-go@v0.0.0-20190718183610-8e956561bbf5/tools/cache/reflector.go:98: Failed to list *v1alpha1.IngressRouteTCP: ingressroutetcps.traefik.containo.us is forbidden: User "system:serviceaccount:default:kind-lightningbug-traefik" cannot list resource "ingressroutetcps" in API group "traefik.containo.us" at the cluster scope'],
      traefikSignals,
    );
    expect(found.get("traefik.rbac-forbidden")!.captures).toEqual({ saNamespace: "default", serviceAccount: "kind-lightningbug-traefik", verb: "list", resource: "ingressroutetcps" });
  });

  it("stays silent on startup, debug and unrelated error lines (traefik/traefik#7158, #6586, traefik/traefik-helm-chart#319)", () => {
    const lines = [
      'time="2020-03-26T05:59:27Z" level=info msg="Starting provider *ingress.Provider {}"',
      'time="2020-08-09T15:48:09Z" level=debug msg="Skipping Kubernetes event kind *v1.Endpoints" providerName=kubernetes',
      "2026-06-30T09:57:27Z INF Starting provider *crd.Provider",
      'time="2020-12-07T15:16:28Z" level=error msg="Error configuring TLS: secret default/foosecret does not exist" providerName=kubernetescrd ingress=ingressroutetcp.crd namespace=default',
    ];
    expect(counts(scan(lines, traefikSignals))).toEqual({});
  });
});
