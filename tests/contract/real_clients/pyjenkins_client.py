"""Debian's python3-jenkins against the sandbox's Jenkins.

Environment: FD_JENKINS_URL (http://127.0.0.1:PORT/), FD_JENKINS_USER, FD_JENKINS_TOKEN.
python-jenkins asks /crumbIssuer/api/json before every POST and sends the crumb it gets.
"""

import time

import jenkins

from clientcalls import Calls, env

calls = Calls("python3-jenkins")
server = jenkins.Jenkins(env("FD_JENKINS_URL"), username=env("FD_JENKINS_USER"),
                         password=env("FD_JENKINS_TOKEN"), timeout=10)
user = env("FD_JENKINS_USER")

calls.call("whoami (GET /me/api/json)", lambda: server.get_whoami(), lambda me: me["id"] == user)
calls.call("version (X-Jenkins)", lambda: server.get_version(), lambda v: v[0].isdigit())
jobs = calls.call("all jobs, folders included", lambda: server.get_all_jobs(),
                  lambda js: "catalog/build" in [j["fullname"] for j in js])
calls.call("job exists", lambda: server.job_exists("catalog/deploy-prod"), bool)
calls.call("job count", lambda: server.jobs_count(), lambda n: n == len(jobs))
info = calls.call("job info", lambda: server.get_job_info("catalog/build"),
                  lambda j: j["lastBuild"]["number"] > 0)
last = info["lastCompletedBuild"]["number"]
calls.call("build info", lambda: server.get_build_info("catalog/build", last),
           lambda b: b["number"] == last and b["result"] in ("SUCCESS", "FAILURE", "UNSTABLE", "ABORTED"))
calls.call("console log", lambda: server.get_build_console_output("catalog/build", last),
           lambda text: "Finished:" in text)
calls.call("queue", lambda: server.get_queue_info(), lambda q: isinstance(q, list))
calls.call("nodes (GET /computer/api/json)", lambda: server.get_nodes(),
           lambda ns: any(n["name"] == "Built-In Node" for n in ns))
calls.call("node info", lambda: server.get_node_info("(master)"), lambda n: "offline" in n)


def missing_job():
    try:
        server.get_job_info("no-such-job")
    except jenkins.NotFoundException:
        return True
    except jenkins.JenkinsException as e:
        return "does not exist" in str(e)
    return False


calls.call("unknown job is an error", missing_job, bool)
deploy = calls.call("deploy job parameters", lambda: server.get_job_info("catalog/deploy-dev"),
                    lambda j: any(p.get("parameterDefinitions") for p in j["property"]))
param = [d for p in deploy["property"] for d in p.get("parameterDefinitions", [])][0]
queue_id = calls.call("build with parameters (POST buildWithParameters)",
                      lambda: server.build_job("catalog/deploy-dev", {param["name"]: param["defaultParameterValue"]["value"]}),
                      lambda qid: qid > 0)


def queue_item_left():
    for _ in range(50):
        item = server.get_queue_item(queue_id)
        if item.get("executable") or item.get("cancelled"):
            return item
        time.sleep(0.2)
    return item


calls.call("queue item of the new build", queue_item_left, lambda item: "why" in item or "executable" in item)
calls.finish()
