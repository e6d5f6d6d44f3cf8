/**
 * Lenient zod schemas of the Kubernetes objects kube-netdiag reads, in the
 * exact shape `kubectl get -o json` prints. Only the fields we read are
 * modelled; `looseObject` keeps everything else, so custom rules and evidence
 * excerpts still see unknown fields. An object failing its schema is skipped
 * with a warning by the model builder, never fatal.
 */
import { z } from "zod";

const labels = z.record(z.string(), z.string());

export const Metadata = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  labels: labels.nullish().transform((v) => v ?? {}),
  annotations: labels.nullish().transform((v) => v ?? {}),
  creationTimestamp: z.string().nullish(),
  deletionTimestamp: z.string().nullish(),
  ownerReferences: z
    .array(z.looseObject({ kind: z.string(), name: z.string(), uid: z.string().optional(), controller: z.boolean().optional() }))
    .nullish(),
  generation: z.number().optional(),
});

export const LabelSelectorRequirement = z.looseObject({
  key: z.string(),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
  values: z.array(z.string()).nullish(),
});
export const LabelSelector = z.looseObject({
  matchLabels: labels.nullish(),
  matchExpressions: z.array(LabelSelectorRequirement).nullish(),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

const IntOrString = z.union([z.number().int(), z.string()]);

const Condition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().nullish(),
  message: z.string().nullish(),
  lastTransitionTime: z.string().nullish(),
});

const ContainerPort = z.looseObject({
  name: z.string().optional(),
  containerPort: z.number().int(),
  protocol: z.string().optional(),
  hostPort: z.number().int().optional(),
});

const Probe = z.looseObject({}).nullish();

const EnvVar = z.looseObject({ name: z.string(), value: z.string().optional() });

export const Container = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  ports: z.array(ContainerPort).nullish(),
  env: z.array(EnvVar).nullish(),
  readinessProbe: Probe,
  livenessProbe: Probe,
  startupProbe: Probe,
  lifecycle: z.looseObject({ preStop: z.unknown().optional() }).nullish(),
  resources: z.looseObject({}).nullish(),
  args: z.array(z.string()).nullish(),
  command: z.array(z.string()).nullish(),
  /** Native sidecars (init containers with restartPolicy Always) serve ports too. */
  restartPolicy: z.string().optional(),
});
export type Container = z.infer<typeof Container>;

const ContainerState = z.looseObject({
  waiting: z.looseObject({ reason: z.string().optional(), message: z.string().optional() }).nullish(),
  running: z.looseObject({ startedAt: z.string().nullish() }).nullish(),
  terminated: z
    .looseObject({ reason: z.string().optional(), exitCode: z.number().optional(), finishedAt: z.string().nullish() })
    .nullish(),
});

export const ContainerStatus = z.looseObject({
  name: z.string(),
  ready: z.boolean().optional(),
  started: z.boolean().optional(),
  restartCount: z.number().int().optional(),
  state: ContainerState.nullish(),
  lastState: ContainerState.nullish(),
});
export type ContainerStatus = z.infer<typeof ContainerStatus>;

export const Pod = z.looseObject({
  kind: z.literal("Pod").optional(),
  metadata: Metadata,
  spec: z
    .looseObject({
      nodeName: z.string().optional(),
      hostNetwork: z.boolean().optional(),
      dnsPolicy: z.string().optional(),
      dnsConfig: z.looseObject({ options: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).nullish() }).nullish(),
      containers: z.array(Container).default([]),
      initContainers: z.array(Container).nullish(),
      terminationGracePeriodSeconds: z.number().nullish(),
      serviceAccountName: z.string().optional(),
      hostname: z.string().optional(),
      subdomain: z.string().optional(),
    })
    .default({ containers: [] }),
  status: z
    .looseObject({
      phase: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      podIP: z.string().optional(),
      podIPs: z.array(z.looseObject({ ip: z.string() })).nullish(),
      hostIP: z.string().optional(),
      conditions: z.array(Condition).nullish(),
      containerStatuses: z.array(ContainerStatus).nullish(),
      initContainerStatuses: z.array(ContainerStatus).nullish(),
    })
    .default({}),
});
export type Pod = z.infer<typeof Pod>;

export const ServicePort = z.looseObject({
  name: z.string().optional(),
  protocol: z.string().optional(),
  port: z.number().int(),
  targetPort: IntOrString.optional(),
  nodePort: z.number().int().optional(),
  appProtocol: z.string().optional(),
});
export type ServicePort = z.infer<typeof ServicePort>;

export const Service = z.looseObject({
  kind: z.literal("Service").optional(),
  metadata: Metadata,
  spec: z
    .looseObject({
      type: z.string().optional(),
      selector: labels.nullish(),
      ports: z.array(ServicePort).nullish(),
      clusterIP: z.string().optional(),
      clusterIPs: z.array(z.string()).nullish(),
      externalName: z.string().optional(),
      externalTrafficPolicy: z.string().optional(),
      internalTrafficPolicy: z.string().optional(),
      sessionAffinity: z.string().optional(),
      publishNotReadyAddresses: z.boolean().optional(),
      ipFamilies: z.array(z.string()).nullish(),
      loadBalancerClass: z.string().optional(),
    })
    .default({}),
  status: z
    .looseObject({
      loadBalancer: z.looseObject({ ingress: z.array(z.looseObject({ ip: z.string().optional(), hostname: z.string().optional() })).nullish() }).nullish(),
    })
    .default({}),
});
export type Service = z.infer<typeof Service>;

const EndpointAddress = z.looseObject({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: z.looseObject({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() }).nullish(),
});
export const Endpoints = z.looseObject({
  metadata: Metadata,
  subsets: z
    .array(
      z.looseObject({
        addresses: z.array(EndpointAddress).nullish(),
        notReadyAddresses: z.array(EndpointAddress).nullish(),
        ports: z.array(z.looseObject({ name: z.string().optional(), port: z.number().int(), protocol: z.string().optional() })).nullish(),
      }),
    )
    .nullish(),
});
export type Endpoints = z.infer<typeof Endpoints>;

export const EndpointSlice = z.looseObject({
  metadata: Metadata,
  addressType: z.string().optional(),
  endpoints: z
    .array(
      z.looseObject({
        addresses: z.array(z.string()).default([]),
        conditions: z.looseObject({ ready: z.boolean().nullish(), serving: z.boolean().nullish(), terminating: z.boolean().nullish() }).nullish(),
        nodeName: z.string().optional(),
        targetRef: z.looseObject({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() }).nullish(),
      }),
    )
    .nullish(),
  ports: z.array(z.looseObject({ name: z.string().nullish(), port: z.number().int().nullish(), protocol: z.string().optional() })).nullish(),
});
export type EndpointSlice = z.infer<typeof EndpointSlice>;

export const Node = z.looseObject({
  metadata: Metadata,
  spec: z
    .looseObject({
      podCIDR: z.string().optional(),
      podCIDRs: z.array(z.string()).nullish(),
      unschedulable: z.boolean().optional(),
      taints: z.array(z.looseObject({ key: z.string(), effect: z.string().optional(), value: z.string().optional() })).nullish(),
      providerID: z.string().optional(),
    })
    .default({}),
  status: z
    .looseObject({
      conditions: z.array(Condition).nullish(),
      addresses: z.array(z.looseObject({ type: z.string(), address: z.string() })).nullish(),
      nodeInfo: z.looseObject({ kubeletVersion: z.string().optional(), kubeProxyVersion: z.string().optional(), osImage: z.string().optional() }).nullish(),
    })
    .default({}),
});
export type Node = z.infer<typeof Node>;

export const Namespace = z.looseObject({ metadata: Metadata, status: z.looseObject({ phase: z.string().optional() }).nullish() });
export type Namespace = z.infer<typeof Namespace>;

const NetworkPolicyPort = z.looseObject({
  protocol: z.string().optional(),
  port: IntOrString.optional(),
  endPort: z.number().int().optional(),
});
const NetworkPolicyPeer = z.looseObject({
  podSelector: LabelSelector.nullish(),
  namespaceSelector: LabelSelector.nullish(),
  ipBlock: z.looseObject({ cidr: z.string(), except: z.array(z.string()).nullish() }).nullish(),
});
export const NetworkPolicy = z.looseObject({
  metadata: Metadata,
  spec: z.looseObject({
    podSelector: LabelSelector.nullish(),
    policyTypes: z.array(z.enum(["Ingress", "Egress"])).nullish(),
    ingress: z.array(z.looseObject({ from: z.array(NetworkPolicyPeer).nullish(), ports: z.array(NetworkPolicyPort).nullish() })).nullish(),
    egress: z.array(z.looseObject({ to: z.array(NetworkPolicyPeer).nullish(), ports: z.array(NetworkPolicyPort).nullish() })).nullish(),
  }),
});
export type NetworkPolicy = z.infer<typeof NetworkPolicy>;
export type NetworkPolicyPeer = z.infer<typeof NetworkPolicyPeer>;
export type NetworkPolicyPort = z.infer<typeof NetworkPolicyPort>;

const IngressBackend = z.looseObject({
  service: z.looseObject({ name: z.string(), port: z.looseObject({ number: z.number().int().optional(), name: z.string().optional() }).nullish() }).nullish(),
  resource: z.looseObject({ apiGroup: z.string().nullish(), kind: z.string(), name: z.string() }).nullish(),
});
export const Ingress = z.looseObject({
  metadata: Metadata,
  spec: z
    .looseObject({
      ingressClassName: z.string().nullish(),
      defaultBackend: IngressBackend.nullish(),
      tls: z.array(z.looseObject({ hosts: z.array(z.string()).nullish(), secretName: z.string().nullish() })).nullish(),
      rules: z
        .array(
          z.looseObject({
            host: z.string().optional(),
            http: z
              .looseObject({
                paths: z.array(z.looseObject({ path: z.string().optional(), pathType: z.string().optional(), backend: IngressBackend })),
              })
              .nullish(),
          }),
        )
        .nullish(),
    })
    .default({}),
  status: z.looseObject({}).nullish(),
});
export type Ingress = z.infer<typeof Ingress>;

export const IngressClass = z.looseObject({
  metadata: Metadata,
  spec: z.looseObject({ controller: z.string().optional() }).default({}),
});
export type IngressClass = z.infer<typeof IngressClass>;

export const Event = z.looseObject({
  metadata: Metadata,
  involvedObject: z.looseObject({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional(), fieldPath: z.string().optional() }).default({}),
  reason: z.string().optional(),
  message: z.string().optional(),
  type: z.string().optional(),
  count: z.number().nullish(),
  firstTimestamp: z.string().nullish(),
  lastTimestamp: z.string().nullish(),
  eventTime: z.string().nullish(),
  source: z.looseObject({ component: z.string().optional(), host: z.string().optional() }).nullish(),
});
export type Event = z.infer<typeof Event>;

const PodTemplate = z.looseObject({
  metadata: z.looseObject({ labels: labels.nullish(), annotations: labels.nullish() }).nullish(),
  spec: z.looseObject({ containers: z.array(Container).default([]), hostNetwork: z.boolean().optional() }).nullish(),
});
export const Workload = z.looseObject({
  kind: z.string().optional(),
  metadata: Metadata,
  spec: z
    .looseObject({
      replicas: z.number().int().nullish(),
      selector: LabelSelector.nullish(),
      template: PodTemplate.nullish(),
    })
    .default({}),
  status: z.looseObject({}).default({}),
});
export type Workload = z.infer<typeof Workload>;

export const ConfigMap = z.looseObject({
  metadata: Metadata,
  data: z.record(z.string(), z.string()).nullish(),
});
export type ConfigMap = z.infer<typeof ConfigMap>;

/** CRDs (Gateway API, Istio, CNI policies): metadata checked, the rest read defensively by their layer. */
export const GenericObject = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: Metadata,
  spec: z.looseObject({}).nullish(),
  status: z.looseObject({}).nullish(),
});
export type GenericObject = z.infer<typeof GenericObject>;
