// The configuration overrides (MOODTAPE_<SECTION>_<KEY>) that run the whole launcher stack in
// isolation: every address on a free loopback port and every file the services write under one
// directory. Shared by the launcher tests and the end-to-end benchmark.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "tests/support/test_support.h"

namespace moodtape::testing {

std::string Loopback(int port);  // "127.0.0.1:<port>"

// Launcher var dir, binaries from `bin_dir`, certificates, the emotion models (trained on first
// start), the store database and the auth keys under `dir`; Redis on `redis_port`, the gateway's
// HTTP on `http_port`, every gRPC and admin address on a free port.
std::map<std::string, std::string> HermeticStackEnv(const TempDir& dir, int redis_port,
                                                    int http_port, const std::string& bin_dir);

// Waits until the launcher says "moodtape is up". When it exits first or takes longer than
// `timeout`, it is stopped (SIGINT, then waited for) and *why gets the end of its output.
bool WaitUntilUp(ChildProcess& launcher, std::chrono::seconds timeout, std::string* why);

}  // namespace moodtape::testing
