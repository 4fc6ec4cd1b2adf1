#include "services/designer/core/png_codec.h"

#include <png.h>

#include <cstring>
#include <vector>

namespace moodtape::designer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

void AppendPng(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))
      ->append(reinterpret_cast<const char*>(data), length);
}
void FlushPng(png_structp) {}

struct Reader {
  std::string_view bytes;
  size_t at = 0;
};

cairo_status_t Read(void* closure, unsigned char* data, unsigned int length) {
  auto* r = static_cast<Reader*>(closure);
  if (r->bytes.size() - r->at < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, r->bytes.data() + r->at, length);
  r->at += length;
  return CAIRO_STATUS_SUCCESS;
}

uint32_t BigEndian32(std::string_view b, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

}  // namespace

std::string EncodePng(cairo_surface_t* surface) {
  // libpng directly rather than Cairo's writer: Cairo's uses zlib's default level and every
  // filter, which took over 100 ms for a 1024 cover; flat vector art compresses nearly as well
  // at level 3 with the "up" filter in a fraction of the time. No time or text chunks are
  // written, so the bytes depend on the pixels alone.
  cairo_surface_flush(surface);
  const int w = cairo_image_surface_get_width(surface);
  const int h = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  std::string out;
  std::vector<png_byte> row(static_cast<size_t>(w) * 3);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return {};
  }
  png_set_write_fn(png, &out, AppendPng, FlushPng);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 3);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_write_info(png, info);
  for (int y = 0; y < h; ++y) {
    const auto* src = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < w; ++x) {
      const uint32_t p = src[x];  // xRGB in native order (RGB24: no alpha to undo)
      row[static_cast<size_t>(x) * 3] = static_cast<png_byte>((p >> 16) & 0xff);
      row[static_cast<size_t>(x) * 3 + 1] = static_cast<png_byte>((p >> 8) & 0xff);
      row[static_cast<size_t>(x) * 3 + 2] = static_cast<png_byte>(p & 0xff);
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

platform::Result<SurfacePtr> DecodePng(std::string_view bytes) {
  static constexpr char kSignature[] = "\x89PNG\r\n\x1a\n";
  // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4).
  if (bytes.size() < 33 || bytes.substr(0, 8) != std::string_view(kSignature, 8) ||
      bytes.substr(12, 4) != "IHDR") {
    return MakeError(ErrorCode::kInvalidArgument, "not a PNG");
  }
  const uint32_t width = BigEndian32(bytes, 16), height = BigEndian32(bytes, 20);
  if (width == 0 || height == 0 || width > kMaxDecodedSide || height > kMaxDecodedSide) {
    return MakeError(ErrorCode::kInvalidArgument, "PNG of " + std::to_string(width) + "x" +
                                                      std::to_string(height) + " is outside 1.." +
                                                      std::to_string(kMaxDecodedSide));
  }
  Reader reader{bytes};
  SurfacePtr surface(cairo_image_surface_create_from_png_stream(Read, &reader));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("PNG not readable: ") +
                         cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  return surface;
}

}  // namespace moodtape::designer
