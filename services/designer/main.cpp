// moodtape-designer: album covers. `serve` (the default) runs the gRPC service (serve.cpp);
// `draw` draws one cover to files on this machine (commands.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "services/designer/commands.h"
#include "services/designer/serve.h"

int main(int argc, char** argv) {
  using namespace moodtape::designer;
  const std::string command = argc > 1 ? argv[1] : "serve";
  const std::vector<std::string> args(argv + (argc > 1 ? 2 : 1), argv + argc);
  if (command == "draw") return RunDrawCommand(args, std::cout, std::cerr);
  if (command == "help" || command == "-h" || command == "--help") {
    std::cout << UsageText();
    return 0;
  }
  if (command == "serve" || command.rfind("--", 0) == 0) {
    return moodtape::platform::RunService("designer", argc, argv, Start);
  }
  std::cerr << "unknown command '" << command << "'\n" << UsageText();
  return 2;
}
