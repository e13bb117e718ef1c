// libjpeg-turbo wrapper. libjpeg reports fatal errors through error_exit,
// which must not return; we longjmp back into the function that owns the
// libjpeg object (no C++ object is constructed between setjmp and longjmp)
// and throw from there, so no exception crosses the C library's frames.
#include "data/video/jpeg.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <jpeglib.h>
#include <jerror.h>  // the message codes (JERR_NO_SOI)
}

#include "data/common/error.h"
#include "data/common/file_io.h"

namespace grain::data {
namespace {

constexpr int kMaxSide = 16384;

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  int warnings;
};

void on_error_exit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  // libjpeg's text for a file without the start-of-image marker shows the
  // file's first two bytes ("Not a JPEG file: starts with 0x72 0x6f"), and
  // any file at all may end up here (a frame linking to a private file), so
  // that one message is ours, without the bytes. libjpeg's other messages
  // concern files that do start like a JPEG and show marker codes, sizes and
  // table numbers of its structure, never its content.
  if (cinfo->err->msg_code == JERR_NO_SOI)
    std::snprintf(err->message, sizeof err->message, "not a JPEG file (no start-of-image marker)");
  else
    (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void on_emit_message(j_common_ptr cinfo, int level) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  if (level < 0) {  // a corrupt-data warning: keep the first one, fail after decoding
    if (err->warnings++ == 0) (*cinfo->err->format_message)(cinfo, err->message);
  }
}

void init_errors(ErrorManager& err) {
  jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error_exit;
  err.pub.emit_message = on_emit_message;
  err.message[0] = '\0';
  err.warnings = 0;
}

}  // namespace

std::vector<uint8_t> encode_jpeg(const uint8_t* rgb, int width, int height, int quality) {
  if (!rgb || width < 1 || height < 1 || width > kMaxSide || height > kMaxSide)
    throw DataError("encode_jpeg: bad image " + std::to_string(width) + "x" + std::to_string(height));
  if (quality < 1 || quality > 100)
    throw DataError("encode_jpeg: quality must be in [1, 100], got " + std::to_string(quality));
  jpeg_compress_struct cinfo;
  ErrorManager err;
  init_errors(err);
  cinfo.err = &err.pub;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);
    throw DataError(std::string("encode_jpeg: libjpeg error: ") + err.message);
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(rgb + static_cast<size_t>(cinfo.next_scanline) * width * 3);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::vector<uint8_t> out(buffer, buffer + size);
  std::free(buffer);
  return out;
}

void write_jpeg_file(const std::filesystem::path& path, const uint8_t* rgb, int width, int height,
                     int quality) {
  std::vector<uint8_t> bytes;
  try {
    bytes = encode_jpeg(rgb, width, height, quality);
  } catch (const DataError& e) {
    throw DataError(path.string() + ": " + e.message());
  }
  write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

RgbImage decode_jpeg(const uint8_t* data, size_t size, const std::string& name) {
  if (!data || size < 4) throw DataError(name + ": not a JPEG (" + std::to_string(size) + " bytes)");
  RgbImage image;
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  init_errors(err);
  cinfo.err = &err.pub;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw DataError(name + ": corrupt JPEG: " + err.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  const bool too_big = cinfo.image_width < 1 || cinfo.image_height < 1 ||
                       cinfo.image_width > kMaxSide || cinfo.image_height > kMaxSide;
  const bool unsupported = cinfo.jpeg_color_space != JCS_GRAYSCALE && cinfo.jpeg_color_space != JCS_YCbCr &&
                           cinfo.jpeg_color_space != JCS_RGB;
  if (too_big || unsupported) {
    const std::string what = too_big ? "image size " + std::to_string(cinfo.image_width) + "x" +
                                           std::to_string(cinfo.image_height) + " out of range"
                                     : "unsupported colour space (CMYK/YCCK)";
    jpeg_destroy_decompress(&cinfo);
    throw DataError(name + ": " + what);
  }
  cinfo.out_color_space = JCS_RGB;
  cinfo.dct_method = JDCT_ISLOW;  // the exact integer IDCT on every CPU
  jpeg_start_decompress(&cinfo);
  image.width = static_cast<int>(cinfo.output_width);
  image.height = static_cast<int>(cinfo.output_height);
  image.rgb.resize(static_cast<size_t>(image.width) * image.height * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = image.rgb.data() + static_cast<size_t>(cinfo.output_scanline) * image.width * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  if (err.warnings > 0) throw DataError(name + ": corrupt JPEG: " + err.message);
  return image;
}

RgbImage decode_jpeg_file(const std::filesystem::path& path) {
  const std::vector<uint8_t> bytes = read_binary_file(path);
  return decode_jpeg(bytes.data(), bytes.size(), path.string());
}

}  // namespace grain::data
