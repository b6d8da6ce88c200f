#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz corpora from the repository's own reference data and
fixtures (tests/data, tests/unit/*/fixtures). Each seed is one selector byte (which reader the
target calls) followed by the body. Run from anywhere; it rewrites only seed-*.bin files, so
inputs libFuzzer added to a corpus stay."""
import glob, json, os, yaml

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, '..', '..'))
data = os.path.join(root, 'tests', 'data')
fixtures = os.path.join(root, 'tests', 'unit')

def read(path):
    with open(path, 'rb') as f:
        return f.read()

def jread(path):
    return json.loads(read(path))

def yaml_docs(path):
    with open(path, 'rb') as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]

def put(target, name, selector, body):
    folder = os.path.join(here, target, 'corpus')
    os.makedirs(folder, exist_ok=True)
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = json.dumps(body).encode()
    with open(os.path.join(folder, f'seed-{name}.bin'), 'wb') as f:
        f.write(bytes([selector]) + body)

for target in ('argocd', 'github', 'gitlab', 'jenkins', 'prometheus', 'sse', 'configdiff', 'workspace'):
    for old in glob.glob(os.path.join(here, target, 'corpus', 'seed-*.bin')):
        os.remove(old)

# ---- Argo CD
apps = [jread(os.path.join(fixtures, 'argocd_parsers', 'fixtures', f)) for f in ('app_full.json', 'app_edge.json')]
put('argocd', 'list', 0, {'metadata': {'resourceVersion': '4711'}, 'items': apps})
put('argocd', 'list-empty', 0, {'metadata': {'resourceVersion': '1'}, 'items': None})
put('argocd', 'stream-modified', 1, {'result': {'type': 'MODIFIED', 'application': apps[0]}})
put('argocd', 'stream-error', 1, {'error': {'grpc_code': 16, 'http_code': 401, 'message': 'invalid session', 'http_status': 'Unauthorized'}})
put('argocd', 'resource-tree', 5, read(os.path.join(fixtures, 'argocd_parsers', 'fixtures', 'resource_tree.json')))
put('argocd', 'managed', 8, read(os.path.join(fixtures, 'argocd_parsers', 'fixtures', 'managed_resources.json')))
put('argocd', 'rollout-router', 6, read(os.path.join(fixtures, 'argocd_parsers', 'fixtures', 'rollout_traffic_router.json')))
rollouts = sorted(glob.glob(os.path.join(data, 'argocd', 'rollouts', 'kubectl-plugin-testdata', '*', '*rollout*.yaml')))
rollouts += sorted(glob.glob(os.path.join(data, 'argocd', 'resource_customizations', 'Rollout', 'testdata', '**', '*.yaml'), recursive=True))
for path in rollouts:
    for i, doc in enumerate(yaml_docs(path)):
        if isinstance(doc, dict) and doc.get('kind') == 'Rollout':
            name = os.path.basename(os.path.dirname(path)) + '-' + os.path.basename(path)[:-5] + f'-{i}'
            put('argocd', 'rollout-' + name, 6, {'manifest': json.dumps(doc, default=str)})
put('argocd', 'envelope', 2, {'manifest': json.dumps({'kind': 'Deployment', 'metadata': {'name': 'web'}})})
put('argocd', 'syncwindows', 3, {'windows': [{'kind': 'deny', 'schedule': '0 22 * * *', 'duration': '8h', 'applications': ['*-prod'], 'manualSync': True}], 'assignedWindows': [], 'canSync': False})
put('argocd', 'project-windows', 4, {'metadata': {'name': 'default'}, 'spec': {'syncWindows': [{'kind': 'allow', 'schedule': '0 9 * * 1-5', 'duration': '9h', 'namespaces': ['prod-*'], 'clusters': ['https://kubernetes.default.svc'], 'timeZone': 'Europe/Berlin'}]}})
put('argocd', 'actions', 7, {'actions': [{'name': 'resume', 'disabled': False}, {'name': 'abort', 'disabled': True}, {'name': 'promote-full'}]})
put('argocd', 'version', 9, {'Version': 'v3.5.1+a1b2c3d', 'BuildDate': '2026-10-01T00:00:00Z'})
put('argocd', 'error', 9, {'error': 'permission denied', 'message': 'permission denied: applications, sync, default/checkout-prod', 'code': 7})
put('argocd', 'images', 10, 'ghcr.io/acme/checkout:v1.7.3\nrepo/app@sha256:abcdef0123\nlocalhost:5000/checkout\n')

# ---- GitHub
ex = os.path.join(data, 'github', 'examples')
gh = {'workflow-run-paginated': 0, 'job-paginated': 2, 'environments': 3, 'deployment-items': 4,
      'deployment-status-items': 5, 'pending-deployment-items': 6, 'environment-approvals-items': 7}
for name, sel in gh.items():
    put('github', name, sel, read(os.path.join(ex, name + '.json')))
runs = jread(os.path.join(ex, 'workflow-run-paginated.json'))
put('github', 'run', 1, runs['workflow_runs'][0])
put('github', 'repositories', 8, [runs['workflow_runs'][0]['repository']])
put('github', 'statuses', 9, 'completed\nsuccess')
put('github', 'error', 0, read(os.path.join(data, 'github', 'octokit-fixtures', 'errors.raw.json'))[:4000])

# ---- GitLab
gl = os.path.join(data, 'gitlab', 'docs-examples')
for name, sel in {'pipelines.list': 0, 'pipeline.get': 1, 'pipeline-jobs.list': 2, 'environments.list': 4,
                  'environment.get': 5, 'deployment.get': 7, 'protected_environments.list': 8,
                  'deployment.approval.post': 9}.items():
    put('gitlab', name, sel, read(os.path.join(gl, name + '.json')))
for f in sorted(glob.glob(os.path.join(fixtures, 'gitlab_parsers', 'fixtures', '*.json'))):
    sel = 6 if 'deployments' in f else 0
    put('gitlab', 'fixture-' + os.path.basename(f)[:-5], sel, read(f))
put('gitlab', 'job', 3, jread(os.path.join(gl, 'pipeline-jobs.list.json'))[0])
put('gitlab', 'deployments', 6, [jread(os.path.join(gl, 'deployment.get.json'))])
put('gitlab', 'user', 10, {'id': 42, 'username': 'release-bot'})
put('gitlab', 'status', 11, 'waiting_for_resource')

# ---- Jenkins
jr = os.path.join(data, 'jenkins', 'jenkins-rest')
sv = os.path.join(data, 'jenkins', 'pipeline-stage-view')
jf = os.path.join(fixtures, 'jenkins_parsers', 'fixtures')
put('jenkins', 'folder', 0, read(os.path.join(jr, 'jobsInJenkinsFolder.json')))
put('jenkins', 'root', 0, read(os.path.join(jr, 'jobsInRootFolder.json')))
put('jenkins', 'nested', 0, read(os.path.join(jf, 'listing-nested.json')))
put('jenkins', 'job-info', 1, read(os.path.join(jr, 'job-info.json')))
put('jenkins', 'job-detail', 2, read(os.path.join(jf, 'job-detail.json')))
put('jenkins', 'describe', 3, read(os.path.join(sv, 'run-wfapi-describe.json')))
put('jenkins', 'inputs', 4, read(os.path.join(sv, 'run-wfapi-pendingInputActions.json')))
put('jenkins', 'inputs-params', 4, read(os.path.join(jf, 'pending-input-with-parameters.json')))
for name in ('queueItemPending', 'queueItemRunning', 'queueItemCancelled', 'queueItemMultipleParameters'):
    put('jenkins', name, 5, read(os.path.join(jr, name + '.json')))
put('jenkins', 'crumb', 6, {'_class': 'hudson.security.csrf.DefaultCrumbIssuer', 'crumb': '4f1c0b', 'crumbRequestField': 'Jenkins-Crumb'})
put('jenkins', 'html-404', 2, read(os.path.join(jf, 'error-404.html')))
put('jenkins', 'location', 7, 'http://127.0.0.1:8080/queue/item/1234/')

# ---- Prometheus / Alertmanager (shapes of the HTTP API documentation)
put('prometheus', 'vector', 0, {'status': 'success', 'data': {'resultType': 'vector', 'result': [{'metric': {'service': 'checkout', 'env': 'prod'}, 'value': [1733616000.123, '0.0125']}]}})
put('prometheus', 'matrix', 0, {'status': 'success', 'data': {'resultType': 'matrix', 'result': [{'metric': {}, 'values': [[1733616000, '1'], [1733616015, 'NaN'], [1733616030, '+Inf']]}]}})
put('prometheus', 'scalar', 0, {'status': 'success', 'data': {'resultType': 'scalar', 'result': [1733616000, '42']}})
put('prometheus', 'error', 0, {'status': 'error', 'errorType': 'bad_data', 'error': 'parse error at char 5'})
put('prometheus', 'alerts', 1, [{'labels': {'alertname': 'HighErrorRate', 'service': 'checkout'}, 'annotations': {'summary': '5xx above 2 %'}, 'startsAt': '2026-12-07T10:00:00.123Z', 'endsAt': '2026-12-07T10:05:00Z', 'updatedAt': '2026-12-07T10:01:00+01:00', 'fingerprint': 'a1b2c3', 'status': {'state': 'active', 'silencedBy': [], 'inhibitedBy': []}, 'receivers': [{'name': 'team'}], 'generatorURL': 'http://127.0.0.1:9090/graph'}])
put('prometheus', 'time', 2, '2026-12-07T10:00:00.123456789+09:00')

# ---- Stream parsers (Argo CD watch stream shapes)
event = json.dumps({'result': {'type': 'MODIFIED', 'application': {'metadata': {'name': 'checkout-prod'}}}})
put('sse', 'argocd', 3, f'data: {event}\n\n: keep-alive\n\nid: 7\nretry: 1500\nevent: message\ndata: a\ndata: b \n\n')
put('sse', 'crlf', 1, f'data: {event}\r\n\r\n:ping\r\n\r\n')
put('sse', 'cr', 16, 'data:x\r\rdata: y\r\r')
put('sse', 'ndjson', 0x80 | 5, f'{event}\n\n{event}\n{{"partial"')

# ---- Config YAML (compare fixtures and real manifests)
for f in sorted(glob.glob(os.path.join(fixtures, 'compare', 'fixtures', '**', '*.yaml'), recursive=True)):
    rel = os.path.relpath(f, os.path.join(fixtures, 'compare', 'fixtures')).replace('/', '-')[:-5]
    put('configdiff', rel, 0, read(f))
for f in rollouts[:6]:
    put('configdiff', 'manifest-' + os.path.basename(f)[:-5], 1, read(f))
put('configdiff', 'crlf-utf8', 0, 'images:\r\n  - name: ghcr.io/acme/web # 배포 태그\r\n    newTag: v1.2.3\r\nreplicaCount: 3  # flightdeck:per-environment\r\n')

# ---- Workspace files
for f in sorted(glob.glob(os.path.join(fixtures, 'workspace', 'fixtures', '*', '*.yaml'))):
    name = os.path.basename(os.path.dirname(f)) + '-' + os.path.basename(f)[:-5]
    put('workspace', name, 0, read(f))
    put('workspace', name + '-env', 1, read(f))
