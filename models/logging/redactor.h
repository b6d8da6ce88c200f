#pragma once

#include <QString>

#include <memory>
#include <string>
#include <string_view>

namespace fd {

/// Removes secrets from text before it reaches any log sink. One instance per process, shared
/// by every thread: the credential resolver registers each secret it resolves, and a fixed set
/// of patterns catches anything shaped like a token (Authorization and PRIVATE-TOKEN header
/// values, `Bearer x`, `token x`, ghp_/gho_/github_pat_/glpat- tokens, JWTs, password= and
/// token= query parameters, "token"/"password" JSON members). Each match becomes `***`.
class Redactor
{
public:
    static Redactor &instance();

    /// Registers a resolved secret; values shorter than 4 characters are ignored because
    /// redacting them would blank ordinary words.
    void addSecret(const QString &secret);
    /// Registers a name that is resolved like a secret but is none: a user name. A person's
    /// name is who did what (the postmortem's Who column, a build's cause); masking it hides
    /// the record and protects nothing. It is taken out of the secrets and never masked.
    /// A secret equal to a known name is not registered either.
    void addIdentity(const QString &name);
    void clearSecrets();
    int secretCount() const;

    QString redact(const QString &text) const;
    std::string redact(std::string_view utf8) const;

    static QLatin1String mask() { return QLatin1String("***"); }

    Redactor();
    ~Redactor();
    Redactor(const Redactor &) = delete;
    Redactor &operator=(const Redactor &) = delete;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fd
