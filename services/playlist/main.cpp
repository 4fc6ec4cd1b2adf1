// moodtape-playlist: mood-walk playlists over the track catalogue. `serve` (the default) runs the
// gRPC service; `import FILE` loads a catalogue into the running service.
#include <iostream>
#include <string>
#include <vector>

#include "services/playlist/serve.h"

int main(int argc, char** argv) {
  using namespace moodtape::playlist;
  const std::string command = argc > 1 ? argv[1] : "serve";
  if (command == "import") {
    return RunImportCommand(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  }
  if (command == "serve") return RunServeCommand(argc, argv);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << UsageText();
    return 0;
  }
  // Flags without a command belong to serve (RunService reads them).
  if (command.rfind("--", 0) == 0) return RunServeCommand(argc, argv);
  std::cerr << "unknown command '" << command << "'\n" << UsageText();
  return 2;
}
