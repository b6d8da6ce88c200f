"""Debian's gh (GitHub CLI) against the sandbox's GitHub API, as a GitHub Enterprise host.

Environment: FD_GITHUB_PORT, FD_GITHUB_TOKEN; FD_GH (the gh program, default "gh").
gh is pointed at a TLS front (tlsfront.py) with GH_HOST=127.0.0.1:<front port>,
GH_ENTERPRISE_TOKEN and SSL_CERT_FILE; its config lives in a temporary directory.
"""

import json
import os
import subprocess
import tempfile

import tlsfront
from clientcalls import Calls, env

calls = Calls("gh")
work = tempfile.mkdtemp(prefix="fd-gh-")
port, cert, front = tlsfront.start(int(env("FD_GITHUB_PORT")), work)
host = "127.0.0.1:%d" % port
repo = host + "/acme/payments"
gh_env = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "HOME": work,
    "GH_CONFIG_DIR": os.path.join(work, "config"),
    "GH_HOST": host,
    "GH_ENTERPRISE_TOKEN": env("FD_GITHUB_TOKEN"),
    "SSL_CERT_FILE": cert,
    "GH_NO_UPDATE_NOTIFIER": "1",
    "GH_PROMPT_DISABLED": "1",
    "NO_COLOR": "1",
    "GH_PAGER": "cat",
    "LC_ALL": "C.UTF-8",
}
gh_program = os.environ.get("FD_GH", "gh")


def gh(*args):
    done = subprocess.run([gh_program, *args], env=gh_env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError("gh %s exited %d\n%s%s" % (" ".join(args), done.returncode,
                                                       done.stdout, done.stderr))
    return done.stdout


def gh_json(*args):
    return json.loads(gh(*args))


calls.call("whoami (gh api user)", lambda: gh_json("api", "user"), lambda u: u["login"])
workflows = calls.call("workflow list", lambda: gh("workflow", "list", "-R", repo), lambda out: out.strip())
calls.call("workflow view", lambda: gh("workflow", "view", "deploy.yml", "-R", repo),
           lambda out: "deploy" in out.lower())
runs = calls.call("run list",
                  lambda: gh_json("run", "list", "-R", repo, "-L", "30", "--json",
                                  "databaseId,status,conclusion,name,headSha,event,workflowName"),
                  lambda rs: len(rs) > 5)
calls.call("run list of a workflow",
           lambda: gh_json("run", "list", "-R", repo, "-w", "deploy.yml", "--json", "databaseId,workflowName"),
           lambda rs: len(rs) > 0)
done = [r for r in runs if r["status"] == "completed"]
ok = [r for r in done if r["conclusion"] == "success"]
failed = [r for r in done if r["conclusion"] == "failure"]
run_id = str(ok[0]["databaseId"])
calls.call("run view", lambda: gh("run", "view", run_id, "-R", repo), lambda out: run_id in out)
jobs = calls.call("run view --json jobs", lambda: gh_json("run", "view", run_id, "-R", repo, "--json",
                                                         "jobs,status,conclusion,headSha"),
                  lambda v: len(v["jobs"]) > 0 and v["status"] == "completed")
job_id = str(jobs["jobs"][0]["databaseId"])
calls.call("run view --job", lambda: gh("run", "view", "--job", job_id, "-R", repo),
           lambda out: jobs["jobs"][0]["name"] in out)
calls.call("run view --log", lambda: gh("run", "view", run_id, "--log", "-R", repo),
           lambda out: all(j["name"] in out for j in jobs["jobs"]) and "##[group]" in out)
calls.call("run view --log of one job", lambda: gh("run", "view", "--job", job_id, "--log", "-R", repo),
           lambda out: out.splitlines() and all(l.startswith(jobs["jobs"][0]["name"] + "\t")
                                                for l in out.splitlines()))
calls.call("run view of a failed run (annotations read)",
           lambda: gh("run", "view", str(failed[0]["databaseId"]), "-R", repo),
           lambda out: "Process completed with exit code 1." in out)
calls.call("deployments (gh api)", lambda: gh_json("api", "repos/acme/payments/deployments"),
           lambda ds: len(ds) > 0)
calls.call("environments (gh api)", lambda: gh_json("api", "repos/acme/payments/environments"),
           lambda e: e["total_count"] > 0)
calls.call("paginated runs (gh api --paginate)",
           lambda: gh("api", "--paginate", "repos/acme/payments/actions/runs?per_page=10",
                      "--jq", ".workflow_runs[].id").split(),
           lambda ids: len(ids) == len(set(ids)) and len(ids) >= len(runs))
calls.call("run rerun", lambda: gh("run", "rerun", run_id, "-R", repo), lambda out: True)
calls.call("rerun shows as a new attempt",
           lambda: gh_json("api", "repos/acme/payments/actions/runs/" + run_id),
           lambda r: r["run_attempt"] >= 2)
front.shutdown()
calls.finish()
