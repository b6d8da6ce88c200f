"""Debian's python3-github (PyGithub) against the sandbox's GitHub API.

Environment: FD_GITHUB_URL (http://127.0.0.1:PORT), FD_GITHUB_TOKEN.
PyGithub 1.55 has no wrapper for run jobs, environments or run artifacts; those calls go
through the library's own requester (its headers, its error handling) with the URLs the
run object itself carries (jobs_url, artifacts_url), as a user of that version would.
"""

import github

from clientcalls import Calls, env

calls = Calls("python3-github")
g = github.Github(base_url=env("FD_GITHUB_URL"), login_or_token=env("FD_GITHUB_TOKEN"), retry=None)
requester = g._Github__requester

calls.call("whoami (GET /user)", lambda: g.get_user().login, lambda login: bool(login))
calls.call("rate limit", lambda: g.get_rate_limit().core.limit, lambda limit: limit > 0)
repo = calls.call("repository", lambda: g.get_repo("acme/payments"),
                  lambda r: r.full_name == "acme/payments" and r.default_branch == "main")
workflows = calls.call("list workflows", lambda: list(repo.get_workflows()), lambda w: len(w) > 0)
calls.call("read workflow", lambda: repo.get_workflow(workflows[0].id),
           lambda w: w.path == workflows[0].path)
calls.call("read workflow by file name", lambda: repo.get_workflow(workflows[0].path.split("/")[-1]),
           lambda w: w.id == workflows[0].id)
runs = calls.call("list runs", lambda: list(repo.get_workflow_runs()[:40]), lambda r: len(r) > 5)
calls.call("list runs of a workflow", lambda: list(workflows[0].get_runs()[:5]),
           lambda r: all(x.workflow_id == workflows[0].id for x in r))
calls.call("list runs by status", lambda: list(repo.get_workflow_runs(status="completed")[:10]),
           lambda r: all(x.status == "completed" for x in r))
done = [r for r in runs if r.status == "completed"]
run = calls.call("read run", lambda: repo.get_workflow_run(done[0].id), lambda r: r.id == done[0].id)
jobs = calls.call("list jobs of a run",
                  lambda: requester.requestJsonAndCheck("GET", run.jobs_url)[1],
                  lambda body: body["total_count"] == len(body["jobs"]) > 0)
calls.call("read job",
           lambda: requester.requestJsonAndCheck("GET", jobs["jobs"][0]["url"])[1],
           lambda job: job["run_id"] == run.id)
calls.call("list artifacts of a run",
           lambda: requester.requestJsonAndCheck("GET", run.artifacts_url)[1],
           lambda body: body["total_count"] == len(body["artifacts"]))
calls.call("timing of a run", lambda: run.timing(), lambda t: t.run_duration_ms >= 0)
calls.call("head commit", lambda: repo.get_commit(run.head_sha),
           lambda c: c.sha == run.head_sha and c.commit.author.name)
branches = calls.call("list branches", lambda: list(repo.get_branches()),
                      lambda b: "main" in [x.name for x in b])
calls.call("compare", lambda: repo.compare(done[-1].head_sha, done[0].head_sha),
           lambda c: c.status in ("ahead", "identical", "behind", "diverged"))
deployments = calls.call("list deployments", lambda: list(repo.get_deployments()[:10]),
                         lambda d: len(d) > 0)
calls.call("deployment statuses", lambda: list(deployments[0].get_statuses()),
           lambda s: len(s) > 0 and s[0].state)
calls.call("list environments",
           lambda: requester.requestJsonAndCheck("GET", repo.url + "/environments")[1],
           lambda body: body["total_count"] == len(body["environments"]) > 0)


def missing_repo():
    try:
        g.get_repo("acme/does-not-exist")
    except github.UnknownObjectException as e:
        return e.status == 404 and e.data["message"] == "Not Found"
    return False


calls.call("unknown repository is UnknownObjectException 404", missing_repo, bool)


def bad_token():
    try:
        github.Github(base_url=env("FD_GITHUB_URL"), login_or_token="nope", retry=None) \
            .get_repo("acme/payments")
    except github.BadCredentialsException as e:
        return e.status == 401 and e.data["message"] == "Bad credentials"
    return False


calls.call("bad token is BadCredentialsException 401", bad_token, bool)
calls.call("rerun a completed run (POST rerun)", lambda: run.rerun(), lambda ok: ok is True)
calls.finish()
