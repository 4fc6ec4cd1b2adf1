// Heavy metal: fire, steel and darkness; battle cries, ancient powers, defiance.
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& MetalPhraseBank() {
  static const PhraseBank kBank{
      // nouns
      R"(steel iron fire flame blade sword thunder storm darkness shadow skull bone blood grave
      tomb throne crown king god demon beast serpent dragon wolf raven ash smoke chain gate tower
      fortress kingdom empire war battle army legion warrior rider hammer axe shield armor abyss
      void inferno oblivion eternity destiny fate doom ruin wrath fury rage vengeance glory honor
      power might lightning winter frost mountain night desire liar choir spire heart soul sky
      eye cry lie scream dream stone wave cave crow hunter thunder plunder wonder sorrow
      tomorrow omen banner titan tyrant prophet spirit curse hell torch cinder anvil forge crypt
      wing claw fang horn oath vow scar wound edge dawn dusk eclipse reign flesh sin prayer altar
      silence ghost devil soldier knight sorcerer witch giant dungeon chaos midnight tempest
      hurricane volcano glacier graveyard lord master)",
      // adjectives
      R"(dark black cold burning eternal endless savage wicked unholy holy fallen broken mighty
      ancient wild raging bleeding frozen mortal immortal infernal crimson dead hollow silent
      heavy brutal fearless restless dying blind cursed bloody molten scarlet forsaken lonely
      forgotten shattered thundering relentless sacred bitter grim cruel proud fierce lost iron
      endless merciless victorious defiant)",
      // transitive verbs
      R"(forge break burn crush raise ride wield summon unleash conquer defy slay shatter claim
      strike face fight hunt command awaken bury curse devour tear storm breach carry guard
      defend crown betray abandon remember hate challenge escape destroy)",
      // intransitive verbs
      R"(rise fall burn bleed ride march roar scream die reign kneel stand fight howl thunder
      awaken wander descend ascend crumble shine blaze rage rot return endure survive prevail)",
      // places
      R"(abyss dark fire storm night void fortress kingdom dungeon wasteland shadow temple mountain
      battlefield underworld wilderness graveyard)",
      // grammar
      R"(
title = {A} {T} | {T} of {N} | {Ns} of the {T} | {T} of steel | ride the {T} | {T} rising
      | children of the {T} | kingdom of the {T} | {T} in flames | {T} unbound | the {A} {T}
      | beyond the {T} | {T} eternal | march of the {T}

verse = <mlead> <mclause> | <mclause> | <mclause> | <mclause2>
mlead = | | and | now | then | oh
mclause = we {V} the {A} {N} | through the {Ns} of {N} | the {N} {Vis} in the {P}
      | {Vg} through the {A} {N} | I {Vd} the {Ns} of {N} | the {A} {Ns} {Vi}
      | we {Vi} into the {N} | hear the {Ns} of {N} | the {N} will never {Vi}
      | our {Ns} will {Vi} | the {T} {Vis} in {N} | with {N} and {N} we {Vi}
      | beneath the {A} {N} | we {Vi} beyond the {N} | the {N} has come to {V} the {N}
      | out of the {P} the {Ns} {Vi} | I {Vid} where the {Ns} {Vi} | {Vg} in {A} {N}
      | we {Vd} the {T} and the {N} | across the {A} {P} we {Vi} | the {N} is {Vg} in my {N}
      | no {N} will {V} the {A} {N} | we are the {N} that {Vis} | under a {A} {N}
      | the {Ns} of {N} are {Vg} | I carry the {N} of {N} | from the {A} {P} we {Vi}
      | the {A} {N} {Vis} again | we {V} the {Ns} of the {N} | and the {N} shall {Vi}
      | in the {P} of {N} I {Vid} | they {Vd} our {Ns} with {N} | the {N} {Vis} with {A} {N}
      | I {V} the {N} with {A} {Ns} | {A} {Ns} {Vi} in the {P} | we {Vid} as {Ns} of {N}
mclause2 = born in {N}, forged in {N} | the {N} is {A}, the {N} is {A}
      | {A} and {A}, we {Vi}

pre = <mpre> | <mpre> | and <mpre>
mpre = can you feel the {N} {Vg} | the {N} is calling from the {P} | higher and higher we {Vi}
      | now the {A} {N} is {Vg} | no {N} can {V} the {N} | the {T} is {Vg} in the {N}
      | there is no {N} and no {N} | the {N} is near, the {N} is {Vg}
      | feel the {N} {Vi}, feel the {N} {Vi} | hear the {A} {Ns} {Vi}
      | the time has come to {V} the {N} | stand your ground against the {N}

chorus_first = <title>, we {Vi} | <title>, {Vg} the {N} | <title> in the {A} {N}
      | <title>, <title>, {Vg} | <title>, we {V} the {N} | <title>, {A} as the {N}
chorus = we are the {Ns} of the {N} | raise your {Ns} to the {N} | ride into the {A} {N}
      | {Vg} forever in the {N} | stand against the {A} {N} | we will {Vi}, we will {Vi}
      | <title>, the {N} is {A} | burn it all to {N} | the {T} will {Vi}
      | we {Vi} with {A} {Ns} | and the {Ns} {Vi} | hail the {A} {N} | into the {N} we {Vi}
      | {A} and {A} we {Vi} | forever {A}, forever {A} | fire and {N}, {N} and {N}
      | never {Vg}, never {Vg}

bridge = <mclause> | in the {A} {P} I {Vid} | the {N} is gone, the {N} is {A}
      | I {V} the {N} and {V} the {N} | a thousand {Ns} {Vi} | the {A} {N} {Vis}
      | when the {N} {Vis} and the {Ns} {Vi} | silence in the {P}, {N} in the {N}
      | the last {N} is {Vg}
)",
  };
  return kBank;
}

}  // namespace moodtape::producer
