<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>fd::AboutPluginsDialog</name>
    <message>
        <source>About plugins</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Backend plugins found by Flightdeck %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Plugin</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>API</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Capabilities</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>loaded</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>refused: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::CanaryPage</name>
    <message>
        <source>No rollout in flight.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Canary</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Traffic split</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Promote step</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Promote full</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Abort</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 in %2 — %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Canary %1 at %2% · stable %3 at %4%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Paused: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>waiting for promotion</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no analysis running</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Analysis: &lt;span style='color:%1'&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt;</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::ConfirmActionDialog</name>
    <message>
        <source>Promote</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Promote fully</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Abort</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Roll back</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Approve</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reject</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Re-run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Re-run failed jobs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sync</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Restart</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Confirm: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %2 in %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connection %1 · service %2 · environment %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(no requests)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>precondition: %1 (%2 = %3 at %4)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>warning: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>not possible: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>instead: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Requests this action will send:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Guards:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type "%1" to confirm:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Why this cannot wait for the freeze to end</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Freeze (%1) — reason:</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::ConnectionStatusBar</name>
    <message>
        <source>rate limited until %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 of %2 requests left</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>data %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no data yet</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::Console</name>
    <message>
        <source>The workspace cannot be opened</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1

%2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No demo available</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>flightdeck-sandbox was not found next to this program. Open a workspace with File › Open workspace.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Starting the demo estate…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The demo estate did not start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The demo workspace cannot be opened</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::DeploymentHistoryModel</name>
    <message>
        <source>Version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>By</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Deployed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Commit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Link</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::EnvironmentMatrixModel</name>
    <message>
        <source>Service</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::GatesModel</name>
    <message>
        <source>anyone with access</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Waiting for</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Since</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Who may approve</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::InboxPage</name>
    <message>
        <source>Filter approvals…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select an approval.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Comment (kept with the decision)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Approve</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reject</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 · %3 in %4 · waiting %5</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>May approve: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You are not among the approvers of this gate.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open in %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::MainWindow</name>
    <message>
        <source>Flightdeck</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;b&gt;Demo estate&lt;/b&gt; — a simulated GitHub, Jenkins, GitLab and Argo CD running on this machine. Nothing here touches a real system.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open workspace…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Environments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pipelines</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Canary</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Approvals</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Open workspace…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Recent workspaces</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>About &amp;plugins…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;About Flightdeck</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>About Flightdeck</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Flightdeck %1 — one release console for GitHub Actions, Jenkins, GitLab and Argo CD.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 — Flightdeck</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Done: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Read-only workspace: actions are disabled.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Approvals (%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No workspace is open: nothing can act.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sent: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Refused: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open workspace</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Flightdeck workspace (*.yaml *.yml)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::MatrixCellDelegate</name>
    <message>
        <source>stale %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>out of sync %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>out of sync</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n waiting</source>
        <translation>
            <numerusform>%n waiting</numerusform><numerusform>%n waiting</numerusform></translation>
    </message>
    <message>
        <source>canary %1%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>frozen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 in %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Version: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Health: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sync: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Last known value, %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Frozen: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::MatrixPage</name>
    <message>
        <source>Filter services, versions, people…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select a cell to see its deployment history.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open in %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Deployment history of %1 in %2 — now %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Promote %1 to %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Roll back %1 in %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pause %1 in %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Show deployment history</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::PipelinesPage</name>
    <message>
        <source>All backends</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>All services</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Any status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>All branches</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Search runs…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select a run.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Re-run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Log tail</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Load earlier lines</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 #%2 — %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>branch %1 at %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>by %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open in %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No log: the backend for %1 is not connected.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Loading the last %1 KiB…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not load the log: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::RolloutStepsModel</name>
    <message>
        <source>Set canary weight to %1%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pause until promoted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pause %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Analysis: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Experiment: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::RolloutsModel</name>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Rollout</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Phase</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Canary</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Analysis</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Canary version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stable version</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::RunsModel</name>
    <message>
        <source>Backend</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pipeline</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Branch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Commit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Actor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::SandboxProcess</name>
    <message>
        <source>the demo sandbox did not report ready in time</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>could not start %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the demo sandbox exited (code %1): %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>fd::Wording</name>
    <message>
        <source>queued</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>waiting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>succeeded</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>created</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>blocked</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>healthy</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>progressing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>degraded</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>suspended</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>missing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>synced</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>out of sync</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>GitHub pending deployment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>GitLab blocked deployment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jenkins input step</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>paused rollout</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ok</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>auth failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>unreachable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>rate limited</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>connecting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>just now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 min ago</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 h ago</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 d ago</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>