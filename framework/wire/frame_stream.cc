#include "frame_stream.h"

namespace parley::wire {
namespace {

// What a frame adds to a Batch besides its own bytes: a tag and a length.
constexpr size_t kFieldOverhead = 8;

}  // namespace

FrameStream::FrameStream(size_t max_queued, size_t max_batch_bytes)
    : max_queued_(max_queued), max_batch_bytes_(max_batch_bytes) {}

bool FrameStream::Read(v1::Frame* frame) {
  {
    std::lock_guard lock(mutex_);
    read_pending_ = true;
  }
  StartReading(&in_);
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !read_pending_; });
  if (!read_ok_) return false;
  frame->Swap(&in_);
  return true;
}

bool FrameStream::Write(const v1::Frame& frame) {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !writing_; });
    if (closed_ || !write_ok_) return false;
    writing_ = true;
    out_ = frame;
  }
  StartWriting(&out_);
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !writing_; });
  return write_ok_;
}

void FrameStream::Pump(Sink sink) {
  sink_ = std::move(sink);
  StartReading(&in_);
}

void FrameStream::WaitUntilReadingEnds() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return reading_ended_; });
}

bool FrameStream::Send(v1::Frame frame) {
  bool overflow = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || !write_ok_) return false;
    overflow = queue_.size() >= max_queued_;
    if (overflow) {
      closed_ = true;
      queue_.clear();
    } else {
      queue_.push_back(std::move(frame));
      if (writing_) return true;  // the write in progress starts the next one
      writing_ = true;
      out_ = TakeNext();
    }
  }
  // Outside the lock: gRPC may run a reaction on this thread.
  if (overflow) {
    Cancel();
    return false;
  }
  StartWriting(&out_);
  return true;
}

void FrameStream::Close() {
  std::unique_lock lock(mutex_);
  closed_ = true;
  queue_.clear();
  changed_.wait(lock, [&] { return !writing_; });
}

void FrameStream::ReadDone(bool ok) {
  // sink_ was set before the first pumped read started, and only then.
  if (sink_ && ok && sink_(in_)) {
    StartReading(&in_);
    return;
  }
  std::lock_guard lock(mutex_);
  if (sink_) {
    reading_ended_ = true;
  } else {
    read_ok_ = ok;
    read_pending_ = false;
  }
  changed_.notify_all();
}

void FrameStream::WriteDone(bool ok) {
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    more = ok && !closed_ && !queue_.empty();
    if (more) {
      out_ = TakeNext();
    } else {
      if (!ok) {
        write_ok_ = false;
        queue_.clear();
      }
      writing_ = false;
      changed_.notify_all();
    }
  }
  if (more) {
    StartWriting(&out_);
  } else if (!ok) {
    Cancel();  // the stream broke: let the reader notice and end
  }
}

void FrameStream::Done() {
  std::lock_guard lock(mutex_);
  done_ = true;
  changed_.notify_all();
}

void FrameStream::WaitUntilDone() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return done_; });
}

v1::Frame FrameStream::TakeNext() {
  if (queue_.size() == 1) {
    v1::Frame frame = std::move(queue_.front());
    queue_.pop_front();
    return frame;
  }
  v1::Frame batch;
  auto* inner = batch.mutable_batch()->mutable_frames();
  size_t size = 0;
  while (!queue_.empty()) {
    size_t next = queue_.front().ByteSizeLong() + kFieldOverhead;
    if (!inner->empty() && size + next > max_batch_bytes_) break;
    size += next;
    inner->Add(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

ClientFrameStream::ClientFrameStream(v1::Peer::Stub& stub, size_t max_queued,
                                     size_t max_batch_bytes)
    : ReactorFrameStream(max_queued, max_batch_bytes) {
  stub.async()->Connect(&context_, this);
  AddHold();
  StartCall();
}

void ClientFrameStream::End(const grpc::Status&) {
  Cancel();  // the call stays open until one side ends it
  RemoveHold();
  WaitUntilDone();
}

void ServerFrameStream::Cancel() {
  std::lock_guard lock(end_mutex_);
  if (!ended_) context_->TryCancel();
}

void ServerFrameStream::End(const grpc::Status& status) {
  {
    std::lock_guard lock(end_mutex_);
    ended_ = true;
  }
  Finish(status);
  WaitUntilDone();
}

}  // namespace parley::wire
