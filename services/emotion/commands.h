// The moodtape-emotion subcommands (train, eval, predict) over plain streams, so main.cpp only
// dispatches and tests can drive them without a process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace moodtape::emotion {

// Each returns the process exit code: 0 ok, 1 failure, 2 bad usage.
int RunTrainCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunEvalCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunPredictCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                      std::ostream& err);

std::string UsageText();

}  // namespace moodtape::emotion
