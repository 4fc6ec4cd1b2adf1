#include "services/playlist/track_proto.h"

namespace moodtape::playlist {

void ToProto(const CatalogTrack& t, common::v1::Track* out) {
  out->set_id(t.id);
  out->set_title(t.title);
  out->set_artist(t.artist);
  out->set_album(t.album);
  out->set_genre(t.genre);
  out->set_duration_ms(static_cast<std::int32_t>(t.duration_ms));
  out->set_tempo_bpm(t.tempo);
  out->set_key(t.key);
  out->set_mode(t.mode);
  out->set_valence(t.valence);
  out->set_energy(t.energy);
  out->set_danceability(t.danceability);
  out->set_source(t.source);
  switch (t.explicit_flag) {
    case ExplicitFlag::kExplicit:
      out->set_content_rating(common::v1::CONTENT_RATING_EXPLICIT);
      out->set_explicit_content(true);
      break;
    case ExplicitFlag::kClean:
      out->set_content_rating(common::v1::CONTENT_RATING_CLEAN);
      break;
    case ExplicitFlag::kUnknown:
      break;
  }
  const MoodPoint p = t.Point();
  out->mutable_point()->set_valence(p.x);
  out->mutable_point()->set_arousal(p.y);
}

CatalogTrack FromProto(const common::v1::Track& in) {
  CatalogTrack t;
  t.id = in.id();
  t.title = in.title();
  t.artist = in.artist();
  t.album = in.album();
  t.genre = in.genre();
  t.duration_ms = in.duration_ms();
  t.tempo = in.tempo_bpm();
  t.key = in.key();
  t.mode = in.mode();
  t.valence = in.valence();
  t.energy = in.energy();
  t.danceability = in.danceability();
  t.source = in.source();
  // A sender that only knows the old bool still marks explicit tracks.
  if (in.content_rating() == common::v1::CONTENT_RATING_EXPLICIT || in.explicit_content()) {
    t.explicit_flag = ExplicitFlag::kExplicit;
  } else if (in.content_rating() == common::v1::CONTENT_RATING_CLEAN) {
    t.explicit_flag = ExplicitFlag::kClean;
  }
  return t;
}

}  // namespace moodtape::playlist
