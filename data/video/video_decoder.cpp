// FFmpeg decode loop: demux -> send_packet -> receive_frame until EAGAIN,
// then flush with a null packet and receive until EOF. Frames are resampled
// by exact rational comparison of timestamps (no floating-point rounding at
// frame boundaries) and converted only when selected.
#include "data/video/video_decoder.h"

#include <chrono>
#include <cstring>
#include <string>

#include "data/common/error.h"
#include "data/video/ffmpeg_util.h"

extern "C" {
#include <libavutil/imgutils.h>
}

namespace grain::data {

using detail::check_av;
using Clock = std::chrono::steady_clock;

namespace {

struct Deadline {
  Clock::time_point at;
  bool expired() const { return Clock::now() > at; }
};

int interrupt_callback(void* opaque) { return static_cast<Deadline*>(opaque)->expired() ? 1 : 0; }

struct FormatCloser {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};

class Decoder {
 public:
  Decoder(const std::filesystem::path& path, const DecodeOptions& options)
      : name_(path.string()), options_(options) {
    deadline_.at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options.time_limit_s));
  }

  DecodedVideo run() {
    detail::ScopedLogCapture capture(&log_capture_);
    open();
    auto packet = detail::make_packet();
    auto frame = detail::make_frame();
    for (;;) {
      check_time();
      const int rc = av_read_frame(format_.get(), packet.get());
      if (rc == AVERROR_EOF) break;
      if (rc == AVERROR_EXIT) time_limit_error();
      check_av(rc, name_, "av_read_frame");
      if (packet->stream_index != stream_index_) {
        av_packet_unref(packet.get());
        continue;
      }
      const int sent = avcodec_send_packet(codec_.get(), packet.get());
      av_packet_unref(packet.get());
      check_av(sent, name_, "avcodec_send_packet");
      receive(frame.get());
    }
    check_av(avcodec_send_packet(codec_.get(), nullptr), name_, "avcodec_send_packet(flush)");
    receive(frame.get());
    if (!log_capture_.premature_end.empty())
      throw DataError(name_ + ": truncated: the demuxer reports \"" + log_capture_.premature_end + "\"");
    finish();
    return std::move(out_);
  }

 private:
  void open() {
    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) throw std::bad_alloc();
    raw->interrupt_callback.callback = interrupt_callback;
    raw->interrupt_callback.opaque = &deadline_;
    raw->error_recognition = AV_EF_EXPLODE;
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "protocol_whitelist", "file", 0);
    const std::string url = "file:" + name_;
    const int rc = avformat_open_input(&raw, url.c_str(), nullptr, &opts);  // frees raw on failure
    av_dict_free(&opts);
    if (rc == AVERROR_EXIT) time_limit_error();
    check_av(rc, name_, "avformat_open_input");
    format_.reset(raw);
    const int info = avformat_find_stream_info(raw, nullptr);
    if (info == AVERROR_EXIT) time_limit_error();
    check_av(info, name_, "avformat_find_stream_info");

    const AVCodec* decoder = nullptr;
    stream_index_ = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (stream_index_ == AVERROR_STREAM_NOT_FOUND) throw DataError(name_ + ": no video stream");
    if (stream_index_ == AVERROR_DECODER_NOT_FOUND)
      throw DataError(name_ + ": no decoder for the video stream's codec");
    check_av(stream_index_, name_, "av_find_best_stream");
    for (unsigned i = 0; i < raw->nb_streams; ++i)
      if (static_cast<int>(i) != stream_index_) raw->streams[i]->discard = AVDISCARD_ALL;
    stream_ = raw->streams[stream_index_];

    codec_.reset(avcodec_alloc_context3(decoder));
    if (!codec_) throw std::bad_alloc();
    check_av(avcodec_parameters_to_context(codec_.get(), stream_->codecpar), name_,
             "avcodec_parameters_to_context");
    codec_->thread_count = options_.threads;
    codec_->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK | AV_EF_BITSTREAM;
    check_av(avcodec_open2(codec_.get(), decoder, nullptr), name_, "avcodec_open2");

    const AVRational r = stream_->avg_frame_rate.num > 0 ? stream_->avg_frame_rate : stream_->r_frame_rate;
    if (r.num > 0 && r.den > 0) out_.source_fps = av_q2d(r);
    time_base_ = stream_->time_base;
    if (time_base_.num <= 0 || time_base_.den <= 0) throw DataError(name_ + ": invalid stream time base");
    if (options_.fps > 0) fps_ = av_d2q(options_.fps, 1000000);
  }

  void receive(AVFrame* frame) {
    for (;;) {
      check_time();
      const int rc = avcodec_receive_frame(codec_.get(), frame);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      check_av(rc, name_, "avcodec_receive_frame");
      if (frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
        av_frame_unref(frame);
        throw DataError(name_ + ": corrupt frame " + std::to_string(decoded_));
      }
      on_frame(frame);
    }
  }

  // Output frame k is shown at t0 + k/fps. It is due before relative time
  // num/den seconds when k/fps + tb/2 < num/den: the half tick absorbs the
  // rounding of container timestamps (WebM stores milliseconds, so 24 fps
  // frame 4 at 166.67 ms is stored as 167 ms and must still cover 2/12 s).
  // Exact in 128-bit integers: (2 k fps.den tb.den + tb.num fps.num) den < 2 num fps.num tb.den.
  bool due_before(int64_t k, __int128 num, __int128 den) const {
    const __int128 lhs =
        (2 * static_cast<__int128>(k) * fps_.den * time_base_.den + static_cast<__int128>(time_base_.num) * fps_.num) *
        den;
    const __int128 rhs = 2 * num * fps_.num * time_base_.den;
    return lhs < rhs;
  }
  // Relative time of timestamp ts as num/den seconds.
  __int128 rel_num(int64_t ts) const { return static_cast<__int128>(ts - t0_) * time_base_.num; }

  void on_frame(AVFrame* frame) {
    int64_t ts = frame->best_effort_timestamp;
    if (ts == AV_NOPTS_VALUE) ts = held_ ? held_ts_ + (last_gap_ > 0 ? last_gap_ : 1) : 0;
    if (!held_) {
      t0_ = ts;
    } else {
      if (ts <= held_ts_) ts = held_ts_ + 1;  // keep time strictly increasing
      emit_until(ts);
      last_gap_ = ts - held_ts_;
    }
    held_.reset(av_frame_alloc());
    if (!held_) throw std::bad_alloc();
    av_frame_move_ref(held_.get(), frame);
    held_ts_ = ts;
    held_converted_ = -1;
    ++decoded_;
  }

  // Emits the held frame for every output slot due before `ts` (or once, without resampling).
  void emit_until(int64_t ts) {
    if (fps_.num <= 0) {
      emit_held();
      return;
    }
    while (due_before(next_k_, rel_num(ts), time_base_.den)) {
      emit_held();
      ++next_k_;
    }
  }

  void emit_held() {
    const AVFrame* f = held_.get();
    if (out_.frames == 0) {
      out_.width = options_.width > 0 ? options_.width : f->width;
      out_.height = options_.height > 0 ? options_.height : f->height;
    }
    if (out_.frames >= options_.max_frames)
      throw DataError(name_ + ": more than " + std::to_string(options_.max_frames) +
                      " output frames (DecodeOptions.max_frames)");
    const size_t bytes = out_.frame_bytes();
    out_.rgb.resize(bytes * static_cast<size_t>(out_.frames + 1));
    uint8_t* dst = out_.rgb.data() + bytes * static_cast<size_t>(out_.frames);
    if (held_converted_ >= 0) {
      std::memcpy(dst, out_.frame(held_converted_), bytes);
    } else {
      convert(f, dst);
      held_converted_ = out_.frames;
    }
    ++out_.frames;
  }

  void convert(const AVFrame* f, uint8_t* dst) {
    if (f->width <= 0 || f->height <= 0 || f->width > 16384 || f->height > 16384)
      throw DataError(name_ + ": frame size " + std::to_string(f->width) + "x" + std::to_string(f->height) +
                      " out of range");
    if (options_.width <= 0 && (f->width != out_.width || f->height != out_.height))
      throw DataError(name_ + ": frame size changes mid-stream and no output size is set");
    const auto fmt = static_cast<AVPixelFormat>(f->format);
    sws_ = sws_getCachedContext(sws_, f->width, f->height, fmt, out_.width, out_.height, AV_PIX_FMT_RGB24,
                                detail::kSwsFlags, nullptr, nullptr, nullptr);
    // sws_getCachedContext frees the old context when it cannot reuse it.
    (void)sws_owner_.release();
    sws_owner_.reset(sws_);
    if (!sws_) throw DataError(name_ + ": no swscale conversion from this pixel format to RGB");
    const int cs = f->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT;
    const int src_full = f->color_range == AVCOL_RANGE_JPEG ? 1 : 0;
    // Fails (-1) for RGB sources, where there is no matrix to set; that is fine.
    sws_setColorspaceDetails(sws_, sws_getCoefficients(cs), src_full, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0,
                             1 << 16, 1 << 16);
    uint8_t* dst_planes[1] = {dst};
    const int dst_strides[1] = {out_.width * 3};
    const int rows = sws_scale(sws_, f->data, f->linesize, 0, f->height, dst_planes, dst_strides);
    if (rows != out_.height) throw DataError(name_ + ": sws_scale returned " + std::to_string(rows) + " rows");
  }

  void finish() {
    if (!held_) throw DataError(name_ + ": no decodable video frames");
    // The last frame lasts one nominal frame period (1 / avg_frame_rate), else
    // the previous gap, else one output period.
    const AVRational r = stream_->avg_frame_rate;
    __int128 end_num = 0, end_den = 1;  // relative end time in seconds = end_num / end_den
    if (r.num > 0 && r.den > 0) {
      end_num = rel_num(held_ts_) * r.num + static_cast<__int128>(time_base_.den) * r.den;
      end_den = static_cast<__int128>(time_base_.den) * r.num;
    } else if (last_gap_ > 0) {
      end_num = rel_num(held_ts_ + last_gap_);
      end_den = time_base_.den;
    } else if (fps_.num > 0) {
      end_num = rel_num(held_ts_) * fps_.num + static_cast<__int128>(time_base_.den) * fps_.den;
      end_den = static_cast<__int128>(time_base_.den) * fps_.num;
    } else {
      end_num = rel_num(held_ts_ + 1);
      end_den = time_base_.den;
    }
    if (fps_.num > 0) {
      while (due_before(next_k_, end_num, end_den)) {
        emit_held();
        ++next_k_;
      }
      if (out_.frames == 0) emit_held();
    } else {
      emit_held();
    }
    // Truncation: decoded frames end well before the declared duration.
    const AVFormatContext* fc = format_.get();
    if (fc->duration > 0) {
      const double declared_s = fc->duration / static_cast<double>(AV_TIME_BASE);
      const double start_s = fc->start_time != AV_NOPTS_VALUE ? fc->start_time / double(AV_TIME_BASE) : 0.0;
      const double decoded_end_s =
          static_cast<double>(end_num) / static_cast<double>(end_den) + t0_ * av_q2d(time_base_) - start_s;
      const double period_s = r.num > 0 && r.den > 0 ? av_q2d(av_inv_q(r)) : 0.1;
      if (decoded_end_s + 0.5 * period_s + 0.02 < declared_s)
        throw DataError(name_ + ": truncated: frames end at " + std::to_string(decoded_end_s) +
                        " s of a declared " + std::to_string(declared_s) + " s");
    }
  }

  void check_time() const {
    if (deadline_.expired()) time_limit_error();
  }
  [[noreturn]] void time_limit_error() const {
    throw DataError(name_ + ": decoding exceeded the time limit of " + std::to_string(options_.time_limit_s) +
                    " s (DecodeOptions.time_limit_s)");
  }

  std::string name_;
  DecodeOptions options_;
  detail::LogCapture log_capture_;
  Deadline deadline_;
  std::unique_ptr<AVFormatContext, FormatCloser> format_;
  detail::CodecContextPtr codec_;
  AVStream* stream_ = nullptr;
  int stream_index_ = -1;
  AVRational time_base_{0, 1};
  AVRational fps_{0, 1};
  SwsContext* sws_ = nullptr;
  detail::SwsPtr sws_owner_;
  detail::FramePtr held_;
  int64_t held_ts_ = 0, t0_ = 0, last_gap_ = 0, next_k_ = 0;
  int held_converted_ = -1;
  int64_t decoded_ = 0;
  DecodedVideo out_;
};

}  // namespace

DecodedVideo decode_video(const std::filesystem::path& path, const DecodeOptions& options) {
  if (options.max_frames < 1) throw DataError(path.string() + ": DecodeOptions.max_frames must be >= 1");
  if (options.width < 0 || options.height < 0 || (options.width > 0) != (options.height > 0))
    throw DataError(path.string() + ": DecodeOptions width and height must both be 0 or both positive");
  if (!std::filesystem::is_regular_file(path)) throw DataError(path.string() + ": not a regular file");
  if (std::filesystem::file_size(path) == 0) throw DataError(path.string() + ": empty file");
  Decoder decoder(path, options);
  return decoder.run();
}

bool built_with_ffmpeg() { return true; }

}  // namespace grain::data
