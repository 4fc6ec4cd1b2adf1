// `moodtape-emotion serve` (the default): the gRPC service over RunService.
#pragma once

namespace moodtape::emotion {

int RunServeCommand(int argc, char** argv);

}  // namespace moodtape::emotion
