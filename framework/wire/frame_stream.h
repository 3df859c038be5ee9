// FrameStream: one parley.v1.Peer/Connect call, from either end, driven by
// gRPC's callback API. Private to framework/wire.
//
// While the handshake runs, Read and Write block the calling thread. Then
// Pump hands every frame read to a sink, on gRPC's own thread (a sink that
// cannot take it all pauses reading until Resume), and Send
// queues frames that leave in order: the thread that finds the stream idle
// starts the write, and a backlog leaves in Batch frames when the write
// before it completes. No thread of the stream's own waits on the network:
// with gRPC's synchronous API a round trip cost twice the CPU and three times
// the context switches (node_bench, docs/benchmarks.md).
//
// A stream ends in three steps, on the thread that ran its handshake: Cancel
// (every pending operation then fails), Close (no more writes; waits for the
// one in progress), End (hands the call back to gRPC and waits until gRPC is
// done with this object).
#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "parley/v1/wire.grpc.pb.h"

namespace parley::wire {

class FrameStream {
 public:
  // What a sink says of a frame it took while pumping.
  enum class Intake {
    kMore,   // taken: read on
    kPause,  // not all taken, as what takes the frames is full: Resume hands
             // the sink the same frame again, to go on where it stopped
    kStop,   // reading ends
  };
  using Sink = std::function<Intake(const v1::Frame&)>;

  // What a waiting frame holds besides its encoded bytes: the message object
  // and its slot in the queue (an estimate of the right order).
  static constexpr size_t kQueuedFrameOverhead = 128;

  // A stream whose frames waiting to leave would hold more than
  // `max_queued_bytes` is cancelled: its peer has stopped reading.
  // `max_batch_bytes` bounds a Batch frame.
  FrameStream(size_t max_queued_bytes, size_t max_batch_bytes);
  virtual ~FrameStream() = default;
  FrameStream(const FrameStream&) = delete;
  FrameStream& operator=(const FrameStream&) = delete;

  // Blocking, one at a time, before Pump. False once the stream has ended.
  bool Read(v1::Frame* frame);
  bool Write(const v1::Frame& frame);

  // Reads every further frame into `sink`, then returns at once.
  void Pump(Sink sink);
  // Once for each kPause, from any thread: hands the sink the frame it
  // paused on again, then reads on. One that comes before the sink has
  // returned kPause makes it go on at once.
  void Resume();
  // Blocks until pumped reading has ended: the stream broke, was cancelled
  // (a paused reading ends then too), or the sink said stop.
  void WaitUntilReadingEnds();

  // Queues `frame` to leave after those queued before it. False if the
  // stream is closed or broken, or if it has just been cancelled because
  // the frames waiting would hold too many bytes.
  bool Send(v1::Frame frame);

  // Makes every pending and later operation fail, and ends a paused
  // reading. Thread-safe, repeatable.
  void Cancel() {
    CallCancelled();
    CancelCall();
  }
  // Drops what is queued, refuses further Sends, and waits for the write in
  // progress (cancel first, so that it cannot wait on the peer).
  void Close();
  // Ends the call, with `status` from a server (a client cancels it), and
  // waits until gRPC no longer uses this object. Call once, after Close.
  virtual void End(const grpc::Status& status) = 0;

 protected:
  virtual void CancelCall() = 0;
  virtual void StartReading(v1::Frame* frame) = 0;
  virtual void StartWriting(const v1::Frame* frame) = 0;
  // The reactions, forwarded by the client and server reactors.
  void ReadDone(bool ok);
  void WriteDone(bool ok);
  void Done();
  void WaitUntilDone();
  // Either side cancelled the call: a paused reading ends, as no read of it
  // would succeed.
  void CallCancelled();

 private:
  // Hands in_ to the sink, and after it starts the next read, pauses or
  // ends reading, as the sink says.
  void TakeAndReadOn();
  // The next frame to write: the front of the queue, or as many queued frames
  // as fit in one Batch. Call with mutex_ held and the queue not empty.
  v1::Frame TakeNext();
  // Call with mutex_ held (and, for PopFront, the queue not empty).
  v1::Frame PopFront();
  void ClearQueue();

  // A frame waiting to leave, and what it counts against max_queued_bytes_.
  struct Queued {
    v1::Frame frame;
    size_t bytes;
  };
  // What a waiting frame costs in memory: its encoded size, and the
  // container's share, so that tiny frames cannot queue without bound.
  static size_t QueuedBytes(const v1::Frame& frame);

  const size_t max_queued_bytes_;
  const size_t max_batch_bytes_;
  std::mutex mutex_;
  std::condition_variable changed_;
  v1::Frame in_;   // written by gRPC while a read is pending
  v1::Frame out_;  // read by gRPC while a write is pending
  Sink sink_;      // set once, before pumping starts
  bool read_pending_ = false;
  bool read_ok_ = false;
  bool reading_ended_ = false;
  bool paused_ = false;            // the sink said kPause; Resume goes on
  bool resume_requested_ = false;  // Resume came before the sink's kPause
  bool cancelled_ = false;
  bool writing_ = false;  // one write at a time: its starter holds this
  bool write_ok_ = true;
  bool closed_ = false;
  bool done_ = false;
  std::deque<Queued> queue_;
  size_t queued_bytes_ = 0;
};

// A FrameStream on one of gRPC's bidirectional reactors.
template <typename Reactor>
class ReactorFrameStream : public FrameStream, public Reactor {
 protected:
  using FrameStream::FrameStream;

 private:
  void StartReading(v1::Frame* frame) override { this->StartRead(frame); }
  void StartWriting(const v1::Frame* frame) override { this->StartWrite(frame); }
  void OnReadDone(bool ok) override { ReadDone(ok); }
  void OnWriteDone(bool ok) override { WriteDone(ok); }
};

// The dialer's end. The hold keeps gRPC from finishing the call while
// operations may still start from outside its reactions.
class ClientFrameStream final
    : public ReactorFrameStream<grpc::ClientBidiReactor<v1::Frame, v1::Frame>> {
 public:
  ClientFrameStream(v1::Peer::Stub& stub, size_t max_queued_bytes, size_t max_batch_bytes);
  void End(const grpc::Status& status) override;

 private:
  void CancelCall() override { context_.TryCancel(); }
  void OnDone(const grpc::Status&) override { Done(); }

  grpc::ClientContext context_;
};

// The listener's end, for the call in `context`.
class ServerFrameStream final
    : public ReactorFrameStream<grpc::ServerBidiReactor<v1::Frame, v1::Frame>> {
 public:
  ServerFrameStream(grpc::CallbackServerContext* context, size_t max_queued_bytes,
                    size_t max_batch_bytes)
      : ReactorFrameStream(max_queued_bytes, max_batch_bytes), context_(context) {}
  void End(const grpc::Status& status) override;

 private:
  // Does nothing once End has begun: gRPC frees the context after the call.
  void CancelCall() override;
  void OnCancel() override { CallCancelled(); }
  void OnDone() override { Done(); }

  grpc::CallbackServerContext* const context_;
  std::mutex end_mutex_;  // orders a late Cancel (from a Send) before End
  bool ended_ = false;
};

}  // namespace parley::wire
