<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>fd::AboutPluginsDialog</name>
    <message>
        <source>About plugins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend plugins found by Flightdeck %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plugin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capabilities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::CanaryPage</name>
    <message>
        <source>No rollout in flight.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Traffic split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promote step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promote full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 — %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary %1 at %2% · stable %3 at %4%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting for promotion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no analysis running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis: &lt;span style=&apos;color:%1&apos;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::ChangeSentence</name>
    <message>
        <source>%1 canary %2 % → %3 % in %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deploy %1 %2 to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2: %3 → %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 canary %2 % → 100 % in %3 at once: skips the remaining pauses and the analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hold the %1 canary in %2 at %3 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abort the %1 canary in %2: all traffic back to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the stable version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roll back %1 in %2: %3 → %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roll back %1 in %2 to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roll back %1 in %2 to the previous good version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve %1 for %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject %1 for %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jump to a service, environment, run or approval, or type an action…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::CommitListModel</name>
    <message>
        <source>Only in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PR/MR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Author</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Committed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead time</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::CompareGridModel</name>
    <message>
        <source>same</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ahead +%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ahead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>behind −%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>behind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>diverged +%1 / −%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in neither</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>out of sync: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, commit %2, deployed %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PRs/MRs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Config changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Argo CD reports the application out of sync</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::ComparePage</name>
    <message>
        <source>Comparing %1 with %2…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>that is not in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swap the environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Markdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show expected per-environment differences (namespace, environment name, marked keys)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick two environments to compare.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a service to see its commits and config differences.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 vs %3 — %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: not deployed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deployed %1 ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>out of sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>merge base %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commits (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Config (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown report copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save comparison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 vs %2: services compared: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>differ: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>with problems: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>out of sync (resources: %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading Argo CD desired and live state for %1 and %2…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live vs desired per Argo CD managed resource</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Argo CD application serves this service</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::ConfigDiffModel</name>
    <message>
        <source>(whole file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::ConfirmActionDialog</name>
    <message>
        <source>Post the change notice to %1 first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Versions, commits with their pull requests and the risks go to the team&apos;s chat before anything is sent; chat being down does not hold the action.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promote fully</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-run failed jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2 in %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection %1 · service %2 · environment %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no requests)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>precondition: %1 (%2 = %3 at %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not possible: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>instead: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Guards:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type &quot;%1&quot; to confirm:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why this cannot wait for the freeze to end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Freeze (%1) — reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feasible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>protected environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>freeze window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in flight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the workspace is read-only: nothing mutates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is protected: type its name to confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is frozen (%2): give a reason to override</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an action on this target is already running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>type the environment name &quot;%1&quot; to confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLO gate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests this action will send</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::ConnectionStatusBar</name>
    <message>
        <source>rate limited until %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 requests left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>data %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: no successful read yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: showing data from %2 (not live)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: last successful poll %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::Console</name>
    <message>
        <source>The workspace cannot be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1

%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No demo available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>flightdeck-sandbox was not found next to this program. Open a workspace with File › Open workspace.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting the demo estate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo estate did not start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo workspace cannot be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivery (DORA)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::DeclareIncidentDialog</name>
    <message>
        <source>Declare an incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By hand</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is broken, in a few words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Declare</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::DeploymentHistoryModel</name>
    <message>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Link</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::DoraPage</name>
    <message>
        <source>elite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>high</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>medium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>low</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / week</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) to %1 in %2 days</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>median of %n change(s), commit → deploy</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 deploys failed or were followed by a rollback or an incident within %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>median of %n incident(s), detected → recovered</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>deploys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deploys per week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead time, median (hours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change failure rate (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to restore, median (hours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bands: DORA 2023 thresholds (see DORA.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>4 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>12 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>26 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment frequency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead time for changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change failure rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>W%1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::EnvironmentMatrixModel</name>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No backend reports it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commit: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployed %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployed by %1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployed by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n resource(s) out of sync</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Canary at %1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n approval(s) waiting</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Last known value, %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reported by %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::GatesModel</name>
    <message>
        <source>anyone with access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who may approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 %3)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::ImagePairModel</name>
    <message>
        <source>Image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::InboxPage</name>
    <message>
        <source>Filter approvals…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comment (kept with the decision)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 · %3 in %4 · waiting %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>May approve: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not among the approvers of this gate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::IncidentsPage</name>
    <message>
        <source>detected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mitigated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recovered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>postmortem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No incident selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Declare one when something is broken: its timeline and suspects appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no service named</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to mitigate %1 · time to restore %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Suspects: %n change(s) in the %1 before detection</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No incident selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: cannot create the directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: cannot write the chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the postmortem to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postmortem written to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Declare an incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export postmortem…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roll back from here…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan a rollback of the selected suspect&apos;s service in its environment; you confirm it before anything is sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a note (start with &quot;Follow-up:&quot; to list it in the postmortem)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suspects</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::MainWindow</name>
    <message>
        <source>Flightdeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Demo estate&lt;/b&gt; — a simulated GitHub, Jenkins, GitLab and Argo CD running on this machine. Nothing here touches a real system.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open workspace…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipelines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open workspace…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent workspaces</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;plugins…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Flightdeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Flightdeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flightdeck %1 — one release console for GitHub Actions, Jenkins, GitLab and Argo CD.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — Flightdeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read-only workspace: actions are disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approvals (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No workspace is open: nothing can act.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flightdeck workspace (*.yaml *.yml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Command palette…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promote %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roll back %1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause %1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2 in %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1% canary · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: canary %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1% canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 #%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The language changes when Flightdeck starts again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accepted: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::MatrixCellDelegate</name>
    <message>
        <source>stale %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>out of sync %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>out of sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n waiting</source>
        <translation>
            <numerusform>%n waiting</numerusform>
            <numerusform>%n waiting</numerusform>
        </translation>
    </message>
    <message>
        <source>canary %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>frozen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frozen: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::MatrixPage</name>
    <message>
        <source>Filter services, versions, people…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a cell to see its deployment history.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment history of %1 in %2 — now %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promote %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roll back %1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause %1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show deployment history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing matches &quot;%1&quot;. The filter looks at service names, versions, commits and who deployed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stale (last known)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dot before a version is the health its backend reports; grey marks a value kept from a connection that is not live.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::NotificationFeed</name>
    <message>
        <source>New approval waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed deploy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary aborted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rollback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approval waiting: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deploy failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 #%2 on %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary aborted: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary paused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 at %2% canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rolled back: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n release update(s)</source>
        <translation>
            <numerusform>%n release update</numerusform>
            <numerusform>%n release updates</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>…and %n more</source>
        <translation>
            <numerusform>…and %n more</numerusform>
            <numerusform>…and %n more</numerusform>
        </translation>
    </message>
    <message>
        <source>Rollback started: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::NotificationTray</name>
    <message>
        <source>Flightdeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notify about</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::PaletteModel</name>
    <message>
        <source>Page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::PipelinesPage</name>
    <message>
        <source>All backends</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All branches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search runs…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log tail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load earlier lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 #%2 — %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>branch %1 at %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No log: the backend for %1 is not connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the last %1 KiB…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load the log: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap lines</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::ResourceDriftModel</name>
    <message>
        <source>unreadable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing from the cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not in Git (would be pruned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>modified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in namespace %2, application %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(cluster)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not set live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(absent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resource</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desired (Git)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live (cluster)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::RolloutStepsModel</name>
    <message>
        <source>Set canary weight to %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause until promoted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::RolloutsModel</name>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rollout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stable version</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::RunsModel</name>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Branch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::SandboxProcess</name>
    <message>
        <source>the demo sandbox did not report ready in time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not start %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the demo sandbox exited (code %1): %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::TimelineModel</name>
    <message>
        <source>Deploys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deploy started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deploy succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deploy failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deploy blocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>approval requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>approval granted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>approval rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sync started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sync succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sync failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>health changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canary step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canary weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canary paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canary resumed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canary promoted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canary aborted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canary retried</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rollback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>alert firing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>alert resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>operator action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::TimelinePage</name>
    <message numerus="yes">
        <source>%n event(s) · wheel zooms, drag pans</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>6 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick an event in the chart or the table to see its details.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fd::Wording</name>
    <message>
        <source>queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>blocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>progressing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>degraded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>suspended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>out of sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GitHub pending deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GitLab blocked deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jenkins input step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused rollout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ok</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auth failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rate limited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>just now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d ago</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
