// moodtape-producer: the song engine. `serve` (the default) runs the gRPC service (serve.cpp);
// `write`, `render` and `genres` work offline on this machine (commands.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "services/producer/commands.h"
#include "services/producer/serve.h"

int main(int argc, char** argv) {
  using namespace moodtape::producer;
  const std::string command = argc > 1 ? argv[1] : "serve";
  const std::vector<std::string> args(argv + (argc > 1 ? 2 : 1), argv + argc);
  if (command == "write") return RunWriteCommand(args, std::cout, std::cerr);
  if (command == "render") return RunRenderCommand(args, std::cout, std::cerr);
  if (command == "genres") return RunGenresCommand(args, std::cout, std::cerr);
  if (command == "help" || command == "-h" || command == "--help") {
    std::cout << UsageText();
    return 0;
  }
  if (command == "serve" || command.rfind("--", 0) == 0) {
    return moodtape::platform::RunService("producer", argc, argv, Start);
  }
  std::cerr << "unknown command '" << command << "'\n" << UsageText();
  return 2;
}
