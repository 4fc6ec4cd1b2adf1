// Blues: trouble, rain, my baby, the road and the bottle; plain first-person complaints with a
// twist in the answering line.
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& BluesPhraseBank() {
  static const PhraseBank kBank{
      // nouns
      R"(trouble rain baby woman man heart money whiskey bottle train station river road town
      door window rent job boss morning midnight mama home shoes coat hat guitar blues devil
      preacher church sorrow worry pocket dollar dime nickel sun moon weather cabin
      porch kitchen table bed pillow letter memory mud levee cotton field highway boxcar
      suitcase harmonica jailhouse landlord gambler rambler lover sweetheart time rain pain
      chain shame name flame lane trouble bubble double)",
      // adjectives
      R"(low lonesome blue cold mean lonely tired weary broke empty muddy dusty rainy old long
      worried evil sweet hard sad bad rusty hungry crooked sorry heavy restless
      bitter)",
      // transitive verbs
      R"(love leave lose miss need want treat call pay drink spend bury shake keep hold find
      follow ride beg)",
      // intransitive verbs
      R"(cry moan ramble wander walk ride roll wait pray sing weep sleep wake fall drink work
      travel gamble shiver shake)",
      // places
      R"(station river road town kitchen bar saloon cabin porch door alley jailhouse
      levee delta highway county railroad)",
      // grammar
      R"(
title = {T} blues | {A} {T} blues | {T} on my mind | {A} {T} | {T} train | {T} again
      | {T} keep falling | {A} {T} road | mean old {T}

verse_first = I got the <title>, {A} as the {N} | <title>, lord, I {V} my {N}
      | I got the <title> and my {N} is {A} | I got the <title> down in my {N}
verse = I got {A} {N} and my {N} is {A} | my baby {Vd} my {N} and {Vid}
      | I been {Vg} all night in the {A} {P} | the {N} keeps falling on my {A} {N}
      | I'm going down to the {P}, gonna {V} my {N} | well, the {N} is {A} and my {N} is {A}
      | lord, I {V} my {N} | I {Vid} all night by the {A} {P}
      | my {N} is {A}, my {N} is {A} | I've been {A} since the {N}
      | she {Vd} my {N} and took my {N} | you {Vd} my {N}, baby
      | the {T} is {A} and the {N} is {A} | I keep {Vg} down the {A} {P}
      | got a {A} {N} in my {A} {N} | I woke at dawn with the {N} on my {N}
      | there's a {N} at my door and it won't {Vi} | I walked ten miles in the {A} {N}
      | I asked the {N} for a little {N} | told my baby I would {V} the {N}
      | nobody {Vis} when I'm {A} | the {N} don't shine on my {A} {N}
      | hear that {N} {Vg} down the {P} | I spent my last {N} on {N}
answer = and nobody {Vs} my {N} | now I'm {Vg} for my {N} | got nothing left but the {N}
      | so I'm {Vg} down the {A} {N} | and the {N} won't {V} my {N}
      | I'm gonna {Vi} till the {N} | she left me with the {N} | all I got is this {A} {N}
      | and my {N} is {A} | it's a {A} {N} | lord, have mercy on my {N}
      | so I sing about the {N} | now I'm sleeping with the {N} | that's why I'm {A}
      | but tomorrow brings the {N} | the {N} took my {A} {N}
)",
  };
  return kBank;
}

}  // namespace moodtape::producer
