// moodtape-auth: who a user is (sign-up, log-in, tokens). Wiring is in serve.cpp, the operator
// commands in commands.cpp.
//   moodtape-auth               serve (gRPC + admin endpoint)
//   moodtape-auth rotate-key    add a signing key and republish the JWKS, then exit
//   moodtape-auth make-admin LOGIN
//                               give an account the admin role (the only way to get it)
#include <iostream>
#include <string>
#include <vector>

#include "services/auth/serve.h"

int main(int argc, char** argv) {
  using namespace moodtape;
  const std::string command = argc > 1 ? argv[1] : "serve";
  const std::vector<std::string> args(argv + (argc > 1 ? 2 : 1), argv + argc);
  if (command == "rotate-key") return auth::RunRotateKeyCommand(std::cout, std::cerr);
  if (command == "make-admin") return auth::RunMakeAdminCommand(args, std::cout, std::cerr);
  if (command != "serve" && command.rfind("--", 0) != 0) {
    std::cerr << "unknown command '" << command
              << "'\nusage: moodtape-auth [serve | rotate-key | make-admin LOGIN]\n";
    return 2;
  }
  return platform::RunService("auth", argc, argv, auth::Start);
}
