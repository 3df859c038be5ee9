#include "frame_stream.h"

namespace parley::wire {
namespace {

// What a frame adds to a Batch besides its own bytes: a tag and a length.
constexpr size_t kFieldOverhead = 8;

}  // namespace

FrameStream::FrameStream(size_t max_queued_bytes, size_t max_batch_bytes)
    : max_queued_bytes_(max_queued_bytes), max_batch_bytes_(max_batch_bytes) {}

size_t FrameStream::QueuedBytes(const v1::Frame& frame) {
  return frame.ByteSizeLong() + kQueuedFrameOverhead;
}

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
    const size_t bytes = QueuedBytes(frame);
    overflow = queued_bytes_ + bytes > max_queued_bytes_;
    if (overflow) {
      closed_ = true;
      ClearQueue();
    } else {
      queued_bytes_ += bytes;
      queue_.push_back({std::move(frame), bytes});
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
  ClearQueue();
  changed_.wait(lock, [&] { return !writing_; });
}

void FrameStream::ReadDone(bool ok) {
  // sink_ was set before the first pumped read started, and only then.
  if (sink_ && ok) return TakeAndReadOn();
  std::lock_guard lock(mutex_);
  if (sink_) {
    reading_ended_ = true;
  } else {
    read_ok_ = ok;
    read_pending_ = false;
  }
  changed_.notify_all();
}

void FrameStream::TakeAndReadOn() {
  for (;;) {
    Intake intake = sink_(in_);
    {
      std::lock_guard lock(mutex_);
      if (intake == Intake::kPause && resume_requested_) {
        resume_requested_ = false;  // its room came already
        continue;
      }
      if (intake == Intake::kPause && !cancelled_) {
        paused_ = true;
        return;
      }
      if (intake != Intake::kMore) {
        reading_ended_ = true;
        changed_.notify_all();
        return;
      }
    }
    StartReading(&in_);
    return;
  }
}

void FrameStream::Resume() {
  {
    std::lock_guard lock(mutex_);
    if (!paused_) {
      resume_requested_ = true;
      return;
    }
    paused_ = false;
  }
  TakeAndReadOn();
}

void FrameStream::CallCancelled() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  if (!paused_) return;
  paused_ = false;
  reading_ended_ = true;
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
        ClearQueue();
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

void FrameStream::ClearQueue() {
  queue_.clear();
  queued_bytes_ = 0;
}

v1::Frame FrameStream::PopFront() {
  Queued& front = queue_.front();
  queued_bytes_ -= front.bytes;
  v1::Frame frame = std::move(front.frame);
  queue_.pop_front();
  return frame;
}

v1::Frame FrameStream::TakeNext() {
  if (queue_.size() == 1) return PopFront();
  v1::Frame batch;
  auto* inner = batch.mutable_batch()->mutable_frames();
  size_t size = 0;
  while (!queue_.empty()) {
    size_t next = queue_.front().bytes - kQueuedFrameOverhead + kFieldOverhead;
    if (!inner->empty() && size + next > max_batch_bytes_) break;
    size += next;
    inner->Add(PopFront());
  }
  return batch;
}

ClientFrameStream::ClientFrameStream(v1::Peer::Stub& stub, size_t max_queued_bytes,
                                     size_t max_batch_bytes)
    : ReactorFrameStream(max_queued_bytes, max_batch_bytes) {
  stub.async()->Connect(&context_, this);
  AddHold();
  StartCall();
}

void ClientFrameStream::End(const grpc::Status&) {
  Cancel();  // the call stays open until one side ends it
  RemoveHold();
  WaitUntilDone();
}

void ServerFrameStream::CancelCall() {
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
