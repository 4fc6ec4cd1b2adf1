// Synthwave: neon, the night drive, city lights, chrome and static; long, hazy, nostalgic lines.
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& SynthwavePhraseBank() {
  static const PhraseBank kBank{
      // nouns
      R"(neon chrome highway sunset laser arcade cassette radio static signal pulse grid skyline
      horizon starlight midnight rain mirror glow circuit satellite machine engine memory
      future tape headlight overpass freeway boulevard city window screen frequency
      channel hologram spectrum shadow haze mist dream echo night drive velvet ocean palm
      dashboard reflection motor voltage wire vapor twilight dusk daybreak sky storm lightning
      heartbeat silhouette stranger lover ghost)",
      // adjectives
      R"(neon electric digital endless silent crimson violet silver golden distant fading
      glowing burning lonely midnight velvet hollow cold warm chrome magnetic synthetic pale
      faded blurry hazy humming flickering shimmering infinite liquid pastel purple pink
      phantom lost)",
      // transitive verbs
      R"(drive chase follow hold remember find trace light cross leave miss watch touch save
      catch steer ride keep call dial erase replay tune)",
      // intransitive verbs
      R"(drive glow fade shine drift dream race ride run burn flicker hum pulse shimmer fall
      glide cruise wait vanish dissolve)",
      // places
      R"(highway city freeway overpass boulevard skyline arcade night rain haze dark tunnel
      coast)",
      // grammar
      R"(
title = {A} {T} | {T} drive | {T} at midnight | {T} in neon | {T} highway | night {T}
      | {T} runner | electric {T} | {T} signal | {T} nineteen eighty four | chrome {T}

verse = <slead> <sclause> | <sclause> | <sclause>
slead = | | and | now | so | tonight
sclause = we drive into the {A} {N} | {A} {Ns} in the {A} {P} | I {V} your {N} on the {A} {P}
      | {Vg} through the {Ns} of the {A} {N} | the city {Vis} in {A} {N}
      | chasing {Ns} down the {A} {N} | your {N} is {A} like the {N}
      | under {A} {Ns} we {Vi} | static on the radio, {Vg} | the {N} is {Vg} in the {N}
      | {A} {Ns} on the {P} | I still {V} the {A} {N} | we {Vid} beneath the {A} {N}
      | the {A} {N} {Vis} in my {N} | headlights {Vg} on the {A} {P}
      | every {N} {Vis} into {N} | a {A} {N} of {A} {N} | the {T} {Vis} in {A} {N}
      | your {A} {N} in the {N} | {Vg} the {Ns} of the {N} | {A} {Ns} are {Vg} on the {P}
      | the radio is playing {A} {Ns} | I see your {N} in the {A} {N}
      | we are {Vg} at the speed of {N} | the {P} is {A} and the {Ns} are {A}
      | a {N} of {N} in your {A} {Ns} | tonight the {N} is made of {N}
      | lost in the {Ns} of a {A} {N} | the {Ns} are {Vg} like {A} {Ns}
      | there's a {N} on the {A} {P} | I hear the {N} of the {A} {N}
      | the {N} {Vis} into the {A} {N} | forever {Vg} in the {N}

chorus_first = <title>, we {Vi} | <title>, {Vg} the {N} | <title> in the {A} {N}
      | <title>, {Vg} in the {N}
chorus = ride with me into the {N} | {Vg} on the {A} {P} | we are {A}, we are {A}
      | hold me in the {A} {N} | the {Ns} {Vi} forever | take me to the {A} {N}
      | we {Vi} through the {A} {Ns} | {Vg} until the {N} | the {N} will never {Vi}
      | we are the {Ns} of the {A} {N} | {Vg} until the {A} {N} | lost in the {N} forever
      | the night is {A}, the {N} is {A}

bridge = <sclause> | and in the {A} {P} the {Ns} {Vi} | I {Vid} for a {A} {N}
      | there is a {A} {N} where the {Ns} {Vi} | somewhere a {N} is {Vg} in the {A} {N}
)",
  };
  return kBank;
}

}  // namespace moodtape::producer
