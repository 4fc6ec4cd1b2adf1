// moodtape-worker: consumes jobs from the Redis Streams queue and runs their pipelines. Start
// more processes to scale out; SIGTERM drains. Wiring is in serve.cpp.
#include "platform/service/service_main.h"
#include "services/worker/serve.h"

int main(int argc, char** argv) {
  return moodtape::platform::RunService("worker", argc, argv, moodtape::worker::Start);
}
