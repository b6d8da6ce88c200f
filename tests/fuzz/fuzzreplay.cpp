// Runs every file of the given corpus folders (or files) through LLVMFuzzerTestOneInput once:
// the fuzz targets' inputs replayed as a plain test in every build, without clang.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {
bool runFile(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
        return false;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    // A copy of exactly the input's size, so a read past the end is a sanitizer finding.
    std::vector<uint8_t> input(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
    return true;
}
} // namespace

int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::vector<std::filesystem::path> inputs;
        if (std::filesystem::is_directory(arg)) {
            for (const auto &entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file())
                    inputs.push_back(entry.path());
        } else {
            inputs.push_back(arg);
        }
        std::sort(inputs.begin(), inputs.end());
        for (const auto &input : inputs) {
            if (!runFile(input))
                return 1;
            ++files;
        }
    }
    if (files == 0) {
        std::fprintf(stderr, "replay: no inputs given (usage: replay_NAME CORPUS_DIR|FILE...)\n");
        return 1;
    }
    std::printf("replay: %d inputs, no crash\n", files);
    return 0;
}
