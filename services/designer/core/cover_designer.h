// The designer's pipeline: spec -> plan (cover_plan.h) -> picture (art/, or an image model's) ->
// lettering under the contrast rule (lettering/) -> PNG at 1024 and a 256 thumbnail scaled from
// the same pixels. A 128 preview is the same pipeline drawn small with the costliest details
// left out, for the stream to show first.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "platform/base/error.h"
#include "services/designer/core/cover_plan.h"

namespace moodtape::designer {

inline constexpr int kCoverPixels = 1024;
inline constexpr int kThumbnailPixels = 256;
inline constexpr int kPreviewPixels = 128;

// What an image model is asked for: a picture only, since the lettering is ours.
struct PicturePrompt {
  std::string text;
  std::string size = "1024x1024";
};
PicturePrompt MakePicturePrompt(const CoverPlan& plan);

// An image model (services/designer/openai_images.h has the network one). The core only sees
// this, so it stays free of network code and tests hand in fakes.
class PictureSource {
 public:
  virtual ~PictureSource() = default;
  // PNG bytes of any size (scaled and cropped to the square), or why not.
  virtual platform::Result<std::string> Draw(const PicturePrompt& prompt) const = 0;
  virtual std::string backend() const = 0;  // "openai": the metric's label
  virtual std::string model() const = 0;    // what DesignCoverResponse.designed_by says
};

struct Cover {
  std::string png;            // 1024 x 1024
  std::string thumbnail_png;  // 256 x 256
  std::vector<std::string> palette;
  std::vector<std::string> motifs;
  std::string layout;
  double title_contrast = 0, artist_contrast = 0;
  Box title_box, artist_box;  // the lettering's ink, cover units
  std::string designed_by = "builtin";
  std::string backend = "builtin";  // who drew the picture: "builtin" or the source's backend
  std::string fallback_reason;      // why a picture source's picture was not used
};

class CoverDesigner {
 public:
  // `pictures`: an optional image model; the builtin painter draws whenever it fails.
  explicit CoverDesigner(std::shared_ptr<const PictureSource> pictures = nullptr)
      : pictures_(std::move(pictures)) {}

  // The cover. Deterministic for the builtin painter. `cancelled` is polled between stages.
  platform::Result<Cover> Design(const CoverSpec& spec,
                                 const std::atomic<bool>* cancelled = nullptr) const;
  // A 128 x 128 PNG of the builtin drawing, fast.
  std::string Preview(const CoverSpec& spec) const;

  bool has_picture_source() const { return pictures_ != nullptr; }

 private:
  std::shared_ptr<const PictureSource> pictures_;
};

}  // namespace moodtape::designer
