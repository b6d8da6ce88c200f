// `flightdeck-ctl compare staging prod` against the demo sandbox as a process, the Argo CD layer
// end to end: the Argo CD plugin reads managed-resources, the comparison diffs desired A vs B
// and live vs desired. The oracle is the sandbox's own managed-resources answer, read here
// over HTTP, not anything the plugin or the comparison computed.
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

namespace {

QJsonObject parseState(const QJsonValue &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

/// container name → image of a Deployment or Rollout manifest
QHash<QString, QString> imagesOf(const QJsonObject &manifest)
{
    QHash<QString, QString> out;
    const QJsonArray containers = manifest.value(u"spec"_qs)
                                      .toObject()
                                      .value(u"template"_qs)
                                      .toObject()
                                      .value(u"spec"_qs)
                                      .toObject()
                                      .value(u"containers"_qs)
                                      .toArray();
    for (const QJsonValue &c : containers)
        out.insert(c.toObject().value(u"name"_qs).toString(),
                   c.toObject().value(u"image"_qs).toString());
    return out;
}

QString neutral(QString value, const QString &env)
{
    return value.replace(
        QRegularExpression(QStringLiteral("(?<![A-Za-z0-9])%1(?![A-Za-z0-9])").arg(env)),
        QStringLiteral("<env>"));
}

/// What the sandbox's target states tell one environment to run: ConfigMap data, the
/// workload's kind, first container's env vars and image.
struct Target
{
    QHash<QString, QString> data;
    QHash<QString, QString> env;
    QString image;
    QString workloadKind;
};

Target targetOf(const QJsonArray &items)
{
    Target t;
    for (const QJsonValue &v : items) {
        const QJsonObject target = parseState(v.toObject().value(u"targetState"_qs));
        const QString kind = target.value(u"kind"_qs).toString();
        if (kind == u"ConfigMap") {
            const QJsonObject data = target.value(u"data"_qs).toObject();
            for (auto it = data.begin(); it != data.end(); ++it)
                t.data.insert(it.key(), it.value().toString());
        } else if (kind == u"Deployment" || kind == u"Rollout") {
            t.workloadKind = kind;
            const QJsonObject c = target.value(u"spec"_qs)
                                      .toObject()
                                      .value(u"template"_qs)
                                      .toObject()
                                      .value(u"spec"_qs)
                                      .toObject()
                                      .value(u"containers"_qs)
                                      .toArray()
                                      .first()
                                      .toObject();
            t.image = c.value(u"image"_qs).toString();
            for (const QJsonValue &e : c.value(u"env"_qs).toArray())
                t.env.insert(e.toObject().value(u"name"_qs).toString(),
                             e.toObject().value(u"value"_qs).toString());
        }
    }
    return t;
}

const QJsonObject *serviceIn(const QList<QJsonObject> &services, const QString &name)
{
    for (const QJsonObject &s : services)
        if (s.value(u"service"_qs).toString() == name)
            return &s;
    return nullptr;
}

} // namespace

class TestCompareArgoCd : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void jsonShowsDesiredDifferencesAndDrift();
    void markdownAndTextShowTheSame();
    void unreadableStateIsAMessageAndTheRestStays();

private:
    struct Result
    {
        int code = -1;
        QString out;
        QString err;
    };
    Result ctl(const QStringList &args);
    QList<QJsonObject> compareJson();
    /// The sandbox's managed-resources items for an application.
    QJsonArray managedResources(const QString &app);
    bool post(const QString &pathAndQuery);
    QUrl argoUrl(const QString &pathAndQuery) const;

    QTemporaryDir m_dir;
    QProcess m_sandbox;
    QJsonObject m_ready;
    QString m_workspace;
    QNetworkAccessManager m_net;
};

TestCompareArgoCd::Result TestCompareArgoCd::ctl(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QJsonObject vars = m_ready.value(u"env"_qs).toObject();
    for (auto it = vars.begin(); it != vars.end(); ++it)
        env.insert(it.key(), it.value().toString());
    env.insert(u"XDG_DATA_HOME"_qs, m_dir.filePath(u"data"_qs));
    env.insert(u"XDG_STATE_HOME"_qs, m_dir.filePath(u"state"_qs));
    env.insert(u"XDG_CONFIG_HOME"_qs, m_dir.filePath(u"config"_qs));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(FD_CTL), QStringList{u"--workspace"_qs, m_workspace} + args);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QList<QJsonObject> TestCompareArgoCd::compareJson()
{
    const Result r = ctl({u"--json"_qs, u"compare"_qs, u"staging"_qs, u"prod"_qs});
    if (r.code != 0) {
        qWarning().noquote() << "flightdeck-ctl compare failed:" << r.code << r.err;
        return {};
    }
    QList<QJsonObject> out;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"services"_qs).toArray())
        out.append(v.toObject());
    return out;
}

QUrl TestCompareArgoCd::argoUrl(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2")
                    .arg(m_ready.value(u"ports"_qs).toObject().value(u"argocd"_qs).toInt())
                    .arg(pathAndQuery));
}

QJsonArray TestCompareArgoCd::managedResources(const QString &app)
{
    QNetworkRequest req(argoUrl(u"/api/v1/applications/%1/managed-resources"_qs.arg(app)));
    req.setRawHeader("Authorization", "Bearer " + m_ready.value(u"credentials"_qs)
                                                      .toObject()
                                                      .value(u"argocd"_qs)
                                                      .toObject()
                                                      .value(u"token"_qs)
                                                      .toString()
                                                      .toUtf8());
    req.setTransferTimeout(10000);
    QNetworkReply *reply = m_net.get(req);
    QElapsedTimer t;
    t.start();
    while (!reply->isFinished() && t.elapsed() < 15000)
        QTest::qWait(10);
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
        qWarning().noquote() << "managed-resources" << app << reply->errorString();
        return {};
    }
    return QJsonDocument::fromJson(reply->readAll()).object().value(u"items"_qs).toArray();
}

bool TestCompareArgoCd::post(const QString &pathAndQuery)
{
    QNetworkRequest req(argoUrl(pathAndQuery));
    req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_qs);
    req.setTransferTimeout(10000);
    QNetworkReply *reply = m_net.post(req, QByteArray("{}"));
    QElapsedTimer t;
    t.start();
    while (!reply->isFinished() && t.elapsed() < 15000)
        QTest::qWait(10);
    reply->deleteLater();
    return reply->isFinished() && reply->error() == QNetworkReply::NoError;
}

void TestCompareArgoCd::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_workspace = m_dir.filePath(u"flightdeck.yaml"_qs);
    m_sandbox.setProgram(QStringLiteral(FD_SANDBOX));
    m_sandbox.setArguments({u"--scenario"_qs, u"demo"_qs, u"--write-workspace"_qs, m_workspace});
    m_sandbox.start();
    QVERIFY(m_sandbox.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(m_sandbox.canReadLine(), 120000);
    const QByteArray line = m_sandbox.readLine();
    m_ready = QJsonDocument::fromJson(line).object();
    QVERIFY2(m_ready.value(u"ready"_qs).toBool(), line.constData());
}

void TestCompareArgoCd::cleanupTestCase()
{
    m_sandbox.terminate();
    QVERIFY(m_sandbox.waitForFinished(10000));
    QCOMPARE(m_sandbox.exitCode(), 0);
}

void TestCompareArgoCd::jsonShowsDesiredDifferencesAndDrift()
{
    const QList<QJsonObject> services = compareJson();
    QVERIFY(!services.isEmpty());

    // checkout runs on Argo CD in staging and prod: its desired manifests are compared.
    const QJsonObject *checkout = serviceIn(services, u"checkout"_qs);
    QVERIFY(checkout);
    const QJsonObject managed = checkout->value(u"managed"_qs).toObject();
    QCOMPARE(managed.value(u"a"_qs).toObject().value(u"application"_qs).toString(),
             u"checkout-staging"_qs);
    QCOMPARE(managed.value(u"b"_qs).toObject().value(u"application"_qs).toString(),
             u"checkout-prod"_qs);
    QVERIFY2(managed.value(u"a"_qs).toObject().value(u"compared"_qs).toBool(),
             QJsonDocument(managed).toJson().constData());
    QVERIFY(managed.value(u"b"_qs).toObject().value(u"compared"_qs).toBool());

    // Every workload image the sandbox's target states name, side by side.
    QHash<QString, QString> stagingImages, prodImages;
    for (const QJsonValue &v : managedResources(u"checkout-staging"_qs))
        stagingImages.insert(imagesOf(parseState(v.toObject().value(u"targetState"_qs))));
    for (const QJsonValue &v : managedResources(u"checkout-prod"_qs))
        prodImages.insert(imagesOf(parseState(v.toObject().value(u"targetState"_qs))));
    QVERIFY(!stagingImages.isEmpty());
    const QJsonObject config = checkout->value(u"config"_qs).toObject();
    int argoImages = 0;
    for (const QJsonValue &v : config.value(u"images"_qs).toArray()) {
        const QJsonObject i = v.toObject();
        if (!i.value(u"source"_qs).toString().startsWith(u"argocd:"_qs))
            continue;
        ++argoImages;
        QVERIFY(QSet<QString>(stagingImages.cbegin(), stagingImages.cend())
                    .contains(i.value(u"a"_qs).toString()));
        QVERIFY(QSet<QString>(prodImages.cbegin(), prodImages.cend())
                    .contains(i.value(u"b"_qs).toString()));
    }
    QCOMPARE(argoImages, int(stagingImages.size()));
    // The desired-manifest differences, against the sandbox's own target states: every
    // ConfigMap key and workload env var that differs (beyond the environment's name), the
    // image when it differs, the kind when staging runs a Deployment and prod a Rollout; the
    // namespace is never a change (normalized).
    const Target ta = targetOf(managedResources(u"checkout-staging"_qs));
    const Target tb = targetOf(managedResources(u"checkout-prod"_qs));
    QVERIFY(!ta.data.isEmpty() && !ta.env.isEmpty() && !ta.image.isEmpty());
    const QString container = u"spec.template.spec.containers[name=checkout]"_qs;
    QSet<QString> expected;
    const auto expect = [&](const QHash<QString, QString> &a, const QHash<QString, QString> &b,
                            const QString &prefix, const QString &suffix) {
        QSet<QString> keys(a.keyBegin(), a.keyEnd());
        keys.unite(QSet<QString>(b.keyBegin(), b.keyEnd()));
        for (const QString &k : std::as_const(keys)) {
            if (a.contains(k) && b.contains(k) &&
                neutral(a[k], u"staging"_qs) == neutral(b[k], u"prod"_qs))
                continue;
            expected.insert(prefix + k + suffix + u" = "_qs + a.value(k) + u" | "_qs + b.value(k));
        }
    };
    expect(ta.data, tb.data, u"data."_qs, QString());
    expect(ta.env, tb.env, container + u".env[name="_qs, u"].value"_qs);
    if (ta.image != tb.image)
        expected.insert(container + u".image = "_qs + ta.image + u" | "_qs + tb.image);
    QVERIFY(!expected.isEmpty()); // the demo's environments are told different things
    QSet<QString> got;
    bool kindChange = false;
    for (const QJsonValue &v : config.value(u"changes"_qs).toArray()) {
        const QJsonObject c = v.toObject();
        const QString file = c.value(u"file"_qs).toString();
        const QString path = c.value(u"path"_qs).toString();
        if (!file.startsWith(u"argocd:"_qs))
            continue;
        if (path.endsWith(u"namespace"_qs))
            QCOMPARE(c.value(u"kind"_qs).toString(), u"normalized"_qs);
        if (c.value(u"kind"_qs).toString() == u"normalized")
            continue;
        if (path == u"kind")
            kindChange = c.value(u"a"_qs).toString() == ta.workloadKind &&
                         c.value(u"b"_qs).toString() == tb.workloadKind;
        if (path.startsWith(u"data."_qs) ||
            (path.startsWith(container + u".env[name="_qs) && path.endsWith(u"].value"_qs)) ||
            path == container + u".image"_qs)
            got.insert(path + u" = "_qs + c.value(u"a"_qs).toString() + u" | "_qs +
                       c.value(u"b"_qs).toString());
    }
    QCOMPARE(got, expected);
    QCOMPARE(kindChange, ta.workloadKind != tb.workloadKind);

    // Drift: exactly the resources the sandbox reports modified, per Argo CD environment.
    int driftedEverywhere = 0;
    for (const QJsonObject &s : services) {
        const QJsonObject m = s.value(u"managed"_qs).toObject();
        for (const QString &side : {u"a"_qs, u"b"_qs}) {
            const QString app = m.value(side).toObject().value(u"application"_qs).toString();
            if (app.isEmpty())
                continue;
            QSet<QString> expected;
            QHash<QString, QJsonObject> items;
            for (const QJsonValue &v : managedResources(app)) {
                const QJsonObject o = v.toObject();
                const QString id =
                    o.value(u"kind"_qs).toString() + u'/' + o.value(u"name"_qs).toString();
                items.insert(id, o);
                if (o.value(u"modified"_qs).toBool())
                    expected.insert(id);
            }
            QSet<QString> flagged;
            QHash<QString, QJsonObject> drift;
            for (const QJsonValue &v : s.value(u"drift"_qs).toObject().value(side).toArray()) {
                const QJsonObject d = v.toObject();
                const QString id =
                    d.value(u"kind"_qs).toString() + u'/' + d.value(u"name"_qs).toString();
                drift.insert(id, d);
                if (d.value(u"modified"_qs).toBool())
                    flagged.insert(id);
            }
            QCOMPARE(flagged, expected);
            driftedEverywhere += int(expected.size());
            // Each drifted path names the desired and the live value as the sandbox has them.
            for (const QString &id : std::as_const(expected)) {
                const QJsonObject target = parseState(items[id].value(u"targetState"_qs));
                const QJsonObject live = parseState(items[id].value(u"liveState"_qs));
                const QJsonArray changes = drift[id].value(u"changes"_qs).toArray();
                QVERIFY2(!changes.isEmpty(), qPrintable(app + u' ' + id));
                for (const QJsonValue &c : changes) {
                    const QString path = c.toObject().value(u"path"_qs).toString();
                    if (path != u"spec.replicas")
                        continue;
                    QCOMPARE(
                        c.toObject().value(u"desired"_qs).toString(),
                        QString::number(
                            target.value(u"spec"_qs).toObject().value(u"replicas"_qs).toInt()));
                    QCOMPARE(c.toObject().value(u"live"_qs).toString(),
                             QString::number(
                                 live.value(u"spec"_qs).toObject().value(u"replicas"_qs).toInt()));
                }
            }
            // The rest of what we flag has a reason we can name.
            for (const QJsonObject &d : std::as_const(drift))
                QVERIFY(d.value(u"modified"_qs).toBool() ||
                        !d.value(u"changes"_qs).toArray().isEmpty() ||
                        d.value(u"missingLive"_qs).toBool() || d.value(u"prunable"_qs).toBool() ||
                        d.contains(u"error"_qs));
            // The environment is flagged drifted exactly when a resource is.
            QCOMPARE(s.value(side).toObject().value(u"drifted"_qs).toBool(), !drift.isEmpty());
        }
    }
    // The demo has a hand-scaled application.
    QVERIFY(driftedEverywhere >= 1);
}

void TestCompareArgoCd::markdownAndTextShowTheSame()
{
    Result r = ctl({u"compare"_qs, u"staging"_qs, u"prod"_qs, u"--markdown"_qs});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"### Drift: live vs desired (Argo CD)"_qs));
    QVERIFY(r.out.contains(u"| argocd:"_qs));
    QVERIFY(r.out.contains(u"`spec.replicas`"_qs));
    r = ctl({u"compare"_qs, u"staging"_qs, u"prod"_qs});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"  # drift staging "_qs), qPrintable(r.out));
    QVERIFY(r.out.contains(u"spec.replicas: desired "_qs));
}

void TestCompareArgoCd::unreadableStateIsAMessageAndTheRestStays()
{
    QVERIFY(post(u"/_sandbox/argocd/managed-state?app=checkout-prod&state=malformed"_qs));
    const QList<QJsonObject> services = compareJson();
    QVERIFY(post(u"/_sandbox/argocd/managed-state?app=checkout-prod&state=ok"_qs));
    QVERIFY(!services.isEmpty());
    const QJsonObject *checkout = serviceIn(services, u"checkout"_qs);
    QVERIFY(checkout);
    QStringList problems;
    for (const QJsonValue &p : checkout->value(u"problems"_qs).toArray())
        problems.append(p.toString());
    bool named = false;
    for (const QString &p : std::as_const(problems))
        named |= p.startsWith(u"argocd: prod (application checkout-prod)"_qs);
    QVERIFY2(named, qPrintable(problems.join(u'\n')));
    // Only the Rollout's live state was cut off: its desired state is still compared.
    bool kindCompared = false;
    for (const QJsonValue &v :
         checkout->value(u"config"_qs).toObject().value(u"changes"_qs).toArray())
        kindCompared |= v.toObject().value(u"path"_qs).toString() == u"kind" &&
                        v.toObject().value(u"b"_qs).toString() == u"Rollout";
    QVERIFY(kindCompared);
    // Its drift says unreadable rather than guessing.
    bool unreadable = false;
    for (const QJsonValue &v : checkout->value(u"drift"_qs).toObject().value(u"b"_qs).toArray())
        unreadable |= v.toObject().value(u"kind"_qs).toString() == u"Rollout" &&
                      v.toObject().contains(u"error"_qs);
    QVERIFY(unreadable);
    // The versions and commits are still there, and the other services too.
    QVERIFY(!checkout->value(u"a"_qs).toObject().value(u"version"_qs).toString().isEmpty());
    QVERIFY(checkout->contains(u"commits"_qs));
    const QJsonObject *payments = serviceIn(services, u"payments"_qs);
    QVERIFY(payments);
    QVERIFY(payments->value(u"managed"_qs)
                .toObject()
                .value(u"a"_qs)
                .toObject()
                .value(u"compared"_qs)
                .toBool());
}

QTEST_GUILESS_MAIN(TestCompareArgoCd)
#include "tst_compareargocd.moc"
