// A service under test over mutual TLS: certificates from scripts/dev_certs.sh (the ones `make
// run` uses) for the named services and callers in a temporary directory, the config text that
// starts a service on free loopback ports with them, and the client options of any caller.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "platform/grpc/channel.h"
#include "tests/support/test_support.h"

namespace moodtape::testing {

class DevCerts {
 public:
  explicit DevCerts(const std::vector<std::string>& names) {
    std::vector<std::string> argv = {SourceDir() + "/scripts/dev_certs.sh", dir_.File("certs")};
    argv.insert(argv.end(), names.begin(), names.end());
    std::string out;
    if (RunCommand(argv, &out) != 0) throw std::runtime_error("dev_certs.sh failed: " + out);
  }

  std::string File(const std::string& name) const { return dir_.File("certs/" + name); }

  // [tls] with these certificates, then `[service]` on 127.0.0.1:0 (gRPC and admin) followed by
  // `more` (further keys of that section, then any other sections).
  std::string ServiceToml(const std::string& service, const std::string& more = "") const {
    return "[tls]\ncert_dir = \"" + dir_.File("certs") + "\"\n[" + service +
           "]\ngrpc_address = \"127.0.0.1:0\"\nadmin_address = \"127.0.0.1:0\"\n" + more;
  }

  // A channel's options when calling as `caller` (a name given to the constructor).
  platform::ChannelOptions As(const std::string& caller) const {
    platform::ChannelOptions o;
    o.tls = {true, File("ca.crt"), File(caller + ".crt"), File(caller + ".key")};
    return o;
  }

 private:
  TempDir dir_;
};

}  // namespace moodtape::testing
