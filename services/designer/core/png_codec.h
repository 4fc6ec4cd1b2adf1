// PNG in and out of memory: written with libpng (no time stamp or other varying chunk, so the
// same pixels always give the same bytes), read with Cairo's reader.
#pragma once

#include <cairo.h>

#include <string>
#include <string_view>

#include "platform/base/error.h"
#include "services/designer/core/art/paint.h"

namespace moodtape::designer {

// Larger pictures are refused before decoding: a small PNG can inflate to gigabytes.
inline constexpr int kMaxDecodedSide = 4096;

std::string EncodePng(cairo_surface_t* surface);
// kInvalidArgument for bytes that are not a PNG Cairo can read or one over kMaxDecodedSide.
platform::Result<SurfacePtr> DecodePng(std::string_view bytes);

}  // namespace moodtape::designer
