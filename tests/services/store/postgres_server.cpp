#include "tests/services/store/postgres_server.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

namespace moodtape::testing {
namespace {

void ChownTree(const std::string& path, uid_t uid, gid_t gid) {
  if (chown(path.c_str(), uid, gid) != 0) throw std::runtime_error("chown " + path + " failed");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (chown(entry.path().c_str(), uid, gid) != 0)
      throw std::runtime_error("chown " + entry.path().string() + " failed");
  }
}

std::string ConnInfo(int port, const std::string& db) {
  return "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=" + db +
         " connect_timeout=2";
}

}  // namespace

std::string PostgresServerProcess::BinDir() {
  const char* d = std::getenv("MOODTAPE_PG_BINDIR");
  return d && *d ? d : "/usr/lib/postgresql/15/bin";
}

std::vector<std::string> PostgresServerProcess::AsPostgresUser(
    std::vector<std::string> argv) const {
  if (!as_root_) return argv;
  std::vector<std::string> wrapped = {"setpriv", "--reuid=postgres", "--regid=postgres",
                                      "--init-groups", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

PostgresServerProcess::PostgresServerProcess() {
  if (!std::filesystem::exists(BinDir() + "/initdb")) {
    throw std::runtime_error(
        "PostgreSQL 15 is not installed (" + BinDir() +
        "/initdb missing): apt-get install postgresql-15, or set MOODTAPE_PG_BINDIR");
  }
  as_root_ = geteuid() == 0;
  std::filesystem::create_directories(dir_.File("sock"));
  if (as_root_) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr)
      throw std::runtime_error("running as root but there is no 'postgres' user to run initdb as");
    ChownTree(dir_.path(), pw->pw_uid, pw->pw_gid);
  }
  std::string output;
  int rc = RunCommand(
      AsPostgresUser({BinDir() + "/initdb", "-D", dir_.File("data"), "-A", "trust", "-U",
                      "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"}),
      &output, std::chrono::seconds(60));
  if (rc != 0)
    throw std::runtime_error("initdb failed (exit " + std::to_string(rc) + "):\n" + output);

  port_ = FreePort();
  // Durability is pointless for a throw-away cluster; turning it off makes the suite fast.
  process_ = std::make_unique<ChildProcess>(
      AsPostgresUser({BinDir() + "/postgres", "-D", dir_.File("data"), "-p", std::to_string(port_),
                      "-k", dir_.File("sock"), "-c", "listen_addresses=127.0.0.1", "-c",
                      "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                      "-c", "max_connections=100"}),
      std::map<std::string, std::string>{}, dir_.File("postgres.log"));
  bool ready =
      WaitUntil([&] { return !process_->Running() || AcceptsConnections(); }, kStartTimeout);
  if (!ready || !process_->Running()) {
    std::string log = Log();
    Stop();
    throw std::runtime_error("PostgreSQL did not start on port " + std::to_string(port_) + ":\n" +
                             log);
  }
}

PostgresServerProcess::~PostgresServerProcess() { Stop(); }

bool PostgresServerProcess::AcceptsConnections() const {
  PGconn* conn = PQconnectdb(ConnInfo(port_, "postgres").c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  PQfinish(conn);
  return ok;
}

std::string PostgresServerProcess::CreateDatabase() {
  std::string name = "moodtape_test_" + std::to_string(++databases_);
  PGconn* conn = PQconnectdb(ConnInfo(port_, "postgres").c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to the test PostgreSQL: " + why);
  }
  // The name is ours (a counter), never user input.
  PGresult* res = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string why = PQerrorMessage(conn);
  PQclear(res);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("CREATE DATABASE failed: " + why);
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

void PostgresServerProcess::Stop() {
  if (!process_) return;
  if (process_->Running()) {
    process_->Signal(SIGINT);  // PostgreSQL's "fast" shutdown: ends sessions, checkpoints, exits
    if (process_->Wait(std::chrono::seconds(15)) == -1) process_->Stop(std::chrono::seconds(2));
  }
  process_.reset();
}

std::string PostgresServerProcess::Log() const { return ReadFile(dir_.File("postgres.log")); }

namespace {

PostgresServerProcess* shared_server = nullptr;

class StopSharedPostgres : public ::testing::Environment {
 public:
  void TearDown() override {
    delete shared_server;
    shared_server = nullptr;
  }
};

// Registered before main() runs so gtest tears it down after the last test, whoever started it.
[[maybe_unused]] ::testing::Environment* const kStopSharedPostgres =
    ::testing::AddGlobalTestEnvironment(new StopSharedPostgres);

}  // namespace

PostgresServerProcess& SharedPostgres() {
  if (shared_server == nullptr) shared_server = new PostgresServerProcess();
  return *shared_server;
}

}  // namespace moodtape::testing
