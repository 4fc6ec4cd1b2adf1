// Options of a command-line subcommand: "--name value", "--name=value" and "--switch"; anything
// else (an unknown option, a value missing) is a usage error the command reports and exits 2 on.
// Shared by every service's extra commands (moodtape-emotion train, moodtape-producer render...).
#pragma once

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace moodtape::platform {

class CommandFlags {
 public:
  CommandFlags(const std::vector<std::string>& args, const std::vector<std::string>& with_value,
               const std::vector<std::string>& switches) {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      std::string name = a, value;
      bool has_inline = false;
      if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = a.substr(0, eq), value = a.substr(eq + 1), has_inline = true;
      }
      if (std::find(switches.begin(), switches.end(), name) != switches.end()) {
        values_[name] = "1";
      } else if (std::find(with_value.begin(), with_value.end(), name) != with_value.end()) {
        if (!has_inline) {
          if (i + 1 >= args.size()) {
            error_ = name + " needs a value";
            return;
          }
          value = args[++i];
        }
        values_[name] = value;
      } else {
        error_ = "unknown option " + a;
        return;
      }
    }
  }
  const std::string& error() const { return error_; }
  bool Has(const std::string& n) const { return values_.count(n) > 0; }
  std::string Get(const std::string& n, const std::string& def) const {
    const auto it = values_.find(n);
    return it == values_.end() ? def : it->second;
  }
  template <typename T>
  bool Number(const std::string& n, T* out) {
    if (!Has(n)) return true;
    try {
      size_t used = 0;
      const std::string v = values_[n];
      const double d = std::stod(v, &used);
      if (used != v.size()) throw std::invalid_argument(v);
      *out = static_cast<T>(d);
      return true;
    } catch (...) {
      error_ = n + " needs a number";
      return false;
    }
  }

 private:
  std::map<std::string, std::string> values_;
  std::string error_;
};

}  // namespace moodtape::platform
