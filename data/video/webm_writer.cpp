// WebmWriter implementation: one encoder, one muxer, frames pushed through the
// send/receive loop; RGB goes to gbrp by a plain plane copy (exact) and to
// yuv420p through a bit-exact swscale context.
#include "data/video/webm_writer.h"

extern "C" {
#include <libavutil/opt.h>
}

#include <cstring>
#include <string>

#include "data/common/error.h"
#include "data/common/log.h"
#include "data/video/ffmpeg_util.h"

namespace grain::data {

using detail::check_av;

struct WebmWriter::Impl {
  std::string name;
  WebmWriterOptions options;
  AVFormatContext* format = nullptr;
  detail::CodecContextPtr codec;
  AVStream* stream = nullptr;
  detail::FramePtr frame;
  detail::PacketPtr packet;
  detail::SwsPtr sws;
  int64_t next_pts = 0;
  detail::LogCapture log;  // keeps libvpx's banner off stderr
  bool header_written = false;
  bool finished = false;

  ~Impl() {
    if (format) {
      if (format->pb) avio_closep(&format->pb);
      avformat_free_context(format);
    }
  }

  // Moves every packet the encoder has ready into the muxer.
  void drain() {
    for (;;) {
      const int rc = avcodec_receive_packet(codec.get(), packet.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      check_av(rc, name, "avcodec_receive_packet");
      av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      // av_interleaved_write_frame takes ownership of the packet's data and resets it.
      check_av(av_interleaved_write_frame(format, packet.get()), name, "av_interleaved_write_frame");
    }
  }
};

WebmWriter::WebmWriter(const std::filesystem::path& path, const WebmWriterOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  detail::ScopedLogCapture capture(&s.log);
  s.name = path.string();
  s.options = options;
  if (options.width < 2 || options.height < 2 || options.width > 16384 || options.height > 16384)
    throw DataError(s.name + ": WebmWriterOptions width/height must be in [2, 16384], got " +
                    std::to_string(options.width) + "x" + std::to_string(options.height));
  if (!options.lossless && (options.width % 2 != 0 || options.height % 2 != 0))
    throw DataError(s.name + ": lossy VP9 (yuv420p) needs even width and height, got " +
                    std::to_string(options.width) + "x" + std::to_string(options.height));
  if (options.fps < 1 || options.fps > 1000)
    throw DataError(s.name + ": WebmWriterOptions.fps must be in [1, 1000], got " + std::to_string(options.fps));
  if (options.crf < 0 || options.crf > 63)
    throw DataError(s.name + ": WebmWriterOptions.crf must be in [0, 63], got " + std::to_string(options.crf));

  check_av(avformat_alloc_output_context2(&s.format, nullptr, "webm", s.name.c_str()), s.name,
           "avformat_alloc_output_context2(webm)");
  s.format->flags |= AVFMT_FLAG_BITEXACT;

  const AVCodec* encoder = avcodec_find_encoder_by_name("libvpx-vp9");
  if (!encoder) throw DataError(s.name + ": FFmpeg was built without the libvpx-vp9 encoder");
  s.stream = avformat_new_stream(s.format, nullptr);
  if (!s.stream) throw DataError(s.name + ": avformat_new_stream failed");
  s.codec.reset(avcodec_alloc_context3(encoder));
  if (!s.codec) throw std::bad_alloc();

  AVCodecContext* c = s.codec.get();
  c->width = options.width;
  c->height = options.height;
  c->time_base = AVRational{1, options.fps};
  c->framerate = AVRational{options.fps, 1};
  c->pix_fmt = options.lossless ? AV_PIX_FMT_GBRP : AV_PIX_FMT_YUV420P;
  if (options.lossless) c->colorspace = AVCOL_SPC_RGB;
  c->thread_count = 1;  // libvpx with threads is not bit-reproducible across runs
  c->flags |= AV_CODEC_FLAG_BITEXACT;
  c->bit_rate = 0;      // constant quality (crf) rather than a bitrate target
  c->gop_size = 10 * options.fps;
  if (s.format->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  void* priv = c->priv_data;
  check_av(av_opt_set_int(priv, "lossless", options.lossless ? 1 : 0, 0), s.name, "av_opt_set(lossless)");
  if (!options.lossless) check_av(av_opt_set_int(priv, "crf", options.crf, 0), s.name, "av_opt_set(crf)");
  check_av(av_opt_set(priv, "deadline", "good", 0), s.name, "av_opt_set(deadline)");
  check_av(av_opt_set_int(priv, "cpu-used", 4, 0), s.name, "av_opt_set(cpu-used)");
  check_av(av_opt_set_int(priv, "lag-in-frames", 0, 0), s.name, "av_opt_set(lag-in-frames)");
  check_av(av_opt_set_int(priv, "row-mt", 0, 0), s.name, "av_opt_set(row-mt)");
  check_av(av_opt_set_int(priv, "tile-columns", 0, 0), s.name, "av_opt_set(tile-columns)");

  check_av(avcodec_open2(c, encoder, nullptr), s.name, "avcodec_open2(libvpx-vp9)");
  check_av(avcodec_parameters_from_context(s.stream->codecpar, c), s.name,
           "avcodec_parameters_from_context");
  s.stream->time_base = c->time_base;
  s.stream->avg_frame_rate = c->framerate;

  check_av(avio_open(&s.format->pb, s.name.c_str(), AVIO_FLAG_WRITE), s.name, "avio_open");
  check_av(avformat_write_header(s.format, nullptr), s.name, "avformat_write_header");
  s.header_written = true;

  s.frame = detail::make_frame();
  s.frame->format = c->pix_fmt;
  s.frame->width = c->width;
  s.frame->height = c->height;
  check_av(av_frame_get_buffer(s.frame.get(), 0), s.name, "av_frame_get_buffer");
  s.packet = detail::make_packet();
  if (!options.lossless) {
    s.sws.reset(sws_getContext(c->width, c->height, AV_PIX_FMT_RGB24, c->width, c->height,
                               AV_PIX_FMT_YUV420P, detail::kSwsFlags, nullptr, nullptr, nullptr));
    if (!s.sws) throw DataError(s.name + ": sws_getContext(rgb24 -> yuv420p) failed");
  }
}

WebmWriter::~WebmWriter() {
  if (!impl_ || impl_->finished || !impl_->header_written) return;
  try {
    finish();
  } catch (const std::exception& e) {
    log_warning(std::string("WebmWriter: finishing in the destructor failed: ") + e.what());
  }
}

void WebmWriter::write_frame(const uint8_t* rgb24) {
  Impl& s = *impl_;
  detail::ScopedLogCapture capture(&s.log);
  if (s.finished) throw DataError(s.name + ": write_frame after finish");
  if (!rgb24) throw DataError(s.name + ": write_frame given a null frame");
  AVFrame* f = s.frame.get();
  // The encoder may still hold a reference to the previous buffer.
  check_av(av_frame_make_writable(f), s.name, "av_frame_make_writable");
  const int w = s.options.width, h = s.options.height;
  if (s.options.lossless) {
    // gbrp planes: data[0] = G, data[1] = B, data[2] = R.
    for (int y = 0; y < h; ++y) {
      const uint8_t* src = rgb24 + static_cast<size_t>(y) * w * 3;
      uint8_t* g = f->data[0] + static_cast<ptrdiff_t>(y) * f->linesize[0];
      uint8_t* b = f->data[1] + static_cast<ptrdiff_t>(y) * f->linesize[1];
      uint8_t* r = f->data[2] + static_cast<ptrdiff_t>(y) * f->linesize[2];
      for (int x = 0; x < w; ++x) {
        r[x] = src[3 * x + 0];
        g[x] = src[3 * x + 1];
        b[x] = src[3 * x + 2];
      }
    }
  } else {
    const uint8_t* src_planes[1] = {rgb24};
    const int src_strides[1] = {w * 3};
    sws_scale(s.sws.get(), src_planes, src_strides, 0, h, f->data, f->linesize);
  }
  f->pts = s.next_pts++;
  check_av(avcodec_send_frame(s.codec.get(), f), s.name, "avcodec_send_frame");
  s.drain();
}

void WebmWriter::finish() {
  Impl& s = *impl_;
  if (s.finished) return;
  detail::ScopedLogCapture capture(&s.log);
  s.finished = true;  // one attempt only, even when it throws
  check_av(avcodec_send_frame(s.codec.get(), nullptr), s.name, "avcodec_send_frame(flush)");
  s.drain();
  check_av(av_write_trailer(s.format), s.name, "av_write_trailer");
  check_av(avio_closep(&s.format->pb), s.name, "avio_closep");
}

int64_t WebmWriter::frames_written() const { return impl_->next_pts; }

}  // namespace grain::data
