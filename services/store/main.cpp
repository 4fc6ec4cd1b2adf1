// moodtape-store: the only process with a database. Wiring is in serve.cpp; see store_service.h
// and core/.
#include "platform/service/service_main.h"
#include "services/store/serve.h"

int main(int argc, char** argv) {
  return moodtape::platform::RunService("store", argc, argv, moodtape::store::Start);
}
