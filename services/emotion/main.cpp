// moodtape-emotion: text -> 13 emotion probabilities + a valence/arousal start point.
// Subcommands train, eval, predict (commands.h) and serve, the gRPC service (serve.h).
#include <iostream>
#include <string>
#include <vector>

#include "services/emotion/commands.h"
#include "services/emotion/serve.h"

int main(int argc, char** argv) {
  using namespace moodtape::emotion;
  const std::string command = argc > 1 ? argv[1] : "serve";
  const std::vector<std::string> args(argv + (argc > 1 ? 2 : 1), argv + argc);
  std::ios::sync_with_stdio(false);
  if (command == "train") return RunTrainCommand(args, std::cout, std::cerr);
  if (command == "eval") return RunEvalCommand(args, std::cout, std::cerr);
  if (command == "predict") return RunPredictCommand(args, std::cin, std::cout, std::cerr);
  if (command == "serve") return RunServeCommand(argc, argv);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << UsageText();
    return 0;
  }
  std::cerr << "unknown command '" << command << "'\n" << UsageText();
  return 2;
}
