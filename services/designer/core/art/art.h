// The picture of a cover, without its lettering: the sky and its objects, the scene, the figures
// and the weather of a plan, drawn as vector shapes in cover units (1024 x 1024), so the same
// drawing serves the 1024 cover and the 128 preview.
#pragma once

#include <cairo.h>

#include "services/designer/core/cover_plan.h"

namespace moodtape::designer {

// `quick`: leave out the costliest details (window lights, blurs), for previews.
void DrawArt(cairo_t* cr, const CoverPlan& plan, bool quick);

}  // namespace moodtape::designer
