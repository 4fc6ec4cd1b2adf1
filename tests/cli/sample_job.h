// Stage data of one mood job in the gateway's documented shapes, shared by the render unit tests
// and the fake gateway of the integration test.
#pragma once

#include <nlohmann/json.hpp>

namespace moodtape::cli::samples {

inline nlohmann::json SampleEmotion() {
  return {{"emotion", "sad"},
          {"probabilities",
           {{{"emotion", "calm"}, {"probability", 0.10}},
            {{"emotion", "sad"}, {"probability", 0.82}},
            {{"emotion", "angry"}, {"probability", 0.03}},
            {{"emotion", "happy"}, {"probability", 0.05}}}},
          {"valence", -0.6},
          {"arousal", -0.4},
          {"model_version", "lexicon-1"},
          {"cached", false}};
}

inline nlohmann::json SampleTrack(int position, const char* title, const char* artist,
                                  double valence, double arousal) {
  return {{"position", position},
          {"id", std::string("t-") + std::to_string(position)},
          {"title", title},
          {"artist", artist},
          {"album", "Album"},
          {"genre", "ambient"},
          {"tempo_bpm", 92.0},
          {"point", {{"valence", valence}, {"arousal", arousal}}},
          {"waypoint", {{"valence", valence + 0.05}, {"arousal", arousal}}},
          {"waypoint_index", position - 1},
          {"distance", 0.05}};
}

inline nlohmann::json SamplePlaylist() {
  return {{"start", {{"valence", -0.6}, {"arousal", -0.4}}},
          {"target", {{"valence", 0.7}, {"arousal", 0.5}}},
          {"calm", false},
          {"catalog_version", "c1"},
          {"tracks",
           {SampleTrack(1, "Grey Morning", "Low Tide", -0.5, -0.3),
            SampleTrack(2, "Turning", "Half Light", 0.1, 0.1),
            SampleTrack(3, "Sunward", "The Kites", 0.65, 0.45)}},
          {"cached", false}};
}

inline nlohmann::json SampleResult() {
  return {{"emotion", SampleEmotion()}, {"playlist", SamplePlaylist()}, {"history_id", "h-42"}};
}

}  // namespace moodtape::cli::samples
