<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>fd::AboutPluginsDialog</name>
    <message>
        <source>About plugins</source>
        <translation>플러그인 정보</translation>
    </message>
    <message>
        <source>Backend plugins found by Flightdeck %1</source>
        <translation>Flightdeck %1이(가) 찾은 백엔드 플러그인</translation>
    </message>
    <message>
        <source>Plugin</source>
        <translation>플러그인</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <source>Capabilities</source>
        <translation>기능</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>loaded</source>
        <translation>로드됨</translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation>거부됨: %1</translation>
    </message>
</context>
<context>
    <name>fd::CanaryPage</name>
    <message>
        <source>No rollout in flight.</source>
        <translation>진행 중인 롤아웃이 없습니다.</translation>
    </message>
    <message>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <source>Stable</source>
        <translation>안정</translation>
    </message>
    <message>
        <source>Traffic split</source>
        <translation>트래픽 분할</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>단계</translation>
    </message>
    <message>
        <source>Promote step</source>
        <translation>단계 승격</translation>
    </message>
    <message>
        <source>Promote full</source>
        <translation>전체 승격</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <source>Abort</source>
        <translation>중단</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>재시도</translation>
    </message>
    <message>
        <source>%1 in %2 — %3</source>
        <translation>%2의 %1 — %3</translation>
    </message>
    <message>
        <source>Canary %1 at %2% · stable %3 at %4%</source>
        <translation>카나리 %1 %2% · 안정 %3 %4%</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>%2단계 중 %1단계</translation>
    </message>
    <message>
        <source>Paused: %1</source>
        <translation>일시 중지됨: %1</translation>
    </message>
    <message>
        <source>waiting for promotion</source>
        <translation>승격 대기 중</translation>
    </message>
    <message>
        <source>no analysis running</source>
        <translation>실행 중인 분석 없음</translation>
    </message>
    <message>
        <source>Analysis: &lt;span style=&apos;color:%1&apos;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt;</source>
        <translation>분석: &lt;span style=&apos;color:%1&apos;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>fd::ChangeSentence</name>
    <message>
        <source>%1 canary %2 % → %3 % in %4</source>
        <translation>%4의 %1 카나리 %2 % → %3 %</translation>
    </message>
    <message>
        <source>Deploy %1 %2 to %3</source>
        <translation>%1 %2을(를) %3에 배포</translation>
    </message>
    <message>
        <source>%1 in %2: %3 → %4</source>
        <translation>%2의 %1: %3 → %4</translation>
    </message>
    <message>
        <source>%1 canary %2 % → 100 % in %3 at once: skips the remaining pauses and the analysis</source>
        <translation>%3의 %1 카나리 %2 % → 100 % 한 번에: 남은 일시 중지와 분석을 건너뜁니다</translation>
    </message>
    <message>
        <source>Hold the %1 canary in %2 at %3 %</source>
        <translation>%2의 %1 카나리를 %3 %에서 멈춤</translation>
    </message>
    <message>
        <source>Abort the %1 canary in %2: all traffic back to %3</source>
        <translation>%2의 %1 카나리 중단: 모든 트래픽이 %3(으)로 돌아갑니다</translation>
    </message>
    <message>
        <source>the stable version</source>
        <translation>안정 버전</translation>
    </message>
    <message>
        <source>Roll back %1 in %2: %3 → %4</source>
        <translation>%2의 %1 롤백: %3 → %4</translation>
    </message>
    <message>
        <source>Roll back %1 in %2 to %3</source>
        <translation>%2의 %1을(를) %3(으)로 롤백</translation>
    </message>
    <message>
        <source>Roll back %1 in %2 to the previous good version</source>
        <translation>%2의 %1을(를) 이전 정상 버전으로 롤백</translation>
    </message>
    <message>
        <source>Approve %1 for %2</source>
        <translation>%2 대상 %1 승인</translation>
    </message>
    <message>
        <source>Reject %1 for %2</source>
        <translation>%2 대상 %1 거부</translation>
    </message>
</context>
<context>
    <name>fd::CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation>명령 팔레트</translation>
    </message>
    <message>
        <source>Jump to a service, environment, run or approval, or type an action…</source>
        <translation>서비스, 환경, 실행, 승인으로 이동하거나 작업을 입력하세요…</translation>
    </message>
</context>
<context>
    <name>fd::CommitListModel</name>
    <message>
        <source>Only in</source>
        <translation>다음에만 있음</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>커밋</translation>
    </message>
    <message>
        <source>PR/MR</source>
        <translation>PR/MR</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>제목</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>작성자</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>커밋 시각</translation>
    </message>
    <message>
        <source>Lead time</source>
        <translation>리드 타임</translation>
    </message>
</context>
<context>
    <name>fd::CompareGridModel</name>
    <message>
        <source>same</source>
        <translation>같음</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <source>ahead +%1</source>
        <translation>앞섬 +%1</translation>
    </message>
    <message>
        <source>ahead</source>
        <translation>앞섬</translation>
    </message>
    <message>
        <source>behind −%1</source>
        <translation>뒤처짐 −%1</translation>
    </message>
    <message>
        <source>behind</source>
        <translation>뒤처짐</translation>
    </message>
    <message>
        <source>diverged +%1 / −%2</source>
        <translation>갈라짐 +%1 / −%2</translation>
    </message>
    <message>
        <source>in neither</source>
        <translation>양쪽 모두 없음</translation>
    </message>
    <message>
        <source>only in %1</source>
        <translation>%1에만 있음</translation>
    </message>
    <message>
        <source>unavailable</source>
        <translation>확인 불가</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>out of sync: %1</source>
        <translation>동기화 안 됨: %1</translation>
    </message>
    <message>
        <source>%1, commit %2, deployed %3</source>
        <translation>%1, 커밋 %2, 배포 %3</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>Gap</source>
        <translation>차이</translation>
    </message>
    <message>
        <source>PRs/MRs</source>
        <translation>PR/MR</translation>
    </message>
    <message>
        <source>Config changes</source>
        <translation>설정 변경</translation>
    </message>
    <message>
        <source>Drift</source>
        <translation>드리프트</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>문제</translation>
    </message>
    <message>
        <source>Argo CD reports the application out of sync</source>
        <translation>Argo CD가 애플리케이션을 동기화 안 됨으로 보고함</translation>
    </message>
</context>
<context>
    <name>fd::ComparePage</name>
    <message>
        <source>Comparing %1 with %2…</source>
        <translation>%1과(와) %2 비교 중…</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>What is in</source>
        <translation>포함된 환경</translation>
    </message>
    <message>
        <source>that is not in</source>
        <translation>빠진 환경</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Swap the environments</source>
        <translation>환경 서로 바꾸기</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Copy Markdown</source>
        <translation>Markdown 복사</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>저장…</translation>
    </message>
    <message>
        <source>Show expected per-environment differences (namespace, environment name, marked keys)</source>
        <translation>환경별로 예상되는 차이도 표시 (네임스페이스, 환경 이름, 표시된 키)</translation>
    </message>
    <message>
        <source>All services</source>
        <translation>모든 서비스</translation>
    </message>
    <message>
        <source>Pick two environments to compare.</source>
        <translation>비교할 환경 두 개를 고르세요.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1ms</translation>
    </message>
    <message>
        <source>Select a service to see its commits and config differences.</source>
        <translation>서비스를 선택하면 커밋과 설정 차이가 표시됩니다.</translation>
    </message>
    <message>
        <source>Commits</source>
        <translation>커밋</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>%1: %2 vs %3 — %4</source>
        <translation>%1: %2 vs %3 — %4</translation>
    </message>
    <message>
        <source>%1: not deployed</source>
        <translation>%1: 배포되지 않음</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>deployed %1 ago</source>
        <translation>%1 전 배포</translation>
    </message>
    <message>
        <source>out of sync</source>
        <translation>동기화 안 됨</translation>
    </message>
    <message>
        <source>merge base %1</source>
        <translation>병합 기준 %1</translation>
    </message>
    <message>
        <source>Commits (%1)</source>
        <translation>커밋 (%1)</translation>
    </message>
    <message>
        <source>Config (%1)</source>
        <translation>설정 (%1)</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>이미지 (%1)</translation>
    </message>
    <message>
        <source>Markdown report copied to the clipboard.</source>
        <translation>Markdown 보고서를 클립보드에 복사했습니다.</translation>
    </message>
    <message>
        <source>Save comparison</source>
        <translation>비교 결과 저장</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1을(를) 저장하지 못했습니다: %2</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1을(를) 저장했습니다.</translation>
    </message>
    <message>
        <source>%1 vs %2: services compared: %3</source>
        <translation>%1 vs %2: 비교한 서비스 %3개</translation>
    </message>
    <message>
        <source>differ: %1</source>
        <translation>차이 있음: %1</translation>
    </message>
    <message>
        <source>with problems: %1</source>
        <translation>문제 있음: %1</translation>
    </message>
    <message>
        <source>out of sync (resources: %1)</source>
        <translation>동기화 안 됨 (리소스 %1개)</translation>
    </message>
    <message>
        <source>Reading Argo CD desired and live state for %1 and %2…</source>
        <translation>%1과(와) %2의 Argo CD 원하는 상태와 실제 상태를 읽는 중…</translation>
    </message>
    <message>
        <source>Live vs desired per Argo CD managed resource</source>
        <translation>Argo CD 관리 리소스별 실제 상태와 원하는 상태</translation>
    </message>
    <message>
        <source>No Argo CD application serves this service</source>
        <translation>이 서비스를 담당하는 Argo CD 애플리케이션이 없습니다</translation>
    </message>
</context>
<context>
    <name>fd::ConfigDiffModel</name>
    <message>
        <source>(whole file)</source>
        <translation>(파일 전체)</translation>
    </message>
    <message>
        <source>only in %1</source>
        <translation>%1에만 있음</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>변경됨</translation>
    </message>
    <message>
        <source>expected (%1)</source>
        <translation>예상된 차이 (%1)</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>키</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>변경</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
</context>
<context>
    <name>fd::ConfirmActionDialog</name>
    <message>
        <source>Post the change notice to %1 first</source>
        <translation>변경 공지를 먼저 %1에 게시</translation>
    </message>
    <message>
        <source>Versions, commits with their pull requests and the risks go to the team&apos;s chat before anything is sent; chat being down does not hold the action.</source>
        <translation>아무것도 보내기 전에 버전, 풀 리퀘스트가 딸린 커밋, 위험 요소를 팀 채팅에 올립니다. 채팅이 안 되어도 작업은 멈추지 않습니다.</translation>
    </message>
    <message>
        <source>Promote</source>
        <translation>승격</translation>
    </message>
    <message>
        <source>Promote fully</source>
        <translation>전체 승격</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>재개</translation>
    </message>
    <message>
        <source>Abort</source>
        <translation>중단</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>재시도</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>롤백</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>승인</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>거절</translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>다시 실행</translation>
    </message>
    <message>
        <source>Re-run failed jobs</source>
        <translation>실패한 작업 다시 실행</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>동기화</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>재시작</translation>
    </message>
    <message>
        <source>Confirm: %1</source>
        <translation>확인: %1</translation>
    </message>
    <message>
        <source>%1 %2 in %3</source>
        <translation>%3의 %2 %1</translation>
    </message>
    <message>
        <source>Connection %1 · service %2 · environment %3</source>
        <translation>연결 %1 · 서비스 %2 · 환경 %3</translation>
    </message>
    <message>
        <source>(no requests)</source>
        <translation>(요청 없음)</translation>
    </message>
    <message>
        <source>precondition: %1 (%2 = %3 at %4)</source>
        <translation>사전 조건: %1 (%4에서 %2 = %3)</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>경고: %1</translation>
    </message>
    <message>
        <source>not possible: %1</source>
        <translation>불가능: %1</translation>
    </message>
    <message>
        <source>instead: %1</source>
        <translation>대안: %1</translation>
    </message>
    <message>
        <source>Guards:</source>
        <translation>검사:</translation>
    </message>
    <message>
        <source>Type &quot;%1&quot; to confirm:</source>
        <translation>확인하려면 &quot;%1&quot;을(를) 입력하세요:</translation>
    </message>
    <message>
        <source>Why this cannot wait for the freeze to end</source>
        <translation>동결 기간이 끝날 때까지 기다릴 수 없는 이유</translation>
    </message>
    <message>
        <source>Freeze (%1) — reason:</source>
        <translation>동결 (%1) — 사유:</translation>
    </message>
    <message>
        <source>read-only</source>
        <translation>읽기 전용</translation>
    </message>
    <message>
        <source>feasible</source>
        <translation>실행 가능</translation>
    </message>
    <message>
        <source>protected environment</source>
        <translation>보호된 환경</translation>
    </message>
    <message>
        <source>freeze window</source>
        <translation>동결 기간</translation>
    </message>
    <message>
        <source>in flight</source>
        <translation>동시 작업</translation>
    </message>
    <message>
        <source>the workspace is read-only: nothing mutates</source>
        <translation>워크스페이스가 읽기 전용입니다: 아무것도 변경되지 않습니다</translation>
    </message>
    <message>
        <source>%1 is protected: type its name to confirm</source>
        <translation>%1은(는) 보호된 환경입니다: 확인하려면 이름을 입력하세요</translation>
    </message>
    <message>
        <source>%1 is frozen (%2): give a reason to override</source>
        <translation>%1은(는) 동결 중입니다(%2): 무시하려면 사유를 적으세요</translation>
    </message>
    <message>
        <source>an action on this target is already running</source>
        <translation>이 대상에 대한 작업이 이미 진행 중입니다</translation>
    </message>
    <message>
        <source>type the environment name &quot;%1&quot; to confirm</source>
        <translation>확인하려면 환경 이름 &quot;%1&quot;을(를) 입력하세요</translation>
    </message>
    <message>
        <source>SLO gate</source>
        <translation>SLO 게이트</translation>
    </message>
    <message>
        <source>Requests this action will send</source>
        <translation>이 작업이 보낼 요청</translation>
    </message>
</context>
<context>
    <name>fd::ConnectionStatusBar</name>
    <message>
        <source>rate limited until %1</source>
        <translation>%1까지 요청 제한</translation>
    </message>
    <message>
        <source>%1 of %2 requests left</source>
        <translation>요청 %2회 중 %1회 남음</translation>
    </message>
    <message>
        <source>data %1</source>
        <translation>데이터 %1</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>아직 데이터 없음</translation>
    </message>
    <message>
        <source>%1: no successful read yet</source>
        <translation>%1: 아직 성공한 읽기 없음</translation>
    </message>
    <message>
        <source>%1: showing data from %2 (not live)</source>
        <translation>%1: %2 데이터 표시 중 (실시간 아님)</translation>
    </message>
    <message>
        <source>%1: last successful poll %2</source>
        <translation>%1: 마지막 성공한 폴링 %2</translation>
    </message>
    <message>
        <source>TLS not verified</source>
        <translation>TLS 검증 안 함</translation>
    </message>
    <message>
        <source>tls.insecure is set for this connection: its server&apos;s certificate is not checked</source>
        <translation>이 연결에 tls.insecure가 설정됨: 서버 인증서를 확인하지 않습니다</translation>
    </message>
</context>
<context>
    <name>fd::Console</name>
    <message>
        <source>The workspace cannot be opened</source>
        <translation>워크스페이스를 열 수 없습니다</translation>
    </message>
    <message>
        <source>%1

%2</source>
        <translation>%1

%2</translation>
    </message>
    <message>
        <source>No demo available</source>
        <translation>데모를 사용할 수 없음</translation>
    </message>
    <message>
        <source>flightdeck-sandbox was not found next to this program. Open a workspace with File › Open workspace.</source>
        <translation>이 프로그램 옆에서 flightdeck-sandbox를 찾지 못했습니다. 파일 › 워크스페이스 열기로 워크스페이스를 여세요.</translation>
    </message>
    <message>
        <source>Starting the demo estate…</source>
        <translation>데모 환경을 시작하는 중…</translation>
    </message>
    <message>
        <source>The demo estate did not start</source>
        <translation>데모 환경이 시작되지 않았습니다</translation>
    </message>
    <message>
        <source>The demo workspace cannot be opened</source>
        <translation>데모 워크스페이스를 열 수 없습니다</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>타임라인</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>인시던트</translation>
    </message>
    <message>
        <source>Delivery (DORA)</source>
        <translation>딜리버리 (DORA)</translation>
    </message>
</context>
<context>
    <name>fd::DeclareIncidentDialog</name>
    <message>
        <source>Declare an incident</source>
        <translation>인시던트 선언</translation>
    </message>
    <message>
        <source>By hand</source>
        <translation>직접 입력</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(없음)</translation>
    </message>
    <message>
        <source>What is broken, in a few words</source>
        <translation>무엇이 고장 났는지 짧게 적으세요</translation>
    </message>
    <message>
        <source>From alert</source>
        <translation>알림에서 가져오기</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>제목</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>Declare</source>
        <translation>선언</translation>
    </message>
</context>
<context>
    <name>fd::DeploymentHistoryModel</name>
    <message>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>By</source>
        <translation>실행자</translation>
    </message>
    <message>
        <source>Deployed</source>
        <translation>배포 시각</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>커밋</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>백엔드</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>링크</translation>
    </message>
</context>
<context>
    <name>fd::DoraPage</name>
    <message>
        <source>elite</source>
        <translation>엘리트</translation>
    </message>
    <message>
        <source>high</source>
        <translation>높음</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>중간</translation>
    </message>
    <message>
        <source>low</source>
        <translation>낮음</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>데이터 없음</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>계산 중…</translation>
    </message>
    <message>
        <source>%1 / week</source>
        <translation>주당 %1회</translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) to %1 in %2 days</source>
        <translation>
            <numerusform>%2일 동안 %1에 %n회 배포</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>median of %n change(s), commit → deploy</source>
        <translation>
            <numerusform>변경 %n건의 중앙값, 커밋 → 배포</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 deploys failed or were followed by a rollback or an incident within %3</source>
        <translation>배포 %2회 중 %1회가 실패했거나 %3 이내에 롤백 또는 인시던트가 뒤따랐습니다</translation>
    </message>
    <message numerus="yes">
        <source>median of %n incident(s), detected → recovered</source>
        <translation>
            <numerusform>인시던트 %n건의 중앙값, 감지 → 복구</numerusform>
        </translation>
    </message>
    <message>
        <source>deploys</source>
        <translation>배포</translation>
    </message>
    <message>
        <source>Deploys per week</source>
        <translation>주당 배포 횟수</translation>
    </message>
    <message>
        <source>Lead time, median (hours)</source>
        <translation>리드 타임, 중앙값 (시간)</translation>
    </message>
    <message>
        <source>Change failure rate (%)</source>
        <translation>변경 실패율 (%)</translation>
    </message>
    <message>
        <source>Time to restore, median (hours)</source>
        <translation>복구 시간, 중앙값 (시간)</translation>
    </message>
    <message>
        <source>Bands: DORA 2023 thresholds (see DORA.md)</source>
        <translation>등급: DORA 2023 기준값 (DORA.md 참고)</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>기간</translation>
    </message>
    <message>
        <source>All services</source>
        <translation>모든 서비스</translation>
    </message>
    <message>
        <source>4 weeks</source>
        <translation>4주</translation>
    </message>
    <message>
        <source>12 weeks</source>
        <translation>12주</translation>
    </message>
    <message>
        <source>26 weeks</source>
        <translation>26주</translation>
    </message>
    <message>
        <source>Deployment frequency</source>
        <translation>배포 빈도</translation>
    </message>
    <message>
        <source>Lead time for changes</source>
        <translation>변경 리드 타임</translation>
    </message>
    <message>
        <source>Change failure rate</source>
        <translation>변경 실패율</translation>
    </message>
    <message>
        <source>Time to restore</source>
        <translation>서비스 복구 시간</translation>
    </message>
    <message>
        <source>Lead time</source>
        <translation>리드 타임</translation>
    </message>
    <message>
        <source>W%1</source>
        <translation>%1주차</translation>
    </message>
</context>
<context>
    <name>fd::EnvironmentMatrixModel</name>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%2의 %1</translation>
    </message>
    <message>
        <source>No backend reports it here.</source>
        <translation>여기에 대해 보고하는 백엔드가 없습니다.</translation>
    </message>
    <message>
        <source>Version: %1</source>
        <translation>버전: %1</translation>
    </message>
    <message>
        <source>Commit: %1</source>
        <translation>커밋: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Deployed %1</source>
        <translation>배포: %1</translation>
    </message>
    <message>
        <source>Deployed by %1, %2</source>
        <translation>배포자 %1, %2</translation>
    </message>
    <message>
        <source>Deployed by %1</source>
        <translation>배포자 %1</translation>
    </message>
    <message>
        <source>Health: %1</source>
        <translation>상태: %1</translation>
    </message>
    <message>
        <source>Sync: %1</source>
        <translation>동기화: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n resource(s) out of sync</source>
        <translation>
            <numerusform>리소스 %n개 동기화 안 됨</numerusform>
        </translation>
    </message>
    <message>
        <source>Canary at %1 %</source>
        <translation>카나리 %1 %</translation>
    </message>
    <message numerus="yes">
        <source>%n approval(s) waiting</source>
        <translation>
            <numerusform>승인 %n건 대기 중</numerusform>
        </translation>
    </message>
    <message>
        <source>Last known value, %1</source>
        <translation>마지막으로 알려진 값, %1</translation>
    </message>
    <message>
        <source>Reported by %1</source>
        <translation>보고: %1</translation>
    </message>
</context>
<context>
    <name>fd::GatesModel</name>
    <message>
        <source>anyone with access</source>
        <translation>접근 권한이 있는 누구나</translation>
    </message>
    <message>
        <source>Waiting for</source>
        <translation>대기 항목</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>백엔드</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>대기 시작</translation>
    </message>
    <message>
        <source>Who may approve</source>
        <translation>승인 가능자</translation>
    </message>
    <message>
        <source>%1 (%2 %3)</source>
        <translation>%1 (%2 %3)</translation>
    </message>
</context>
<context>
    <name>fd::ImagePairModel</name>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>출처</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
</context>
<context>
    <name>fd::InboxPage</name>
    <message>
        <source>Filter approvals…</source>
        <translation>승인 필터…</translation>
    </message>
    <message>
        <source>Select an approval.</source>
        <translation>승인 항목을 선택하세요.</translation>
    </message>
    <message>
        <source>Comment (kept with the decision)</source>
        <translation>코멘트 (결정과 함께 기록됨)</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>승인</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>거절</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 · %3 in %4 · waiting %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 · %4의 %3 · 대기 %5</translation>
    </message>
    <message>
        <source>May approve: %1</source>
        <translation>승인 가능: %1</translation>
    </message>
    <message>
        <source>You are not among the approvers of this gate.</source>
        <translation>이 게이트의 승인자가 아닙니다.</translation>
    </message>
    <message>
        <source>Open in %1</source>
        <translation>%1에서 열기</translation>
    </message>
</context>
<context>
    <name>fd::IncidentsPage</name>
    <message>
        <source>detected</source>
        <translation>감지됨</translation>
    </message>
    <message>
        <source>reported</source>
        <translation>보고됨</translation>
    </message>
    <message>
        <source>mitigated</source>
        <translation>완화됨</translation>
    </message>
    <message>
        <source>recovered</source>
        <translation>복구됨</translation>
    </message>
    <message>
        <source>postmortem</source>
        <translation>포스트모템</translation>
    </message>
    <message>
        <source>No incident selected</source>
        <translation>선택된 인시던트 없음</translation>
    </message>
    <message>
        <source>Declare one when something is broken: its timeline and suspects appear here.</source>
        <translation>문제가 생기면 인시던트를 선언하세요. 타임라인과 의심 변경이 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>no service named</source>
        <translation>지정된 서비스 없음</translation>
    </message>
    <message>
        <source>Time to mitigate %1 · time to restore %2</source>
        <translation>완화까지 %1 · 복구까지 %2</translation>
    </message>
    <message>
        <source>Mark %1</source>
        <translation>%1(으)로 표시</translation>
    </message>
    <message numerus="yes">
        <source>Suspects: %n change(s) in the %1 before detection</source>
        <translation>
            <numerusform>의심 변경: 감지 전 %1 동안의 변경 %n건</numerusform>
        </translation>
    </message>
    <message>
        <source>No incident selected.</source>
        <translation>선택된 인시던트가 없습니다.</translation>
    </message>
    <message>
        <source>%1: cannot create the directory</source>
        <translation>%1: 디렉터리를 만들 수 없습니다</translation>
    </message>
    <message>
        <source>%1: cannot write the chart</source>
        <translation>%1: 차트를 쓸 수 없습니다</translation>
    </message>
    <message>
        <source>Export the postmortem to</source>
        <translation>포스트모템을 내보낼 위치</translation>
    </message>
    <message>
        <source>Postmortem written to %1</source>
        <translation>포스트모템을 %1에 저장했습니다</translation>
    </message>
    <message>
        <source>Declare an incident…</source>
        <translation>인시던트 선언…</translation>
    </message>
    <message>
        <source>Export postmortem…</source>
        <translation>포스트모템 내보내기…</translation>
    </message>
    <message>
        <source>Roll back from here…</source>
        <translation>여기서 롤백…</translation>
    </message>
    <message>
        <source>Plan a rollback of the selected suspect&apos;s service in its environment; you confirm it before anything is sent.</source>
        <translation>선택한 의심 변경의 서비스를 해당 환경에서 롤백하는 계획을 세웁니다. 요청을 보내기 전에 직접 확인합니다.</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>Add a note (start with &quot;Follow-up:&quot; to list it in the postmortem)</source>
        <translation>메모 추가 (&quot;Follow-up:&quot;으로 시작하면 포스트모템 후속 조치에 포함됩니다)</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>메모 추가</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>인시던트</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>단계</translation>
    </message>
    <message>
        <source>Detected</source>
        <translation>감지 시각</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>변경</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>When</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>근거</translation>
    </message>
    <message>
        <source>Suspects</source>
        <translation>의심 변경</translation>
    </message>
</context>
<context>
    <name>fd::MainWindow</name>
    <message>
        <source>Flightdeck</source>
        <translation>Flightdeck</translation>
    </message>
    <message>
        <source>&lt;b&gt;Demo estate&lt;/b&gt; — a simulated GitHub, Jenkins, GitLab and Argo CD running on this machine. Nothing here touches a real system.</source>
        <translation>&lt;b&gt;데모 환경&lt;/b&gt; — 이 컴퓨터에서 실행되는 모의 GitHub, Jenkins, GitLab, Argo CD입니다. 실제 시스템에는 아무 영향도 주지 않습니다.</translation>
    </message>
    <message>
        <source>Open workspace…</source>
        <translation>워크스페이스 열기…</translation>
    </message>
    <message>
        <source>Environments</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>Pipelines</source>
        <translation>파이프라인</translation>
    </message>
    <message>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation>승인</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open workspace…</source>
        <translation>워크스페이스 열기(&amp;O)…</translation>
    </message>
    <message>
        <source>Recent workspaces</source>
        <translation>최근 워크스페이스</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>종료(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>About &amp;plugins…</source>
        <translation>플러그인 정보(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;About Flightdeck</source>
        <translation>Flightdeck 정보(&amp;A)</translation>
    </message>
    <message>
        <source>About Flightdeck</source>
        <translation>Flightdeck 정보</translation>
    </message>
    <message>
        <source>Flightdeck %1 — one release console for GitHub Actions, Jenkins, GitLab and Argo CD.</source>
        <translation>Flightdeck %1 — GitHub Actions, Jenkins, GitLab, Argo CD를 위한 하나의 릴리스 콘솔.</translation>
    </message>
    <message>
        <source>%1 — Flightdeck</source>
        <translation>%1 — Flightdeck</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>실패: %1</translation>
    </message>
    <message>
        <source>Read-only workspace: actions are disabled.</source>
        <translation>읽기 전용 워크스페이스: 작업이 비활성화되었습니다.</translation>
    </message>
    <message>
        <source>Approvals (%1)</source>
        <translation>승인 (%1)</translation>
    </message>
    <message>
        <source>No workspace is open: nothing can act.</source>
        <translation>열린 워크스페이스가 없어 작업을 실행할 수 없습니다.</translation>
    </message>
    <message>
        <source>Sent: %1</source>
        <translation>전송됨: %1</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>거부됨: %1</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>워크스페이스 열기</translation>
    </message>
    <message>
        <source>Flightdeck workspace (*.yaml *.yml)</source>
        <translation>Flightdeck 워크스페이스 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Command palette…</source>
        <translation>명령 팔레트…</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>설정(&amp;S)</translation>
    </message>
    <message>
        <source>Go to %1</source>
        <translation>%1(으)로 이동</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%2의 %1</translation>
    </message>
    <message>
        <source>Promote %1 to %2</source>
        <translation>%1을(를) %2(으)로 승격</translation>
    </message>
    <message>
        <source>Roll back %1 in %2</source>
        <translation>%2의 %1 롤백</translation>
    </message>
    <message>
        <source>Pause %1 in %2</source>
        <translation>%2의 %1 일시 중지</translation>
    </message>
    <message>
        <source>%1 %2 in %3</source>
        <translation>%3의 %2 %1</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%2의 %1</translation>
    </message>
    <message>
        <source>Canary %1</source>
        <translation>카나리 %1</translation>
    </message>
    <message>
        <source>%1% canary · %2</source>
        <translation>카나리 %1% · %2</translation>
    </message>
    <message>
        <source>%1: canary %2</source>
        <translation>%1: 카나리 %2</translation>
    </message>
    <message>
        <source>%1% canary</source>
        <translation>카나리 %1%</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Approve %1</source>
        <translation>%1 승인</translation>
    </message>
    <message>
        <source>Reject %1</source>
        <translation>%1 거부</translation>
    </message>
    <message>
        <source>%1 #%2</source>
        <translation>%1 #%2</translation>
    </message>
    <message>
        <source>Re-run %1</source>
        <translation>%1 다시 실행</translation>
    </message>
    <message>
        <source>Cancel %1</source>
        <translation>%1 취소</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>시스템 설정대로</translation>
    </message>
    <message>
        <source>The language changes when Flightdeck starts again.</source>
        <translation>언어는 Flightdeck을 다시 시작하면 바뀝니다.</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>Accepted: %1</source>
        <translation>수락됨: %1</translation>
    </message>
</context>
<context>
    <name>fd::MatrixCellDelegate</name>
    <message>
        <source>stale %1</source>
        <translation>오래됨 %1</translation>
    </message>
    <message>
        <source>out of sync %1</source>
        <translation>동기화 안 됨 %1</translation>
    </message>
    <message>
        <source>out of sync</source>
        <translation>동기화 안 됨</translation>
    </message>
    <message numerus="yes">
        <source>%n waiting</source>
        <translation>
            <numerusform>%n건 대기</numerusform>
        </translation>
    </message>
    <message>
        <source>canary %1%</source>
        <translation>카나리 %1%</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>동결</translation>
    </message>
    <message>
        <source>Frozen: %1</source>
        <translation>동결: %1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>fd::MatrixPage</name>
    <message>
        <source>Filter services, versions, people…</source>
        <translation>서비스, 버전, 사람 필터…</translation>
    </message>
    <message>
        <source>Select a cell to see its deployment history.</source>
        <translation>셀을 선택하면 배포 이력이 표시됩니다.</translation>
    </message>
    <message>
        <source>Open in %1</source>
        <translation>%1에서 열기</translation>
    </message>
    <message>
        <source>Deployment history of %1 in %2 — now %3</source>
        <translation>%2의 %1 배포 이력 — 현재 %3</translation>
    </message>
    <message>
        <source>Promote %1 to %2</source>
        <translation>%1을(를) %2(으)로 승격</translation>
    </message>
    <message>
        <source>Roll back %1 in %2</source>
        <translation>%2의 %1 롤백</translation>
    </message>
    <message>
        <source>Pause %1 in %2</source>
        <translation>%2의 %1 일시 중지</translation>
    </message>
    <message>
        <source>Show deployment history</source>
        <translation>배포 이력 보기</translation>
    </message>
    <message>
        <source>Nothing matches &quot;%1&quot;. The filter looks at service names, versions, commits and who deployed.</source>
        <translation>&quot;%1&quot;과(와) 일치하는 항목이 없습니다. 필터는 서비스 이름, 버전, 커밋, 배포한 사람에서 찾습니다.</translation>
    </message>
    <message>
        <source>stale (last known)</source>
        <translation>오래됨 (마지막 값)</translation>
    </message>
    <message>
        <source>The dot before a version is the health its backend reports; grey marks a value kept from a connection that is not live.</source>
        <translation>버전 앞의 점은 백엔드가 보고한 상태입니다. 회색은 실시간이 아닌 연결에서 보관한 값입니다.</translation>
    </message>
</context>
<context>
    <name>fd::NotificationFeed</name>
    <message>
        <source>New approval waiting</source>
        <translation>새 승인 대기</translation>
    </message>
    <message>
        <source>Failed deploy</source>
        <translation>배포 실패</translation>
    </message>
    <message>
        <source>Canary paused</source>
        <translation>카나리 일시 중지</translation>
    </message>
    <message>
        <source>Canary aborted</source>
        <translation>카나리 중단</translation>
    </message>
    <message>
        <source>Rollback</source>
        <translation>롤백</translation>
    </message>
    <message>
        <source>Approval waiting: %1</source>
        <translation>승인 대기: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Deploy failed: %1</source>
        <translation>배포 실패: %1</translation>
    </message>
    <message>
        <source>%1 #%2 on %3</source>
        <translation>%3의 %1 #%2</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2의 %1</translation>
    </message>
    <message>
        <source>Canary aborted: %1</source>
        <translation>카나리 중단: %1</translation>
    </message>
    <message>
        <source>Canary paused: %1</source>
        <translation>카나리 일시 중지: %1</translation>
    </message>
    <message>
        <source>%1 at %2% canary</source>
        <translation>%1 (카나리 %2%)</translation>
    </message>
    <message>
        <source>Rolled back: %1</source>
        <translation>롤백됨: %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n release update(s)</source>
        <translation>
            <numerusform>릴리스 업데이트 %n건</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>…and %n more</source>
        <translation>
            <numerusform>…외 %n건</numerusform>
        </translation>
    </message>
    <message>
        <source>Rollback started: %1</source>
        <translation>롤백 시작됨: %1</translation>
    </message>
</context>
<context>
    <name>fd::NotificationTray</name>
    <message>
        <source>Flightdeck</source>
        <translation>Flightdeck</translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation>데스크톱 알림</translation>
    </message>
    <message>
        <source>Notify about</source>
        <translation>알림 받을 항목</translation>
    </message>
</context>
<context>
    <name>fd::PaletteModel</name>
    <message>
        <source>Page</source>
        <translation>페이지</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>배포</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>Approval</source>
        <translation>승인</translation>
    </message>
    <message>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>작업</translation>
    </message>
</context>
<context>
    <name>fd::PipelinesPage</name>
    <message>
        <source>All backends</source>
        <translation>모든 백엔드</translation>
    </message>
    <message>
        <source>All services</source>
        <translation>모든 서비스</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>모든 상태</translation>
    </message>
    <message>
        <source>All branches</source>
        <translation>모든 브랜치</translation>
    </message>
    <message>
        <source>Search runs…</source>
        <translation>실행 검색…</translation>
    </message>
    <message>
        <source>Select a run.</source>
        <translation>실행을 선택하세요.</translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>다시 실행</translation>
    </message>
    <message>
        <source>Cancel run</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>단계</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>소요 시간</translation>
    </message>
    <message>
        <source>Log tail</source>
        <translation>로그 끝부분</translation>
    </message>
    <message>
        <source>Load earlier lines</source>
        <translation>이전 줄 불러오기</translation>
    </message>
    <message>
        <source>%1 #%2 — %3</source>
        <translation>%1 #%2 — %3</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2의 %1</translation>
    </message>
    <message>
        <source>branch %1 at %2</source>
        <translation>브랜치 %1 (%2)</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>실행자 %1</translation>
    </message>
    <message>
        <source>Open in %1</source>
        <translation>%1에서 열기</translation>
    </message>
    <message>
        <source>No log: the backend for %1 is not connected.</source>
        <translation>로그 없음: %1 백엔드가 연결되지 않았습니다.</translation>
    </message>
    <message>
        <source>Loading the last %1 KiB…</source>
        <translation>마지막 %1 KiB를 불러오는 중…</translation>
    </message>
    <message>
        <source>Could not load the log: %1</source>
        <translation>로그를 불러오지 못했습니다: %1</translation>
    </message>
    <message>
        <source>Wrap lines</source>
        <translation>줄 바꿈</translation>
    </message>
</context>
<context>
    <name>fd::ResourceDriftModel</name>
    <message>
        <source>unreadable: %1</source>
        <translation>읽을 수 없음: %1</translation>
    </message>
    <message>
        <source>missing from the cluster</source>
        <translation>클러스터에 없음</translation>
    </message>
    <message>
        <source>not in Git (would be pruned)</source>
        <translation>Git에 없음 (정리 대상)</translation>
    </message>
    <message>
        <source>modified</source>
        <translation>변경됨</translation>
    </message>
    <message>
        <source>%1 in namespace %2, application %3</source>
        <translation>네임스페이스 %2의 %1, 애플리케이션 %3</translation>
    </message>
    <message>
        <source>(cluster)</source>
        <translation>(클러스터)</translation>
    </message>
    <message>
        <source>not set live</source>
        <translation>실제로는 설정되지 않음</translation>
    </message>
    <message>
        <source>(absent)</source>
        <translation>(없음)</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>리소스</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Desired (Git)</source>
        <translation>원하는 상태 (Git)</translation>
    </message>
    <message>
        <source>Live (cluster)</source>
        <translation>실제 상태 (클러스터)</translation>
    </message>
</context>
<context>
    <name>fd::RolloutStepsModel</name>
    <message>
        <source>Set canary weight to %1%</source>
        <translation>카나리 비중을 %1%로 설정</translation>
    </message>
    <message>
        <source>Pause until promoted</source>
        <translation>승격될 때까지 일시 중지</translation>
    </message>
    <message>
        <source>Pause %1</source>
        <translation>%1 동안 일시 중지</translation>
    </message>
    <message>
        <source>Analysis: %1</source>
        <translation>분석: %1</translation>
    </message>
    <message>
        <source>Experiment: %1</source>
        <translation>실험: %1</translation>
    </message>
</context>
<context>
    <name>fd::RolloutsModel</name>
    <message>
        <source>%1 of %2</source>
        <translation>%2 중 %1</translation>
    </message>
    <message>
        <source>Rollout</source>
        <translation>롤아웃</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>단계 상태</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>단계</translation>
    </message>
    <message>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>분석</translation>
    </message>
    <message>
        <source>Canary version</source>
        <translation>카나리 버전</translation>
    </message>
    <message>
        <source>Stable version</source>
        <translation>안정 버전</translation>
    </message>
</context>
<context>
    <name>fd::RunsModel</name>
    <message>
        <source>Backend</source>
        <translation>백엔드</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>파이프라인</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>브랜치</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>커밋</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>실행자</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Stages</source>
        <translation>단계들</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>소요 시간</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>시작 시각</translation>
    </message>
</context>
<context>
    <name>fd::SandboxProcess</name>
    <message>
        <source>the demo sandbox did not report ready in time</source>
        <translation>데모 샌드박스가 제시간에 준비되지 않았습니다</translation>
    </message>
    <message>
        <source>could not start %1: %2</source>
        <translation>%1을(를) 시작할 수 없습니다: %2</translation>
    </message>
    <message>
        <source>the demo sandbox exited (code %1): %2</source>
        <translation>데모 샌드박스가 종료되었습니다 (코드 %1): %2</translation>
    </message>
</context>
<context>
    <name>fd::TimelineModel</name>
    <message>
        <source>Deploys</source>
        <translation>배포</translation>
    </message>
    <message>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>note</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>run started</source>
        <translation>실행 시작</translation>
    </message>
    <message>
        <source>run succeeded</source>
        <translation>실행 성공</translation>
    </message>
    <message>
        <source>run failed</source>
        <translation>실행 실패</translation>
    </message>
    <message>
        <source>run cancelled</source>
        <translation>실행 취소됨</translation>
    </message>
    <message>
        <source>deploy started</source>
        <translation>배포 시작</translation>
    </message>
    <message>
        <source>deploy succeeded</source>
        <translation>배포 성공</translation>
    </message>
    <message>
        <source>deploy failed</source>
        <translation>배포 실패</translation>
    </message>
    <message>
        <source>deploy blocked</source>
        <translation>배포 차단됨</translation>
    </message>
    <message>
        <source>approval requested</source>
        <translation>승인 요청</translation>
    </message>
    <message>
        <source>approval granted</source>
        <translation>승인됨</translation>
    </message>
    <message>
        <source>approval rejected</source>
        <translation>승인 거절됨</translation>
    </message>
    <message>
        <source>sync started</source>
        <translation>동기화 시작</translation>
    </message>
    <message>
        <source>sync succeeded</source>
        <translation>동기화 성공</translation>
    </message>
    <message>
        <source>sync failed</source>
        <translation>동기화 실패</translation>
    </message>
    <message>
        <source>health changed</source>
        <translation>상태 변경</translation>
    </message>
    <message>
        <source>canary step</source>
        <translation>카나리 단계</translation>
    </message>
    <message>
        <source>canary weight</source>
        <translation>카나리 비중</translation>
    </message>
    <message>
        <source>canary paused</source>
        <translation>카나리 일시 중지</translation>
    </message>
    <message>
        <source>canary resumed</source>
        <translation>카나리 재개</translation>
    </message>
    <message>
        <source>canary promoted</source>
        <translation>카나리 승격</translation>
    </message>
    <message>
        <source>canary aborted</source>
        <translation>카나리 중단</translation>
    </message>
    <message>
        <source>canary retried</source>
        <translation>카나리 재시도</translation>
    </message>
    <message>
        <source>rollback</source>
        <translation>롤백</translation>
    </message>
    <message>
        <source>alert firing</source>
        <translation>알림 발생</translation>
    </message>
    <message>
        <source>alert resolved</source>
        <translation>알림 해소</translation>
    </message>
    <message>
        <source>operator action</source>
        <translation>운영자 작업</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>Lane</source>
        <translation>레인</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>What</source>
        <translation>내용</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>실행자</translation>
    </message>
</context>
<context>
    <name>fd::TimelinePage</name>
    <message numerus="yes">
        <source>%n event(s) · wheel zooms, drag pans</source>
        <translation>
            <numerusform>이벤트 %n건 · 휠로 확대/축소, 드래그로 이동</numerusform>
        </translation>
    </message>
    <message>
        <source>Event</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>실행자</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>출처</translation>
    </message>
    <message>
        <source>Open in the backend</source>
        <translation>백엔드에서 열기</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>기간</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1시간</translation>
    </message>
    <message>
        <source>6 hours</source>
        <translation>6시간</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24시간</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7일</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30일</translation>
    </message>
    <message>
        <source>All</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>Pick an event in the chart or the table to see its details.</source>
        <translation>차트나 표에서 이벤트를 고르면 상세 정보가 표시됩니다.</translation>
    </message>
</context>
<context>
    <name>fd::Wording</name>
    <message>
        <source>queued</source>
        <translation>대기열</translation>
    </message>
    <message>
        <source>running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>성공</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>건너뜀</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <source>created</source>
        <translation>생성됨</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>차단됨</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>progressing</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>저하됨</translation>
    </message>
    <message>
        <source>suspended</source>
        <translation>일시 정지됨</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>synced</source>
        <translation>동기화됨</translation>
    </message>
    <message>
        <source>out of sync</source>
        <translation>동기화 안 됨</translation>
    </message>
    <message>
        <source>GitHub pending deployment</source>
        <translation>GitHub 대기 중인 배포</translation>
    </message>
    <message>
        <source>GitLab blocked deployment</source>
        <translation>GitLab 차단된 배포</translation>
    </message>
    <message>
        <source>Jenkins input step</source>
        <translation>Jenkins 입력 단계</translation>
    </message>
    <message>
        <source>paused rollout</source>
        <translation>일시 중지된 롤아웃</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>일시 중지됨</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>auth failed</source>
        <translation>인증 실패</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>연결 불가</translation>
    </message>
    <message>
        <source>rate limited</source>
        <translation>요청 제한</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1분 %2초</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1시간 %2분</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>방금</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>%1분 전</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>%1시간 전</translation>
    </message>
    <message>
        <source>%1 d ago</source>
        <translation>%1일 전</translation>
    </message>
</context>
</TS>
