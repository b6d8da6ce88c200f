#pragma once

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include <string>
#include <vector>

namespace fd {

/// YAML::LoadAll with a bound. yaml-cpp 0.7's document loop never ends on some malformed text
/// (",r" yields empty documents forever while memory grows; found by fuzzing), so the events
/// are counted first and a text with more documents than any real file has is refused with a
/// YAML::Exception, like any other malformed text.
inline std::vector<YAML::Node> loadAllDocuments(const std::string &text)
{
    constexpr int kMaxDocuments = 10000;
    struct Counter : YAML::EventHandler
    {
        void OnDocumentStart(const YAML::Mark &) override {}
        void OnDocumentEnd() override {}
        void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
        void OnAlias(const YAML::Mark &, YAML::anchor_t) override {}
        void OnScalar(const YAML::Mark &,
                      const std::string &,
                      YAML::anchor_t,
                      const std::string &) override
        {}
        void OnSequenceStart(const YAML::Mark &,
                             const std::string &,
                             YAML::anchor_t,
                             YAML::EmitterStyle::value) override
        {}
        void OnSequenceEnd() override {}
        void OnMapStart(const YAML::Mark &,
                        const std::string &,
                        YAML::anchor_t,
                        YAML::EmitterStyle::value) override
        {}
        void OnMapEnd() override {}
    } counter;
    std::istringstream in(text);
    YAML::Parser parser(in);
    for (int documents = 0; parser.HandleNextDocument(counter);)
        if (++documents > kMaxDocuments)
            throw YAML::Exception(YAML::Mark::null_mark(),
                                  "more than 10000 YAML documents; the text is not read");
    return YAML::LoadAll(text);
}

} // namespace fd
