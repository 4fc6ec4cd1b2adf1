// The worker's job handler: a `mood` job through MoodPipeline, its stages published as events.
// Separate from main.cpp so the integration tests run the same handler in-process.
#pragma once

#include "platform/jobs/worker.h"
#include "services/worker/core/album_pipeline.h"
#include "services/worker/core/mood_pipeline.h"

namespace moodtape::worker {

// Parses the payload (bad input fails the job at once), runs the pipeline and returns its result
// JSON; every stage is published on the job owner's channel.
platform::JobHandler MoodJobHandler(MoodPipeline& pipeline);

// The same for an `album` job through AlbumPipeline; a draining or lost worker stops between
// steps (the next attempt picks up from the stored progress).
platform::JobHandler AlbumJobHandler(AlbumPipeline& pipeline);

}  // namespace moodtape::worker
