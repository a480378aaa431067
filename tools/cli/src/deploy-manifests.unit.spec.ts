import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import { natsServerOptions } from '../../../libs/messaging/src/connection/nats-servers.js';
import { loadServiceConfig } from '../../../libs/service-kit/src/config/load-service-config.js';
import { HealthController } from '../../../libs/service-kit/src/health/health.controller.js';
import { isIdentityPath } from '../../../services/gateway/src/directory/identity-proxy.middleware.js';
import { gatewayConfigShape } from '../../../services/gateway/src/gateway-config.js';
import { rtmConfigShape } from '../../../services/gateway/src/rtm/rtm-config.js';
import { identityConfigShape } from '../../../services/identity/src/identity-config.js';
import { metricsConfigShape } from '../../../services/metrics/src/metrics-config.js';
import { routingConfigShape } from '../../../services/routing/src/routing-config.js';
import { ticketingConfigShape } from '../../../services/ticketing/src/ticketing-config.js';

/**
 * The Kubernetes manifests of deploy/kubernetes: every object valid against the Kubernetes schema
 * of its kind (the JSON schemas that `kubernetes-models` ships, so no cluster and no network), and
 * the rules deploy/README.md promises: the restricted Pod Security profile, disruption budgets,
 * probes on the services' health endpoints, resources, the network policies, NATS's durability
 * and the ingress's routes. The schemas check types, enums and required fields, not unknown
 * field names; the rules below read the fields they need, so a misspelt one fails them.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MANIFESTS = join(ROOT, 'deploy/kubernetes');
const NAMESPACE = 'livedesk';
const SERVICES = ['gateway', 'identity', 'conversation', 'routing', 'ticketing', 'metrics'] as const;
/** The metadata keys of Nest's route decorators (`PATH_METADATA`, `METHOD_METADATA` of @nestjs/common). */
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';

type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
};
type Manifest = { file: string; object: KubeObject };
type LabelSelector = NonNullable<INetworkPolicySpec['podSelector']>;

/** The model (schema and validation) of each kind the manifests may hold. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
};

function kustomizationResources(): string[] {
  const [document] = parseAllDocuments(readFileSync(join(MANIFESTS, 'kustomization.yaml'), 'utf8'));
  return (document!.toJS() as { resources: string[] }).resources;
}

function loadManifests(): Manifest[] {
  return kustomizationResources().flatMap((file) =>
    parseAllDocuments(readFileSync(join(MANIFESTS, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map(String).join('; ')}`);
      return { file, object: document.toJS() as KubeObject };
    }),
  );
}

const manifests = loadManifests();
const objects = manifests.map((manifest) => manifest.object);
const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
const named = (kind: string, name: string): KubeObject => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const workloads = [...ofKind('Deployment'), ...ofKind('StatefulSet')];
const podTemplate = (workload: KubeObject): IPodTemplateSpec => workload.spec.template;
const containersOf = (workload: KubeObject): IContainer[] => [
  ...(podTemplate(workload).spec!.initContainers ?? []),
  ...podTemplate(workload).spec!.containers,
];

function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return labels[key] !== undefined && values.includes(labels[key]);
    if (operator === 'NotIn') return labels[key] === undefined || !values.includes(labels[key]);
    if (operator === 'Exists') return labels[key] !== undefined;
    if (operator === 'DoesNotExist') return labels[key] === undefined;
    throw new Error(`unknown selector operator ${operator}`);
  });
  return byLabels && byExpressions;
}

function serviceDeployment(service: string): KubeObject {
  return named('Deployment', service);
}

describe('deploy/kubernetes', () => {
  it('applies every manifest of the folder (kustomization.yaml lists them all)', () => {
    const files = readdirSync(MANIFESTS).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomizationResources()].sort()).toEqual(files.sort());
  });

  it('holds objects that are valid against the Kubernetes schema of their kind, in the livedesk namespace', () => {
    const problems = manifests.flatMap(({ file, object }) => {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      if (!Model) return [`${file}: no schema for ${object.apiVersion} ${object.kind}`];
      try {
        new Model(object).validate();
      } catch (error) {
        return [`${file}: ${object.kind} ${object.metadata?.name}: ${(error as Error).message}`];
      }
      if (object.kind !== 'Namespace' && object.metadata.namespace !== NAMESPACE)
        return [`${file}: ${object.kind} ${object.metadata.name} is not in ${NAMESPACE}`];
      return [];
    });
    expect(problems).toEqual([]);
    // The schemas do refuse what is wrong (a replica count as a string, a port as a string).
    const wrong = structuredClone(serviceDeployment('routing'));
    wrong.spec.replicas = 'two';
    wrong.spec.template.spec.containers[0].ports[0].containerPort = '8082';
    expect(() => new Deployment(wrong).validate()).toThrow(/replicas must be integer.*containerPort must be integer/);
    expect(() =>
      new Ingress({ ...named('Ingress', 'livedesk-gateway'), spec: { rules: [{ http: {} }] } } as never).validate(),
    ).toThrow(/paths/);
  });

  it('gives no two objects of a kind the same name', () => {
    const keys = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  describe('Pod Security', () => {
    it('enforces the restricted profile on the namespace', () => {
      expect(named('Namespace', NAMESPACE).metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
    });

    /** The checks of the restricted profile (kubernetes.io/docs/concepts/security/pod-security-standards), and a read-only root filesystem. */
    function violations(workload: KubeObject): string[] {
      const pod = podTemplate(workload).spec!;
      const podContext = pod.securityContext ?? {};
      const found: string[] = [];
      if (pod.hostNetwork || pod.hostPID || pod.hostIPC) found.push('host namespaces');
      const allowedVolumes = [
        'configMap',
        'csi',
        'downwardAPI',
        'emptyDir',
        'ephemeral',
        'persistentVolumeClaim',
        'projected',
        'secret',
      ];
      for (const volume of pod.volumes ?? []) {
        const types = Object.keys(volume).filter((key) => key !== 'name');
        if (!types.every((type) => allowedVolumes.includes(type))) found.push(`volume ${volume.name}: ${types.join()}`);
      }
      if (podContext.runAsUser === 0) found.push('pod runs as root');
      for (const container of containersOf(workload)) {
        const context = container.securityContext ?? {};
        const where = `container ${container.name}`;
        if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) found.push(`${where}: runAsNonRoot`);
        if (context.runAsUser === 0) found.push(`${where}: runs as root`);
        if ((context.seccompProfile ?? podContext.seccompProfile)?.type !== 'RuntimeDefault')
          found.push(`${where}: seccompProfile RuntimeDefault`);
        if (context.allowPrivilegeEscalation !== false) found.push(`${where}: allowPrivilegeEscalation`);
        if (context.privileged) found.push(`${where}: privileged`);
        if (!context.capabilities?.drop?.includes('ALL')) found.push(`${where}: capabilities drop ALL`);
        if ((context.capabilities?.add ?? []).some((capability) => capability !== 'NET_BIND_SERVICE'))
          found.push(`${where}: adds capabilities`);
        if (context.readOnlyRootFilesystem !== true) found.push(`${where}: readOnlyRootFilesystem`);
        if ((container.ports ?? []).some((port) => port.hostPort !== undefined)) found.push(`${where}: hostPort`);
      }
      return found;
    }

    it('runs every pod under it, with a read-only root filesystem', () => {
      expect(workloads.map((workload) => workload.metadata.name).sort()).toEqual([...SERVICES, 'nats', 'redis'].sort());
      expect(Object.fromEntries(workloads.map((workload) => [workload.metadata.name, violations(workload)]))).toEqual(
        Object.fromEntries(workloads.map((workload) => [workload.metadata.name, []])),
      );
    });

    it('would catch a pod that breaks it', () => {
      const rootish = structuredClone(serviceDeployment('ticketing'));
      delete rootish.spec.template.spec.securityContext.seccompProfile;
      rootish.spec.template.spec.containers[0].securityContext = { capabilities: { add: ['NET_ADMIN'] } };
      rootish.spec.template.spec.volumes.push({ name: 'host', hostPath: { path: '/' } });
      expect(violations(rootish)).toEqual([
        'volume host: hostPath',
        'container ticketing: seccompProfile RuntimeDefault',
        'container ticketing: allowPrivilegeEscalation',
        'container ticketing: capabilities drop ALL',
        'container ticketing: adds capabilities',
        'container ticketing: readOnlyRootFilesystem',
      ]);
    });

    it('mounts a writable volume wherever a container writes: the services only /tmp (ticketing keeps attachments in S3)', () => {
      for (const service of SERVICES) {
        const deployment = serviceDeployment(service);
        const [container] = containersOf(deployment);
        expect(container!.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
        expect(podTemplate(deployment).spec!.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
      }
      const ticketingEnv = containersOf(serviceDeployment('ticketing'))[0]!.env!;
      expect(ticketingEnv).toEqual(expect.arrayContaining([{ name: 'ATTACHMENT_STORAGE', value: 's3' }]));
      const nats = named('StatefulSet', 'nats');
      expect(
        containersOf(nats)[0]!
          .volumeMounts!.map((mount) => mount.mountPath)
          .sort(),
      ).toEqual(['/data/jetstream', '/etc/nats', '/var/run/nats']);
      expect(podTemplate(nats).spec!.securityContext!.fsGroup).toBe(1000);
    });
  });

  describe('availability', () => {
    const replicasOf = (workload: KubeObject): number => {
      const autoscaler = ofKind('HorizontalPodAutoscaler').find(
        (hpa) =>
          hpa.spec.scaleTargetRef.kind === workload.kind && hpa.spec.scaleTargetRef.name === workload.metadata.name,
      );
      return autoscaler ? autoscaler.spec.minReplicas : (workload.spec.replicas ?? 1);
    };

    it('gives every workload of two replicas or more a disruption budget that lets one pod go at a time', () => {
      const budgets = Object.fromEntries(
        workloads
          .filter((workload) => replicasOf(workload) >= 2)
          .map((workload) => {
            const labels = podTemplate(workload).metadata!.labels!;
            const matching = ofKind('PodDisruptionBudget').filter((budget) => selects(budget.spec.selector, labels));
            return [
              workload.metadata.name,
              matching.map((budget) => ({ minAvailable: budget.spec.minAvailable, replicas: replicasOf(workload) })),
            ];
          }),
      );
      expect(budgets).toEqual({
        ...Object.fromEntries(SERVICES.map((service) => [service, [{ minAvailable: 1, replicas: 2 }]])),
        nats: [{ minAvailable: 2, replicas: 3 }],
      });
    });

    it('scales the gateway on CPU (autoscaling/v2), and the autoscaler alone sets its replicas', () => {
      const [autoscaler, ...others] = ofKind('HorizontalPodAutoscaler');
      expect(others).toEqual([]);
      expect(autoscaler!.apiVersion).toBe('autoscaling/v2');
      expect(autoscaler!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
      expect(autoscaler!.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(autoscaler!.spec.maxReplicas).toBeGreaterThan(autoscaler!.spec.minReplicas);
      expect(autoscaler!.spec.metrics).toEqual([
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } },
        },
      ]);
      expect(serviceDeployment('gateway').spec.replicas).toBeUndefined();
      // Utilization is measured against the request.
      expect(containersOf(serviceDeployment('gateway'))[0]!.resources!.requests!.cpu).toBeDefined();
    });

    it('sets requests and limits of CPU and memory on every container', () => {
      const missing = workloads.flatMap((workload) =>
        containersOf(workload).flatMap((container) =>
          ['requests', 'limits'].flatMap((kind) =>
            ['cpu', 'memory']
              .filter((resource) => (container.resources as any)?.[kind]?.[resource] === undefined)
              .map((resource) => `${workload.metadata.name}/${container.name}: ${kind}.${resource}`),
          ),
        ),
      );
      expect(missing).toEqual([]);
    });

    it('probes every service on the health endpoints of libs/service-kit, on the port the service listens on', () => {
      const base = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
      const endpoint = (method: 'live' | 'ready') =>
        `/${base}/${Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method]) as string}`;
      expect([endpoint('live'), endpoint('ready')]).toEqual(['/health/live', '/health/ready']);
      for (const service of SERVICES) {
        const [container] = containersOf(serviceDeployment(service));
        const port = container!.ports!.find((candidate) => candidate.name === 'http')!.containerPort;
        expect(container!.env).toEqual(expect.arrayContaining([{ name: 'PORT', value: String(port) }]));
        expect(container!.readinessProbe!.httpGet).toEqual({ path: endpoint('ready'), port: 'http' });
        expect(container!.livenessProbe!.httpGet).toEqual({ path: endpoint('live'), port: 'http' });
        expect(named('Service', service).spec.ports).toEqual(
          expect.arrayContaining([{ name: 'http', port, targetPort: 'http' }]),
        );
      }
      for (const workload of [named('StatefulSet', 'nats'), named('Deployment', 'redis')]) {
        expect(containersOf(workload)[0]!.readinessProbe).toBeDefined();
        expect(containersOf(workload)[0]!.livenessProbe).toBeDefined();
      }
    });
  });

  describe('settings', () => {
    /** Each service's own settings, as its main.ts passes them to bootstrapService. */
    const extensionOf = (
      service: (typeof SERVICES)[number],
      env: NodeJS.ProcessEnv,
    ): Record<string, { parse(value: unknown): unknown }> =>
      ({
        gateway: { ...gatewayConfigShape(env), ...rtmConfigShape },
        identity: identityConfigShape(env),
        conversation: {},
        routing: routingConfigShape,
        ticketing: ticketingConfigShape(env),
        metrics: metricsConfigShape(env),
      })[service];

    /** The environment a service's container gets: its ConfigMaps and Secrets (envFrom), then its own `env`. */
    function environmentOf(service: string): Record<string, string> {
      const [container] = containersOf(serviceDeployment(service));
      const env: Record<string, string> = {};
      for (const source of container!.envFrom ?? []) {
        if (source.configMapRef) Object.assign(env, named('ConfigMap', source.configMapRef.name!).data);
        if (source.secretRef) Object.assign(env, named('Secret', source.secretRef.name!).stringData);
      }
      for (const variable of container!.env ?? []) {
        const secretRef = variable.valueFrom?.secretKeyRef;
        const value =
          variable.value ?? (secretRef ? named('Secret', secretRef.name!).stringData[secretRef.key] : undefined);
        if (value === undefined) throw new Error(`${service}: ${variable.name} has no value this test can read`);
        env[variable.name] = value;
      }
      return env;
    }

    const load = (service: (typeof SERVICES)[number], env: Record<string, string>) =>
      loadServiceConfig({ defaultPort: 0, extension: extensionOf(service, env) as never, env });

    it('gives each service only settings it reads, and each shared setting is read by some service', () => {
      const readBy = (service: (typeof SERVICES)[number], env: Record<string, string>) =>
        new Set([
          'NODE_ENV',
          ...Object.keys(
            load(service, {
              ...env,
              LIVEDESK_ADMIN_TOKEN: 'a'.repeat(16),
              LIVEDESK_JWT_SECRET: 'j'.repeat(32),
            }) as object,
          ),
        ]);
      const unread: string[] = [];
      const sharedRead = new Set<string>();
      for (const service of SERVICES) {
        const env = environmentOf(service);
        const read = readBy(service, env);
        for (const name of read) sharedRead.add(name);
        const own = containersOf(serviceDeployment(service))[0]!.env!.map((variable) => variable.name);
        unread.push(...own.filter((name) => !read.has(name)).map((name) => `${service}: ${name}`));
      }
      const shared = [
        ...Object.keys(named('ConfigMap', 'livedesk-config').data),
        ...Object.keys(named('Secret', 'livedesk-secrets').stringData),
      ];
      unread.push(...shared.filter((name) => !sharedRead.has(name)).map((name) => `shared: ${name}`));
      expect(unread).toEqual([]);
    });

    it('starts every service once the secrets replace their placeholders, and not before', () => {
      for (const service of SERVICES) {
        const env = environmentOf(service);
        expect(env.NODE_ENV).toBe('production');
        // The placeholders are too short for a service that checks tokens: it refuses to start.
        if ('LIVEDESK_ADMIN_TOKEN' in extensionOf(service, env))
          expect(() => load(service, env)).toThrow(/LIVEDESK_ADMIN_TOKEN: must be at least 16 characters/);
        else expect(service).toMatch(/^(conversation|routing)$/);
        const config = load(service, {
          ...env,
          LIVEDESK_ADMIN_TOKEN: 'a'.repeat(16),
          LIVEDESK_JWT_SECRET: 'j'.repeat(32),
        }) as unknown as Record<string, unknown>;
        expect(config.PORT).toBe(Number(env.PORT));
      }
    });
  });

  describe('NATS', () => {
    const config = named('ConfigMap', 'nats-config').data['nats.conf'] as string;
    /** The top-level blocks of the configuration (`name {` … `}` at the start of lines). */
    const blocks = Object.fromEntries(
      [...config.matchAll(/^(\w+) \{\n([\s\S]*?)\n\}/gm)].map((match) => [match[1]!, match[2]!]),
    );

    it('runs three JetStream servers that fsync every write (sync_interval: always), with file storage on a volume per server', () => {
      const jetstream = blocks.jetstream!;
      expect(jetstream.split('\n').map((line) => line.trim())).toEqual(
        expect.arrayContaining(['sync_interval: always', 'store_dir: /data/jetstream']),
      );
      const nats = named('StatefulSet', 'nats');
      expect(nats.spec.replicas).toBe(3);
      expect(nats.spec.volumeClaimTemplates.map((claim: KubeObject) => claim.metadata.name)).toEqual(['data']);
      expect(containersOf(nats)[0]!.volumeMounts).toEqual(
        expect.arrayContaining([{ name: 'data', mountPath: '/data/jetstream' }]),
      );
      // The cluster routes and the services' NATS_URL name the three servers; streams keep three copies.
      const servers = [0, 1, 2].map((ordinal) => `nats-${ordinal}.${nats.spec.serviceName}`);
      expect([...blocks.cluster!.matchAll(/nats:\/\/([\w.-]+):6222/g)].map((match) => match[1])).toEqual(servers);
      const shared = named('ConfigMap', 'livedesk-config').data;
      expect(shared.JETSTREAM_REPLICAS).toBe('3');
      const { servers: urls, ...login } = natsServerOptions(named('Secret', 'livedesk-secrets').stringData.NATS_URL);
      expect(urls).toEqual(servers.map((server) => `nats://${server}:4222`));
      expect(shared.NATS_URL).toBeUndefined();
      // Every client logs in, with the user and password the servers are given, within 5 s.
      const credentials = named('Secret', 'nats-credentials').stringData;
      expect(login).toEqual({ user: credentials.NATS_USER, pass: credentials.NATS_PASSWORD });
      expect(blocks.authorization!.split('\n').map((line) => line.trim())).toEqual([
        'user: $NATS_USER',
        'password: $NATS_PASSWORD',
        'timeout: 5',
      ]);
      const env = containersOf(nats)[0]!.env!;
      for (const name of ['NATS_USER', 'NATS_PASSWORD'])
        expect(env.find((variable) => variable.name === name)).toEqual({
          name,
          valueFrom: { secretKeyRef: { name: 'nats-credentials', key: name } },
        });
    });
  });

  describe('Ingress', () => {
    const ingresses = ofKind('Ingress');

    it('serves every host over TLS, from a Secret the operator provides', () => {
      for (const ingress of ingresses) {
        const hosts = ingress.spec.rules.map((rule: { host: string }) => rule.host);
        const covered = ingress.spec.tls.flatMap((tls: { hosts: string[]; secretName: string }) => {
          expect(tls.secretName).toBe('livedesk-tls');
          return tls.hosts;
        });
        expect(covered).toEqual(expect.arrayContaining(hosts));
        expect(ingress.spec.ingressClassName).toBe('nginx');
      }
      expect(ofKind('Secret').map((secret) => secret.metadata.name)).not.toContain('livedesk-tls');
    });

    it('keeps WebSockets open for an hour (proxy-read-timeout, proxy-send-timeout)', () => {
      const gateway = named('Ingress', 'livedesk-gateway');
      expect(gateway.metadata.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      });
      const routes = gateway.spec.rules.flatMap((rule: KubeObject) =>
        rule.http.paths.map((path: { path: string }) => path.path),
      );
      expect(routes).toEqual(expect.arrayContaining(['/v1/agent/rtm', '/v1/customer/rtm']));
    });

    /**
     * Which Service ingress-nginx sends a path to: with `use-regex` on an Ingress of the host,
     * every path of the host is a case-insensitive regular expression anchored at the start,
     * tried longest first.
     */
    function routeOf(url: string): string | undefined {
      const path = url.split('?')[0]!;
      const candidates = ingresses
        .flatMap((ingress) => ingress.spec.rules.flatMap((rule: KubeObject) => rule.http.paths))
        .map(
          (entry: {
            path: string;
            pathType: string;
            backend: { service: { name: string; port: { name: string } } };
          }) => ({
            regex: new RegExp(`^${entry.path}${entry.pathType === 'Exact' ? '$' : ''}`, 'i'),
            length: entry.path.length,
            service: entry.backend.service,
          }),
        )
        .sort((a: { length: number }, b: { length: number }) => b.length - a.length);
      const match = candidates.find((candidate: { regex: RegExp }) => candidate.regex.test(path));
      if (!match) return undefined;
      // The backend exists and exposes the port by that name.
      expect(named('Service', match.service.name).spec.ports.map((port: { name: string }) => port.name)).toContain(
        match.service.port.name,
      );
      return match.service.name;
    }

    /** Every HTTP route (method ignored) of the controllers of the given source files, with `:params` filled in. */
    async function routesOf(files: string[]): Promise<string[]> {
      const urls: string[] = [];
      for (const file of files) {
        const before = urls.length;
        const module = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<string, unknown>;
        for (const exported of Object.values(module)) {
          if (typeof exported !== 'function' || Reflect.getMetadata(PATH_METADATA, exported) === undefined) continue;
          const base = Reflect.getMetadata(PATH_METADATA, exported) as string;
          for (const key of Object.getOwnPropertyNames(exported.prototype)) {
            const handler = (exported.prototype as Record<string, unknown>)[key];
            if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
            const path = Reflect.getMetadata(PATH_METADATA, handler) as string;
            urls.push(
              `/${[base, path]
                .map((part) => part.replace(/^\/|\/$/g, ''))
                .filter(Boolean)
                .join('/')}`.replace(/:\w+/g, 'x1'),
            );
          }
        }
        if (urls.length === before) throw new Error(`${file}: no HTTP route found`);
      }
      return urls;
    }

    it('routes the sockets, the widget and desk files and the identity service URLs to the gateway, ticketing and metrics URLs to their services', async () => {
      const gatewayUrls = [
        '/v1/agent/rtm',
        '/v1/customer/rtm?organization_id=x1',
        '/widget/livedesk.js',
        '/widget/desk.js',
        '/desk/',
        '/desk/desk.js',
        '/v1/asyncapi.json',
      ];
      const identityUrls = await routesOf([
        'services/identity/src/organizations.controller.ts',
        'services/identity/src/agents/agents-admin.controller.ts',
        'services/identity/src/organizations/organization-settings.controller.ts',
        'services/identity/src/organizations/widget-settings.controller.ts',
        'services/identity/src/token.controller.ts',
      ]);
      const ticketingUrls = await routesOf([
        'services/ticketing/src/http/tickets.controller.ts',
        'services/ticketing/src/http/attachments.controller.ts',
        'services/ticketing/src/http/mailbox.controller.ts',
      ]);
      const metricsUrls = await routesOf([
        'services/metrics/src/api/reports.controller.ts',
        'services/metrics/src/api/sla-policies.controller.ts',
      ]);
      // The gateway would forward these to the identity service: the ingress must route them first.
      expect([...ticketingUrls, ...metricsUrls].filter((url) => !isIdentityPath(url))).toEqual([]);
      expect(identityUrls.filter((url) => !isIdentityPath(url))).toEqual([]);

      const routed = (urls: string[]) => Object.fromEntries(urls.map((url) => [url, routeOf(url)]));
      const all = (urls: string[], service: string) => Object.fromEntries(urls.map((url) => [url, service]));
      expect(routed(gatewayUrls)).toEqual(all(gatewayUrls, 'gateway'));
      expect(routed(identityUrls)).toEqual(all(identityUrls, 'gateway'));
      expect(routed(ticketingUrls)).toEqual(all(ticketingUrls, 'ticketing'));
      expect(routed(metricsUrls)).toEqual(all(metricsUrls, 'metrics'));
      // Operators' APIs and anything else stay unpublished.
      expect(
        routed(['/v1/dead-letters', '/v1/metrics/rebuild', '/v1/openapi.json', '/health/ready', '/metrics', '/']),
      ).toEqual(
        all(
          ['/v1/dead-letters', '/v1/metrics/rebuild', '/v1/openapi.json', '/health/ready', '/metrics', '/'],
          undefined as never,
        ),
      );
    });
  });

  describe('NetworkPolicies', () => {
    type Pod = {
      namespace: string;
      labels: Record<string, string>;
      ports?: { name?: string; containerPort: number }[];
    };
    type Endpoint = Pod | { external: true };
    const policies = ofKind('NetworkPolicy');
    const livedeskPod = (name: string): Pod => {
      const workload = workloads.find((candidate) => candidate.metadata.name === name)!;
      return {
        namespace: NAMESPACE,
        labels: podTemplate(workload).metadata!.labels!,
        ports: containersOf(workload).flatMap((container) => container.ports ?? []),
      };
    };
    const ingressController: Pod = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const prometheus: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    const dns: Pod = {
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns' },
      ports: [{ name: 'dns', containerPort: 53 }],
    };
    const stranger: Pod = { namespace: 'default', labels: { 'app.kubernetes.io/name': 'gateway' } };
    const internet = { external: true } as const;

    const peerMatches = (peer: INetworkPolicyPeer, endpoint: Endpoint): boolean => {
      if ('external' in endpoint) return peer.ipBlock?.cidr === '0.0.0.0/0';
      if (peer.ipBlock) return false;
      const namespaceOk = peer.namespaceSelector
        ? selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': endpoint.namespace })
        : endpoint.namespace === NAMESPACE;
      return namespaceOk && selects(peer.podSelector, endpoint.labels);
    };
    const portMatches = (
      ports: INetworkPolicyPort[] | undefined,
      port: number,
      protocol: string,
      target: Endpoint,
    ): boolean =>
      !ports ||
      ports.some(
        (rule) =>
          (rule.protocol ?? 'TCP') === protocol &&
          (rule.port === undefined ||
            rule.port === port ||
            (typeof rule.port === 'string' &&
              !('external' in target) &&
              (target.ports ?? []).some((declared) => declared.name === rule.port && declared.containerPort === port))),
      );

    /** Whether the policies let `from` open a connection to `to` on the port: the target's ingress rules and the source's egress rules (a pod no policy of that direction selects is open). */
    function allowed(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
      const selecting = (endpoint: Endpoint, type: 'Ingress' | 'Egress') =>
        'external' in endpoint || endpoint.namespace !== NAMESPACE
          ? []
          : policies.filter(
              (policy) => policy.spec.policyTypes.includes(type) && selects(policy.spec.podSelector, endpoint.labels),
            );
      const ingressPolicies = selecting(to, 'Ingress');
      const ingressOk =
        ingressPolicies.length === 0 ||
        ingressPolicies.some((policy) =>
          (policy.spec.ingress ?? []).some(
            (rule: KubeObject) =>
              (!rule.from || rule.from.some((peer: INetworkPolicyPeer) => peerMatches(peer, from))) &&
              portMatches(rule.ports, port, protocol, to),
          ),
        );
      const egressPolicies = selecting(from, 'Egress');
      const egressOk =
        egressPolicies.length === 0 ||
        egressPolicies.some((policy) =>
          (policy.spec.egress ?? []).some(
            (rule: KubeObject) =>
              (!rule.to || rule.to.some((peer: INetworkPolicyPeer) => peerMatches(peer, to))) &&
              portMatches(rule.ports, port, protocol, to),
          ),
        );
      return ingressOk && egressOk;
    }

    const port = (pod: Pod, name = 'http') => pod.ports!.find((declared) => declared.name === name)!.containerPort;

    it('refuses by default whatever comes into the namespace', () => {
      const denyAll = policies.find(
        (policy) => Object.keys(policy.spec.podSelector).length === 0 && !policy.spec.ingress,
      );
      expect(denyAll?.spec.policyTypes).toEqual(['Ingress']);
      for (const name of ['conversation', 'routing', 'nats', 'redis']) {
        const pod = livedeskPod(name);
        for (const declared of pod.ports!) {
          expect([
            name,
            declared.containerPort,
            allowed(stranger, pod, declared.containerPort),
            allowed(ingressController, pod, declared.containerPort),
          ]).toEqual([name, declared.containerPort, false, false]);
        }
      }
    });

    it('lets the ingress controller reach the gateway, ticketing and metrics HTTP only, and the gateways alone reach identity', () => {
      const [gateway, identity, ticketing, metrics, conversation] = [
        'gateway',
        'identity',
        'ticketing',
        'metrics',
        'conversation',
      ].map(livedeskPod) as [Pod, Pod, Pod, Pod, Pod];
      expect(allowed(ingressController, gateway, port(gateway))).toBe(true);
      expect(allowed(ingressController, ticketing, port(ticketing))).toBe(true);
      expect(allowed(ingressController, metrics, port(metrics))).toBe(true);
      expect(allowed(internet, gateway, port(gateway))).toBe(false);
      expect(allowed(stranger, gateway, port(gateway))).toBe(false);
      expect(allowed(gateway, identity, port(identity))).toBe(true);
      expect(allowed(ingressController, identity, port(identity))).toBe(false);
      expect(allowed(conversation, identity, port(identity))).toBe(false);
      expect(allowed(stranger, identity, port(identity))).toBe(false);
      expect(allowed(conversation, ticketing, port(ticketing))).toBe(false);
      // Inbound mail comes from anywhere, to the SMTP port only.
      expect(allowed(internet, ticketing, port(ticketing, 'smtp'))).toBe(true);
      expect(allowed(internet, ticketing, port(ticketing))).toBe(false);
    });

    it('lets every service reach DNS, NATS and Redis, all but the gateway Postgres, Prometheus scrape each, and nothing else out but what a service needs', () => {
      const [nats, redis] = [livedeskPod('nats'), livedeskPod('redis')];
      for (const service of SERVICES) {
        const pod = livedeskPod(service);
        expect({
          service,
          dns: [allowed(pod, dns, 53, 'UDP'), allowed(pod, dns, 53, 'TCP')],
          nats: allowed(pod, nats, 4222),
          redis: allowed(pod, redis, 6379),
          postgres: allowed(pod, internet, 5432),
          scraped: allowed(prometheus, pod, port(pod)),
          strangerNats: allowed(stranger, nats, 4222),
          natsRoutesFromService: allowed(pod, nats, 6222),
          web: allowed(pod, internet, 443),
        }).toEqual({
          service,
          dns: [true, true],
          nats: true,
          redis: true,
          // The gateway keeps nothing in Postgres.
          postgres: service !== 'gateway',
          scraped: true,
          strangerNats: false,
          natsRoutesFromService: false,
          // Ticketing keeps attachments in S3.
          web: service === 'ticketing',
        });
      }
      expect(allowed(nats, livedeskPod('nats'), 6222)).toBe(true);
      expect(allowed(livedeskPod('ticketing'), internet, 587)).toBe(true);
      expect(allowed(livedeskPod('conversation'), internet, 587)).toBe(false);
      expect(allowed(livedeskPod('conversation'), livedeskPod('identity'), 8085)).toBe(false);
    });
  });
});
