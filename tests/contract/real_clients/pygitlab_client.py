"""Debian's python3-gitlab against the sandbox's GitLab API.

Environment: FD_GITLAB_URL (http://127.0.0.1:PORT), FD_GITLAB_TOKEN.
python-gitlab reads a body as JSON only when Content-Type is exactly "application/json".
"""

import gitlab

from clientcalls import Calls, env

calls = Calls("python3-gitlab")
gl = gitlab.Gitlab(env("FD_GITLAB_URL"), private_token=env("FD_GITLAB_TOKEN"), retry_transient_errors=False)

calls.call("whoami (auth, GET /user)", lambda: (gl.auth(), gl.user.username)[1], bool)
calls.call("version", lambda: gl.version(), lambda v: v[0] != "unknown")
calls.call("my projects", lambda: gl.projects.list(membership=True, get_all=True),
           lambda ps: "acme/auth" in [p.path_with_namespace for p in ps])
project = calls.call("project by path", lambda: gl.projects.get("acme/auth"),
                     lambda p: p.path_with_namespace == "acme/auth")
pipelines = calls.call("list pipelines", lambda: project.pipelines.list(per_page=20, get_all=False),
                       lambda ps: len(ps) > 0)
pipelines_all = calls.call("page through pipelines", lambda: project.pipelines.list(per_page=3, get_all=True),
                           lambda ps: len(ps) >= len(pipelines))
calls.call("pipelines by status", lambda: project.pipelines.list(status="success", get_all=False),
           lambda ps: all(p.status == "success" for p in ps))
pipeline = calls.call("read pipeline", lambda: project.pipelines.get(pipelines[0].id),
                      lambda p: p.id == pipelines[0].id and p.sha)
pjobs = calls.call("jobs of a pipeline", lambda: pipeline.jobs.list(get_all=True), lambda js: len(js) > 0)
job = calls.call("read job", lambda: project.jobs.get(pjobs[0].id), lambda j: j.id == pjobs[0].id)
calls.call("job log", lambda: job.trace(), lambda t: isinstance(t, bytes))
envs = calls.call("list environments", lambda: project.environments.list(get_all=True),
                  lambda es: len(es) > 0)
calls.call("read environment", lambda: project.environments.get(envs[0].id),
           lambda e: e.name == envs[0].name)
deployments = calls.call("list deployments",
                         lambda: project.deployments.list(order_by="id", sort="desc", get_all=False),
                         lambda ds: len(ds) > 0)
calls.call("read deployment", lambda: project.deployments.get(deployments[0].id),
           lambda d: d.id == deployments[0].id and d.environment["name"])
commits = calls.call("list commits", lambda: project.commits.list(get_all=False), lambda cs: len(cs) > 0)
calls.call("read commit", lambda: project.commits.get(commits[0].id), lambda c: c.id == commits[0].id)


def missing_project():
    try:
        gl.projects.get("acme/does-not-exist")
    except gitlab.exceptions.GitlabGetError as e:
        return e.response_code == 404 and e.error_message == "404 Project Not Found"
    return False


calls.call("unknown project is GitlabGetError 404 Project Not Found", missing_project, bool)


# The gate flow: a blocked deployment is approved by its approver (another user), then its
# manual deploy job is played by the release manager, as GitLab's docs describe.
approver = gitlab.Gitlab(env("FD_GITLAB_URL"), private_token=env("FD_GITLAB_APPROVER_TOKEN"),
                         retry_transient_errors=False)
blocked = calls.call("blocked deployments", lambda: project.deployments.list(status="blocked", get_all=True),
                     lambda ds: len(ds) > 0)
gate = blocked[0]
calls.call("approve the blocked deployment (POST approval)",
           lambda: approver.projects.get("acme/auth").deployments.get(gate.id).approval(
               status="approved", comment="python-gitlab contract test"),
           lambda a: a["status"] == "approved")
manual = calls.call("its deploy job waits as manual", lambda: project.jobs.get(gate.deployable["id"]),
                    lambda j: j.status == "manual")
calls.call("play the manual job (POST play)", lambda: manual.play(), lambda r: True)
calls.call("the played job left manual", lambda: project.jobs.get(manual.id),
           lambda j: j.status != "manual")
calls.finish()
