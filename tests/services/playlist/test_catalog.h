// Hand-made catalogues for the playlist tests: tracks placed directly by mood-plane point.
#pragma once

#include <string>

#include "services/playlist/core/catalog.h"

namespace moodtape::playlist::testing {

inline CatalogTrack TrackAt(std::string id, double x, double y, double tempo = 120,
                            std::string artist = "", std::string genre = "pop", int key = -1,
                            int mode = -1, ExplicitFlag explicit_flag = ExplicitFlag::kUnknown) {
  CatalogTrack t;
  t.title = "Song " + id;
  t.artist = artist.empty() ? "Artist " + id : std::move(artist);
  t.id = std::move(id);
  t.genre = std::move(genre);
  t.valence = (x + 1) / 2;
  t.energy = (y + 1) / 2;
  t.tempo = tempo;
  t.key = key;
  t.mode = mode;
  t.explicit_flag = explicit_flag;
  t.source = "test";
  return t;
}

}  // namespace moodtape::playlist::testing
