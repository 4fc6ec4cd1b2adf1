#include "services/designer/core/cover_designer.h"

#include <algorithm>

#include "services/designer/core/art/art.h"
#include "services/designer/core/art/paint.h"
#include "services/designer/core/lettering/lettering.h"
#include "services/designer/core/png_codec.h"

namespace moodtape::designer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

bool Cancelled(const std::atomic<bool>* cancelled) { return cancelled && cancelled->load(); }

// Paints `picture` over the whole square, scaled to cover it and centred (the overflow cropped).
void PaintCovering(cairo_t* cr, cairo_surface_t* picture) {
  const double w = cairo_image_surface_get_width(picture);
  const double h = cairo_image_surface_get_height(picture);
  const double scale = std::max(kCoverUnits / w, kCoverUnits / h);
  cairo_save(cr);
  cairo_translate(cr, (kCoverUnits - w * scale) / 2, (kCoverUnits - h * scale) / 2);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, picture, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
}

SurfacePtr NewCanvas(int pixels, CairoPtr* cr) {
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, pixels, pixels));
  cr->reset(cairo_create(surface.get()));
  cairo_scale(cr->get(), pixels / kCoverUnits, pixels / kCoverUnits);
  return surface;
}

}  // namespace

PicturePrompt MakePicturePrompt(const CoverPlan& plan) {
  std::string text =
      "Album cover artwork for a " + std::string(CoverGenreId(plan.spec.genre)) + " record";
  if (!plan.spec.description.empty()) text += ": " + plan.spec.description;
  text += ". Show: ";
  const auto motifs = plan.MotifNames();
  for (size_t i = 0; i < motifs.size(); ++i) text += (i ? ", " : "") + motifs[i];
  text += ". Colours: ";
  const auto hex = plan.palette.HexList();
  for (size_t i = 0; i < hex.size(); ++i) text += (i ? ", " : "") + hex[i];
  // The title and artist are set by the designer with the contrast rule; a model's lettering
  // would be misspelt and unreadable.
  text += ". No text, no letters, no words, no logos. Leave calm space for a title.";
  return {text, "1024x1024"};
}

platform::Result<Cover> CoverDesigner::Design(const CoverSpec& spec,
                                              const std::atomic<bool>* cancelled) const {
  const CoverPlan plan = PlanCover(spec);
  Cover cover;
  CairoPtr cr;
  SurfacePtr surface = NewCanvas(kCoverPixels, &cr);
  bool drawn = false;
  if (pictures_) {
    auto png = pictures_->Draw(MakePicturePrompt(plan));
    if (Cancelled(cancelled)) return MakeError(ErrorCode::kCancelled, "cancelled");
    if (png.ok()) {
      auto picture = DecodePng(*png);
      if (picture.ok()) {
        PaintCovering(cr.get(), picture->get());
        drawn = true;
        cover.designed_by = pictures_->model();
        cover.backend = pictures_->backend();
      } else {
        cover.fallback_reason = "the image model's picture: " + picture.error().message;
      }
    } else {
      cover.fallback_reason = png.error().message;
    }
  }
  if (!drawn) DrawArt(cr.get(), plan, /*quick=*/false);
  if (Cancelled(cancelled)) return MakeError(ErrorCode::kCancelled, "cancelled");
  const Lettering lettering = DrawLettering(cr.get(), plan);
  cover.png = EncodePng(surface.get());

  CairoPtr thumb_cr;
  SurfacePtr thumb(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, kThumbnailPixels, kThumbnailPixels));
  thumb_cr.reset(cairo_create(thumb.get()));
  const double k = static_cast<double>(kThumbnailPixels) / kCoverPixels;
  cairo_scale(thumb_cr.get(), k, k);
  cairo_set_source_surface(thumb_cr.get(), surface.get(), 0, 0);
  // GOOD averages the pixels each thumbnail pixel covers when shrinking, not just samples.
  cairo_pattern_set_filter(cairo_get_source(thumb_cr.get()), CAIRO_FILTER_GOOD);
  cairo_paint(thumb_cr.get());
  cover.thumbnail_png = EncodePng(thumb.get());

  cover.palette = plan.palette.HexList();
  cover.motifs = plan.MotifNames();
  cover.layout = std::string(plan.layout->name);
  cover.title_contrast = lettering.title.contrast;
  cover.artist_contrast = lettering.artist.contrast;
  cover.title_box = lettering.title.ink;
  cover.artist_box = lettering.artist.ink;
  return cover;
}

std::string CoverDesigner::Preview(const CoverSpec& spec) const {
  const CoverPlan plan = PlanCover(spec);
  CairoPtr cr;
  SurfacePtr surface = NewCanvas(kPreviewPixels, &cr);
  DrawArt(cr.get(), plan, /*quick=*/true);
  DrawLettering(cr.get(), plan);
  return EncodePng(surface.get());
}

}  // namespace moodtape::designer
