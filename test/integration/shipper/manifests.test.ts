// The shipper's deployment files say what README.md and shipper/README.md promise: the CronJob's schedule,
// concurrency and security settings, IRSA instead of keys, the gateway volume mounted so that SQLite WAL
// reads work; the compose service's 60 s loop with no inline secrets. YAML is parsed with python3's
// PyYAML (installed with moto on these machines), so no YAML dependency is added for this.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SHIPPER = fileURLToPath(new URL('../../../shipper/', import.meta.url));

// The parts of the manifests these tests read (the assertions check the values).
interface Volume {
  name: string;
  configMap?: { name: string };
  emptyDir?: { sizeLimit?: string };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
}
interface Container {
  command: string[];
  env: Array<{ name: string; value?: string }>;
  envFrom?: unknown;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  securityContext: object;
  resources: { requests: object; limits: { memory?: string } };
}
interface PodSpec {
  restartPolicy: string;
  serviceAccountName: string;
  containers: Container[];
  volumes: Volume[];
  securityContext: { fsGroup?: number };
  affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: Array<{ topologyKey: string }> } };
}
interface K8sDoc {
  kind: string;
  apiVersion: string;
  metadata: { name: string; annotations: Record<string, string> };
  spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } };
  data: Record<string, string>;
}
interface ComposeDoc {
  services: Record<
    string,
    { command: string[]; entrypoint: string[]; restart: string; volumes: string[]; environment: string[]; read_only: boolean; user: string }
  >;
  volumes: Record<string, { external: boolean }>;
}

function yamlDocs<Doc>(path: string): Doc[] {
  const parsed = spawnSync(
    process.env.PYTHON ?? 'python3',
    ['-c', 'import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]))', path],
    { encoding: 'utf8' },
  );
  expect(parsed.stderr).toBe('');
  expect(parsed.status).toBe(0);
  return JSON.parse(parsed.stdout) as Doc[];
}

describe('shipper/k8s/cronjob.yaml', () => {
  const docs = yamlDocs<K8sDoc>(`${SHIPPER}k8s/cronjob.yaml`);
  const cronJob = docs.find((doc) => doc.kind === 'CronJob')!;
  const serviceAccount = docs.find((doc) => doc.kind === 'ServiceAccount')!;
  const job = cronJob.spec.jobTemplate.spec;
  const pod = job.template.spec;
  const container = pod.containers[0]!;

  it('runs every minute, never overlapping, bounded in time, not retried, with short history', () => {
    expect(cronJob.apiVersion).toBe('batch/v1');
    expect(cronJob.spec).toMatchObject({
      schedule: '* * * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 50,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
    });
    expect(job).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 240 });
    expect(pod.restartPolicy).toBe('Never');
  });

  it('gets AWS credentials from IRSA only: annotated ServiceAccount, no keys in env', () => {
    expect(pod.serviceAccountName).toBe(serviceAccount.metadata.name);
    expect(serviceAccount.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\/.+/);
    const names = container.env.map((entry) => entry.name);
    expect(names).not.toContain('AWS_ACCESS_KEY_ID');
    expect(names).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(container.envFrom).toBeUndefined();
  });

  it('runs the script from the ConfigMap, non-root, read-only root filesystem, emptyDir scratch', () => {
    expect(container.command).toEqual(['/bin/sh', '/opt/metis-shipper/ship-snapshot.sh']);
    const mounts = Object.fromEntries(container.volumeMounts.map((mount) => [mount.name, mount]));
    const volumes = Object.fromEntries(pod.volumes.map((volume) => [volume.name, volume]));
    const env = Object.fromEntries(container.env.map((entry) => [entry.name, entry.value]));
    expect(volumes.script?.configMap?.name).toBe('metis-snapshot-shipper-script');
    expect(mounts.script).toMatchObject({ mountPath: '/opt/metis-shipper', readOnly: true });
    expect(volumes.work?.emptyDir?.sizeLimit).toBeDefined();
    expect(env.WORK_DIR).toBe(mounts.work?.mountPath);
    expect(env.METIS_DB).toBe(`${mounts['trace-db']?.mountPath}/metis.db`);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.fsGroup).toBeUndefined();
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toBeDefined();
  });

  it("mounts the gateway's PVC read-write (WAL -shm) on the gateway's node", () => {
    const mount = container.volumeMounts.find((entry) => entry.name === 'trace-db')!;
    expect(mount.readOnly).toBe(false);
    const volume = pod.volumes.find((entry) => entry.name === 'trace-db')!;
    expect(volume.persistentVolumeClaim?.claimName).toBeTruthy();
    expect(volume.persistentVolumeClaim?.readOnly).not.toBe(true);
    const term = pod.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]!;
    expect(term.topologyKey).toBe('kubernetes.io/hostname');
  });

  it('is built by kustomize with the ConfigMap generated from the script itself (when kubectl is installed)', () => {
    const kustomize = spawnSync('kubectl', ['kustomize', SHIPPER], { encoding: 'utf8' });
    if (kustomize.error) {
      // No kubectl: the kustomization must at least name the script and the CronJob.
      const text = readFileSync(`${SHIPPER}kustomization.yaml`, 'utf8');
      expect(text).toMatch(/- ship-snapshot\.sh/);
      expect(text).toMatch(/- k8s\/cronjob\.yaml/);
      return;
    }
    expect(kustomize.status).toBe(0);
    const script = readFileSync(`${SHIPPER}ship-snapshot.sh`, 'utf8');
    const built = JSON.parse(
      spawnSync(process.env.PYTHON ?? 'python3', ['-c', 'import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))'], {
        input: kustomize.stdout,
        encoding: 'utf8',
      }).stdout,
    ) as K8sDoc[];
    const configMap = built.find((doc) => doc.kind === 'ConfigMap')!;
    expect(configMap.data['ship-snapshot.sh']).toBe(script);
    const builtPod = built.find((doc) => doc.kind === 'CronJob')!.spec.jobTemplate.spec.template.spec;
    const scriptVolume = builtPod.volumes.find((volume) => volume.name === 'script')!;
    expect(scriptVolume.configMap?.name).toBe(configMap.metadata.name);
  });
});

describe('shipper/compose.yaml', () => {
  const [compose] = yamlDocs<ComposeDoc>(`${SHIPPER}compose.yaml`);
  const service = compose!.services['metis-snapshot-shipper']!;

  it('runs the script every 60 s in a loop that survives a failed run', () => {
    const loop = service.command.join('\n');
    expect(service.entrypoint).toEqual(['/bin/sh', '-c']);
    expect(loop).toMatch(/while true; do/);
    expect(loop).toMatch(/ship-snapshot\.sh \|\|/);
    expect(loop).toMatch(/sleep 60/);
    expect(service.restart).toBe('unless-stopped');
  });

  it("shares the gateway's volume (external) and has no inline secrets", () => {
    expect(service.volumes).toContain('metis-data:/var/lib/metis');
    expect(compose!.volumes['metis-data']?.external).toBe(true);
    const env = service.environment;
    // Credentials are pass-through names only (value from the caller's environment), never NAME=value.
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      expect(env).toContain(name);
      expect(env.some((entry) => entry.startsWith(`${name}=`))).toBe(false);
    }
    expect(env).toContain(`SNAPSHOT_BUCKET=\${SNAPSHOT_BUCKET:?set SNAPSHOT_BUCKET to the metis-alerts snapshot bucket}`);
    expect(service.read_only).toBe(true);
    expect(service.user).toMatch(/^\$\{METIS_UID/);
  });
});
